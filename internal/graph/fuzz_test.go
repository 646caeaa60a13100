package graph

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

func seedLines(f *testing.F, files ...string) {
	for _, name := range files {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i < len(lines); i += 7 {
			f.Add(lines[i])
		}
	}
}

// FuzzParseLine: any line parses without panicking into a consistent Line.
func FuzzParseLine(f *testing.F) {
	seedLines(f, "openat2-proc-abstime.txt", "sched.txt", "lost.txt", "irq-marks.txt")
	f.Fuzz(func(t *testing.T, s string) {
		l := ParseLine(s)
		if l.Depth < 0 || l.Kind > KindLost {
			t.Fatalf("%q: %+v", s, l)
		}
		if (l.Kind == KindEntry || l.Kind == KindLeaf) && l.Func == "" {
			t.Fatalf("%q: a call without a name: %+v", s, l)
		}
	})
}

// FuzzBuilder: any text builds calls whose trees, text and SVG hold up.
func FuzzBuilder(f *testing.F) {
	for _, name := range []string{"openat2-tail.txt", "irq-marks.txt", "lost-openat2.txt"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b[:min(len(b), 4000)]))
	}
	f.Fuzz(func(t *testing.T, text string) {
		b := NewBuilder("do_sys_openat2")
		for _, l := range strings.Split(text, "\n") {
			c := b.AddText(l)
			if c == nil {
				continue
			}
			if c.Root.Name != "do_sys_openat2" || c.Seq != b.Stats().Calls {
				t.Fatalf("call %+v after %+v", c, b.Stats())
			}
			if err := WriteTree(io.Discard, c); err != nil {
				t.Fatal(err)
			}
			var svg bytes.Buffer
			if err := WriteSVG(&svg, c.Root, SVGOptions{Subtitle: Describe(c)}); err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(&svg)
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("SVG is not XML: %v", err)
				}
			}
		}
		b.Flush()
	})
}
