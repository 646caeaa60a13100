package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRender feeds arbitrary text through every mode: text and JSON, with
// and without a schema, line by line and through Copy over a stream cut
// after every byte. Nothing may panic, and every JSON line must be valid.
func FuzzRender(f *testing.F) {
	for _, l := range []string{lineKprobe, lineKret, lineUprobe, lineUret, lineArrays, lineTP, lineTgid, lineNoFlags, lineCounter,
		lineStack + "\n => ip_output\n => __ip_queue_xmit+0x17d/0x410", "CPU:2 [LOST 1234 EVENTS]\nCPU:1 [LOST EVENTS]",
		hdr + "f0: (x) comm=\"q\" x=1\" body=\"a\nb\" ip_dst=16777343", hdr + "f2: (x) state=7 b16_port=1063", "# tracer: nop",
		hdr + "f1: (x) s=\"open\n\n" + lineArrays} {
		for mode := range byte(8) {
			f.Add([]byte(l), mode)
		}
	}
	schema := nastySchema()
	f.Fuzz(func(t *testing.T, data []byte, mode byte) {
		opts := Options{JSON: mode&1 != 0, OnLost: func(int, uint64) {}}
		if mode&2 != 0 {
			opts.Schema = schema
		}
		var out bytes.Buffer
		if mode&4 != 0 {
			if err := Copy(&out, oneByte{bytes.NewReader(data)}, opts); err != nil {
				t.Fatal(err)
			}
		} else {
			r := New(&out, opts)
			for _, l := range bytes.Split(data, []byte("\n")) {
				if err := r.Line(l); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Flush(); err != nil {
				t.Fatal(err)
			}
		}
		if !opts.JSON {
			return
		}
		for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if l != "" && !json.Valid([]byte(l)) {
				t.Fatalf("invalid JSON %q from input %q", l, data)
			}
			if l == "" && out.Len() > 0 {
				t.Fatalf("empty JSON line from input %q", data)
			}
		}
	})
}
