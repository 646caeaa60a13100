package render

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

// FuzzRender feeds arbitrary text through every mode: text and JSON, with
// and without a schema, line by line and through Copy over a stream cut
// after every byte, and delivered as typed events. Nothing may panic, and
// every JSON line must be valid.
func FuzzRender(f *testing.F) {
	for _, l := range []string{lineKprobe, lineKret, lineUprobe, lineUret, lineArrays, lineTP, lineTgid, lineNoFlags, lineCounter,
		lineStack + "\n => ip_output\n => __ip_queue_xmit+0x17d/0x410", "CPU:2 [LOST 1234 EVENTS]\nCPU:1 [LOST EVENTS]",
		hdr + "f0: (x) comm=\"q\" x=1\" body=\"a\nb\" ip_dst=16777343", hdr + "f2: (x) state=7 b16_port=1063", "# tracer: nop",
		hdr + "f1: (x) s=\"open\n\n" + lineArrays} {
		for mode := range byte(16) {
			f.Add([]byte(l), mode)
		}
	}
	schema := nastySchema()
	f.Fuzz(func(t *testing.T, data []byte, mode byte) {
		opts := Options{JSON: mode&1 != 0, OnLost: func(int, uint64) {}}
		if mode&2 != 0 {
			opts.Schema = schema
		}
		if mode&8 != 0 {
			// Typed delivery: every field is found by its name, and a value
			// the text showed is never dropped.
			opts.Deliver = func(e *Event) error {
				for _, fl := range e.Fields {
					if _, ok := e.Get(fl.Name); !ok {
						t.Fatalf("field %q not found by Get in %+v", fl.Name, e)
					}
				}
				return nil
			}
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

// FuzzPlainText checks the shortcut of the text renderer: a payload
// plainText accepts, split on its names, has no value to convert and no
// value that is a string (which could be open).
func FuzzPlainText(f *testing.F) {
	for _, l := range []string{"ret=1400 arg1=0xffff88f7fb2fa160", "prev_comm=bash prev_pid=65545 prev_state=D ==> next_comm=swapper/1",
		"x=1 ip_dst=2", "a=1 xip_b=2", "s=\"open", "ip6_a={0x1} mac_b={0x2}", "_=1 __ip_=3", "B64_x=1", "v=1 b32_=2 ip_", "free text ip"} {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if !plainText(payload) {
			return
		}
		r := New(io.Discard, Options{})
		r.splitNames(payload, 0)
		for _, a := range r.args {
			if a.display != probe.DisplayDefault {
				t.Fatalf("plainText(%q) but %q converts", payload, a.name.of(payload))
			}
			if v := a.val.of(payload); len(v) > 0 && v[0] == '"' {
				t.Fatalf("plainText(%q) but %q is a string", payload, a.name.of(payload))
			}
		}
	})
}
