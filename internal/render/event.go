package render

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/surftrace/surftrace/internal/numtext"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// Event is one trace event parsed into typed fields, what
// Options.Deliver receives instead of the event's text. Its values are
// typed as the text and JSON outputs show them: the same prefixes
// convert, the same enumerators are named.
type Event struct {
	Task  string // the comm of the task that hit the probe
	Pid   int    // its thread id, as the kernel prints it
	Tgid  int    // its process id when the trace shows it (options/record-tgid); else 0
	CPU   int
	Flags string // the irq-info column ("d..1."); "" when not printed
	// Timestamp is the time as printed (seconds since boot with the
	// default clock); Time is the same as a duration, 0 when it does not
	// read as SECS[.FRACTION].
	Timestamp string
	Time      time.Duration
	// Name is the event name: f0, p1… for a probe, the tracepoint's name
	// (sched_switch) for one, "<stack trace>" for a stack block whose
	// event was delivered before it.
	Name string
	// Location is a probe's "func+0x0/0x110"; RetFrom the "<- FUNC" of a
	// return probe. Both are "" when the kernel printed none.
	Location, RetFrom string
	// Fields are the NAME=VALUE pairs in print order.
	Fields []Field
	// Text is a payload that is not NAME=VALUE (some tracepoints print
	// free text); "" otherwise.
	Text string
	// Stack and UserStack are the frames of the event's kernel and user
	// stack blocks, innermost first; nil without one.
	Stack, UserStack []string
	// Lost is how many events the kernel reported lost in this stream
	// up to this event.
	Lost uint64
}

// Field is one NAME=VALUE of an event.
type Field struct {
	Name string
	// Value is the value typed by the argument's fetch type and name:
	//   - s8…s64 and signed bitfields: int64; u8…u64, x8…x64, other
	//     bitfields and b16_/b32_/b64_/B16_/B32_/B64_ names: uint64 (the
	//     big-endian ones already swapped);
	//   - string, ustring, symbol, $comm and enumerators: string;
	//   - ip_ and ip6_ names: net.IP; mac_ names: net.HardwareAddr;
	//   - arrays: []byte for 8-bit elements, else []int64 or []uint64;
	//   - a read that faulted: nil.
	// Tracepoint fields, whose types are not known here, are int64 when
	// an integer fits (uint64 past it, hex as uint64), string when quoted
	// or not a number.
	Value any
	// Raw is the value as the kernel printed it.
	Raw string
}

// Get returns the value of the first field named name.
func (e *Event) Get(name string) (any, bool) {
	for i := range e.Fields {
		if e.Fields[i].Name == name {
			return e.Fields[i].Value, true
		}
	}
	return nil, false
}

// newEvent builds the Event of the parsed line b (header and payload).
func (r *Renderer) newEvent(b []byte) *Event {
	h := &r.hdr
	e := &Event{
		Task:      string(h.comm.of(b)),
		CPU:       h.cpu,
		Timestamp: string(h.ts.of(b)),
		Name:      string(h.event.of(b)),
		Lost:      r.lost,
	}
	pid, _ := numtext.ParseDec(h.pid.of(b))
	e.Pid = int(pid)
	if h.hasTgid {
		tgid, _ := numtext.ParseDec(h.tgid.of(b))
		e.Tgid = int(tgid)
	}
	if h.hasFlags {
		e.Flags = string(h.flags.of(b))
	}
	e.Time = sinceBoot(h.ts.of(b))
	if h.stack != noStack {
		return e
	}
	if r.hasLoc {
		e.Location = string(r.loc.of(b))
		if r.hasFrom {
			e.RetFrom = string(r.from.of(b))
		}
	}
	if r.hasText {
		e.Text = string(r.text.of(b))
	}
	ev := r.opts.Schema.lookup(h.event.of(b))
	e.Fields = make([]Field, len(r.args))
	for i := range r.args {
		a := &r.args[i]
		name, v := a.name.of(b), a.val.of(b)
		typ := ""
		if ev != nil {
			for j := range ev.args {
				if ev.args[j].name == string(name) {
					typ = ev.args[j].typ
					break
				}
			}
		}
		e.Fields[i] = Field{Name: string(name), Value: a.typed(v, typ), Raw: string(v)}
	}
	return e
}

// sinceBoot reads "SECS.FRACTION" as a duration, 0 when it is not one.
func sinceBoot(ts []byte) time.Duration {
	secs, frac, _ := bytes.Cut(ts, []byte{'.'})
	s, ok := numtext.ParseDec(secs)
	if !ok || s > 1<<33 || len(frac) > 9 {
		return 0
	}
	var ns uint64
	if len(frac) > 0 {
		if ns, ok = numtext.ParseDec(frac); !ok {
			return 0
		}
		for range 9 - len(frac) {
			ns *= 10
		}
	}
	return time.Duration(s)*time.Second + time.Duration(ns)
}

