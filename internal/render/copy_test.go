package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// notifyWriter signals every write, so a test can see output arrive
// before the input ends.
type notifyWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
	ch  chan struct{}
}

func (w *notifyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	select {
	case w.ch <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (w *notifyWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// Streaming: each event is written as soon as its line has arrived, while
// the source is still open (trace_pipe never ends).
func TestCopyStreams(t *testing.T) {
	for _, js := range []bool{false, true} {
		pr, pw := io.Pipe()
		w := &notifyWriter{ch: make(chan struct{}, 1)}
		done := make(chan error, 1)
		go func() { done <- Copy(w, pr, Options{JSON: js}) }()
		for i, l := range []string{lineKprobe, lineUret} {
			if _, err := pw.Write([]byte(l + "\n")); err != nil {
				t.Fatal(err)
			}
			// A deadlock guard, not a speed check.
			deadline := time.After(10 * time.Second)
			for strings.Count(w.String(), "\n") <= i {
				select {
				case <-w.ch:
				case <-deadline:
					t.Fatalf("json=%v: line %d not rendered while the stream is open; have %q", js, i, w.String())
				}
			}
		}
		// A partial line is held, not stalled on: it is rendered at EOF.
		pw.Write([]byte("tail without newline"))
		pw.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if !js && !strings.HasSuffix(w.String(), "tail without newline\n") {
			t.Errorf("partial last line lost: %q", w.String())
		}
	}
}

// A regular file is read in bulk; long lines and CRLF-free data of any
// chunking come out the same.
func TestCopyFile(t *testing.T) {
	in := genCorpus(3000, true)
	in = append(in, []byte(hdr+"f1: (x) s=\""+strings.Repeat("long ", 100000)+"\"\n")...)
	path := filepath.Join(t.TempDir(), "trace")
	if err := os.WriteFile(path, in, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !isRegularFile(f) {
		t.Fatal("a file on disk is not seen as one")
	}
	for _, js := range []bool{false, true} {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		var fromFile, fromStream bytes.Buffer
		if err := Copy(&fromFile, f, Options{JSON: js}); err != nil {
			t.Fatal(err)
		}
		// A stream cut after every byte is idle at every line end; the
		// JSON held for stacks must still come out the same, but for the
		// corpus's first stack, which comes after the stream proved it
		// has stacks only once that event was written.
		if err := Copy(&fromStream, oneByte{bytes.NewReader(in)}, Options{JSON: js}); err != nil {
			t.Fatal(err)
		}
		a, b := fromFile.String(), fromStream.String()
		if js {
			checkJSONLines(t, a)
			a, b = afterFirstStack(a), afterFirstStack(b)
		}
		if a != b {
			t.Fatalf("json=%v: bulk and byte-at-a-time renderings differ", js)
		}
	}
}

func afterFirstStack(s string) string {
	i := strings.Index(s, `"stack":[`)
	if i < 0 {
		return s
	}
	j := strings.Index(s[i:], "\n")
	return s[i+j:]
}

// oneByte reads one byte at a time, the worst chunking a stream can have.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestCopyWriteError(t *testing.T) {
	big := genCorpus(5000, false)
	if err := Copy(errWriter{}, bytes.NewReader(big), Options{}); err == nil {
		t.Fatal("write error not reported")
	}
}

// A write error on the last line, one without a newline read at EOF,
// is reported like any other.
func TestCopyWriteErrorLastLine(t *testing.T) {
	for _, src := range []string{"a last line without a newline", "one\ntwo"} {
		err := Copy(errWriter{}, strings.NewReader(src), Options{})
		if !errors.Is(err, io.ErrClosedPipe) || !strings.HasPrefix(err.Error(), "write rendered trace") {
			t.Errorf("%q: got %v, want the write error", src, err)
		}
	}
}

// MaxEvents stops after that many events, keeping the last one's stack,
// on a stream (idle at each line end) and on a file alike.
func TestCopyMaxEvents(t *testing.T) {
	entries := []string{
		ev("000", "f0") + "\n" + stackHead("000") + "\n => a\n",
		ev("001", "f1") + "\n" + stackHead("001") + "\n => b\n => c\n",
		ev("000", "f2") + "\n",
		ev("000", "f3") + "\n",
	}
	in := strings.Join(entries, "")
	for _, js := range []bool{false, true} {
		for _, src := range []io.Reader{strings.NewReader(in), &chunks{c: slices.Clone(entries)}} {
			var out bytes.Buffer
			if err := Copy(&out, src, Options{JSON: js, MaxEvents: 2}); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if js {
				if e := eventsOf(t, got); strings.Join(e, " ") != `f0:"a" f1:"b","c"` {
					t.Errorf("json: got %q", e)
				}
				continue
			}
			if want := strings.Join(strings.Split(in, "\n")[:7], "\n") + "\n"; got != want {
				t.Errorf("text: got %q, want %q", got, want)
			}
		}
	}
}

func TestEventsCount(t *testing.T) {
	in := "# x\n" + ev("000", "f0") + "\n" + stackHead("000") + "\n => a\nCPU:0 [LOST 2 EVENTS]\n" + hdr + "f1: (x) s=\"a\nb\"\n" + ev("001", "f2")
	for _, js := range []bool{false, true} {
		r := New(io.Discard, Options{JSON: js})
		for _, l := range strings.Split(in, "\n") {
			r.Line([]byte(l))
		}
		r.Flush()
		if r.Events() != 3 {
			t.Errorf("json=%v: Events() = %d, want 3", js, r.Events())
		}
	}
}

// chunks reads as trace_pipe does: whole entries (an event with its stack
// block) per read.
type chunks struct{ c []string }

func (c *chunks) Read(p []byte) (int, error) {
	if len(c.c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.c[0])
	c.c[0] = c.c[0][n:]
	if c.c[0] == "" {
		c.c = c.c[1:]
	}
	return n, nil
}

// An event and its stack entry may come in two trace_pipe reads: the
// stream is idle in between. With Options.Stacks even the first event
// waits for its stack; without, the renderer learns from the first block.
func TestCopyStackInNextRead(t *testing.T) {
	entries := []string{
		ev("000", "f0") + "\n", stackHead("000") + "\n => a\n => b\n",
		ev("000", "f1") + "\n", stackHead("000") + "\n => c\n",
	}
	for _, tt := range []struct {
		stacks bool
		want   string
	}{{true, `f0:"a","b" f1:"c"`}, {false, `f0: <stack trace>:"a","b" f1:"c"`}} {
		var out bytes.Buffer
		if err := Copy(&out, &chunks{c: slices.Clone(entries)}, Options{JSON: true, Stacks: tt.stacks}); err != nil {
			t.Fatal(err)
		}
		if e := eventsOf(t, out.String()); strings.Join(e, " ") != tt.want {
			t.Errorf("Stacks=%v: got %q, want %q", tt.stacks, e, tt.want)
		}
	}
}

// A line longer than any buffer size is rendered whole: cutting it would
// make two wrong events of one.
func TestCopyHugeLine(t *testing.T) {
	body := strings.Repeat("x name=y ", 5<<20/9) // over 5 MB, with " name=" inside
	in := hdr + "f1: (x) s=\"" + body + "\" n=7\n"
	var out bytes.Buffer
	if err := Copy(&out, strings.NewReader(in), Options{JSON: true}); err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Args map[string]any `json:"args"`
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d JSON lines, want 1", len(lines))
	}
	if err := json.Unmarshal([]byte(lines[0]), &ev); err != nil {
		t.Fatal(err)
	}
	if s, _ := ev.Args["s"].(string); s != body || ev.Args["n"] != 7.0 || len(ev.Args) != 2 {
		t.Errorf("huge line split into %d args (s is %d bytes, want %d)", len(ev.Args), len(s), len(body))
	}
}
