package ftrace

import (
	"io"
	"os"
	"testing"
	"time"
)

// A file that cannot be polled (a fake trace_pipe) is followed like
// tail -f, and Close wakes a waiting Read.
func TestPipeFake(t *testing.T) {
	fs := fakeTree(t, "trace_pipe")
	os.WriteFile(fs.Path("trace_pipe"), []byte("line1\n"), 0o644)
	p, err := openPipe(fs.Path("trace_pipe"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	buf := make([]byte, 100)
	if n, err := p.Read(buf); err != nil || string(buf[:n]) != "line1\n" {
		t.Fatalf("Read = %q, %v", buf[:n], err)
	}
	type result struct {
		s   string
		err error
	}
	read := func() chan result {
		ch := make(chan result, 1)
		go func() {
			n, err := p.Read(buf)
			ch <- result{string(buf[:n]), err}
		}()
		return ch
	}
	ch := read()
	f, _ := os.OpenFile(fs.Path("trace_pipe"), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("line2\n")
	f.Close()
	if r := waitResult(t, ch); r.s != "line2\n" || r.err != nil {
		t.Errorf("Read = %q, %v", r.s, r.err)
	}
	ch = read()
	time.Sleep(10 * time.Millisecond)
	p.Close()
	if r := waitResult(t, ch); r.s != "" || r.err != io.EOF {
		t.Errorf("Read after Close = %q, %v", r.s, r.err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func waitResult[T any](t *testing.T, ch chan T) T {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Read did not return")
	}
	panic("unreachable")
}