// typed is the value v of a, typed as Field.Value says; typ is its fetch
// type, "" when unknown.
func (a *arg) typed(v []byte, typ string) any {
	if string(v) == faultText {
		return nil
	}
	if a.display != probe.DisplayDefault || a.enum != nil {
		if x, ok := displayValue(a, v); ok {
			return x
		}
	}
	switch {
	case typ == "string" || typ == "ustring":
		if len(v) > 0 && v[0] == '"' {
			return string(quotedContent(v))
		}
		return string(v)
	case typ == "symbol" || typ == "":
		if typ == "" && len(v) > 0 && v[0] != '"' {
			if x, ok := untypedValue(v); ok {
				return x
			}
		}
		if len(v) > 0 && v[0] == '"' {
			return string(quotedContent(v))
		}
		return string(v)
	case strings.HasSuffix(typ, "]"):
		if x, ok := arrayValue(v, typ); ok {
			return x
		}
		return string(v)
	}
	if x, ok := numberValue(v, typ); ok {
		return x
	}
	if len(v) > 0 && v[0] == '"' {
		return string(quotedContent(v))
	}
	return string(v)
}

// numberValue reads an integer of fetch type typ ("s32", "x64", "u8",
// "b3@0/8"): int64 for a signed type, uint64 for any other.
func numberValue(v []byte, typ string) (any, bool) {
	size := 8
	if n, err := strconv.Atoi(typ[1:]); err == nil && n%8 == 0 && n >= 8 && n <= 64 {
		size = n / 8
	}
	u, ok := numtext.IntBits(v, size)
	if !ok {
		return nil, false
	}
	if typ[0] == 's' {
		shift := 64 - 8*size
		return int64(u<<shift) >> shift, true
	}
	return u, true
}

// arrayValue reads "{e,e,…}" of fetch type "T[N]".
func arrayValue(v []byte, typ string) (any, bool) {
	elem, _, _ := strings.Cut(typ, "[")
	if len(elem) < 2 || len(v) < 2 || v[0] != '{' || v[len(v)-1] != '}' {
		return nil, false
	}
	var parts [][]byte
	if len(v) > 2 {
		parts = bytes.Split(v[1:len(v)-1], []byte{','})
	}
	if elem[1:] == "8" {
		out := make([]byte, len(parts))
		for i, p := range parts {
			x, ok := numtext.IntBits(p, 1)
			if !ok {
				return nil, false
			}
			out[i] = byte(x)
		}
		return out, true
	}
	if elem[0] == 's' {
		out := make([]int64, len(parts))
		for i, p := range parts {
			x, ok := numberValue(p, elem)
			if !ok {
				return nil, false
			}
			out[i] = x.(int64)
		}
		return out, true
	}
	out := make([]uint64, len(parts))
	for i, p := range parts {
		x, ok := numberValue(p, elem)
		if !ok {
			return nil, false
		}
		out[i] = x.(uint64)
	}
	return out, true
}

// untypedValue reads a value of unknown type: an integer (int64 when it
// fits, else uint64; hex as uint64) or an integer array as []int64.
func untypedValue(v []byte) (any, bool) {
	if numtext.IsHexPrefix(v) {
		u, ok := numtext.ParseHex(v[2:])
		return u, ok
	}
	if len(v) > 0 && v[0] == '{' {
		if len(v) < 2 || v[len(v)-1] != '}' {
			return nil, false
		}
		var parts [][]byte
		if len(v) > 2 {
			parts = bytes.Split(v[1:len(v)-1], []byte{','})
		}
		out := make([]int64, len(parts))
		for i, p := range parts {
			x, ok := untypedValue(p)
			n, isInt := x.(int64)
			if !ok || !isInt {
				return nil, false
			}
			out[i] = n
		}
		return out, true
	}
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return n, true
	}
	if u, ok := numtext.ParseDec(v); ok {
		return u, true
	}
	return nil, false
}

// displayValue is the value an enumerator or a display prefix makes of
// v, as the text and JSON outputs convert it; false when v does not fit
// (the caller then types the value as printed).
func displayValue(a *arg, v []byte) (any, bool) {
	if a.enum != nil {
		if u, ok := numtext.IntBits(v, 8); ok {
			name, found := a.enum[int64(u)]
			if !found && u>>32 == 0 {
				name, found = a.enum[int64(int32(u))] // an s32 enum printed as u32
			}
			if found {
				return name, true
			}
		}
	}
	if p := vocab.ForDisplay(a.display); p != nil {
		return p.Value(v)
	}
	switch a.display {
	case probe.DisplaySignedBits:
		u, ok := numtext.IntBits(v, 8)
		if !ok || a.bits <= 0 || a.bits > 64 || a.bits < 64 && u>>a.bits != 0 {
			return nil, false
		}
		return int64(u<<(64-a.bits)) >> (64 - a.bits), true
	}
	return nil, false
}
