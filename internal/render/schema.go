package render

import (
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// Schema knows, per event name, the argument names in the order the
// kernel prints them, so values can be split on those names rather than
// on whatever looks like " name=" inside a string. The zero value is not
// usable: start from SchemaFromDefs (nil defs give an empty schema).
type Schema struct {
	events map[string]*eventSchema
}

type eventSchema struct {
	args []argSchema
}

// argKind is what the fetch type says a printed value looks like; it lets
// the schema split reject a cut that leaves a value of the wrong shape.
type argKind uint8

const (
	kindUnknown argKind = iota // tracepoint fields, symbols: anything
	kindNumber                 // u/s/x/bitfield/char: one word, no space
	kindString                 // "…" or (fault)
	kindArray                  // {…}
)

type argSchema struct {
	name    string
	eq      []byte // "name="
	sep     []byte // " name=", what ends the previous value
	display probe.Display
	enum    map[int64]string
	kind    argKind
	bits    int // DisplaySignedBits: the bitfield's width
	// typ is the fetch type ("s32", "x8[16]"; "" for tracepoint fields):
	// it gives a delivered Event's value its signedness and width.
	typ string
}

// SchemaFromDefs builds the schema of the compiled probes. Tracepoint
// definitions (probe.Event) carry no argument list; add their fields
// with AddEvent.
func SchemaFromDefs(defs []*probe.Def) *Schema {
	s := &Schema{events: make(map[string]*eventSchema)}
	for _, d := range defs {
		if d == nil || d.Kind == probe.Event {
			continue
		}
		ev := &eventSchema{args: make([]argSchema, 0, len(d.Args))}
		for _, a := range d.Args {
			disp := a.Display
			if disp == probe.DisplayDefault {
				disp = vocab.DisplayForName(a.Name)
			}
			as := newArgSchema(a.Name, disp, a.Enum, kindOfType(a.Type))
			if disp == probe.DisplaySignedBits {
				as.bits = probe.BitfieldWidth(a.Type)
			}
			as.typ = a.Type
			ev.args = append(ev.args, as)
		}
		s.events[d.Name] = ev
	}
	return s
}

// AddEvent declares the argument names of event in print order, as a
// tracepoint's format file lists its fields. The common_* fields, which
// the kernel never prints in the payload, are dropped. It replaces what
// was known of event before.
func (s *Schema) AddEvent(event string, argNames []string) {
	if s.events == nil {
		s.events = make(map[string]*eventSchema)
	}
	ev := &eventSchema{args: make([]argSchema, 0, len(argNames))}
	for _, n := range argNames {
		if strings.HasPrefix(n, "common_") {
			continue
		}
		ev.args = append(ev.args, newArgSchema(n, vocab.DisplayForName(n), nil, kindUnknown))
	}
	s.events[event] = ev
}

func (s *Schema) lookup(event []byte) *eventSchema {
	if s == nil || len(s.events) == 0 {
		return nil
	}
	return s.events[string(event)] // no allocation: the compiler keys the map from the bytes
}

func newArgSchema(name string, d probe.Display, enum map[int64]string, k argKind) argSchema {
	return argSchema{
		name:    name,
		eq:      []byte(name + "="),
		sep:     []byte(" " + name + "="),
		display: d,
		enum:    enum,
		kind:    k,
	}
}

// kindOfType classifies a kprobe fetch type ("u8", "string", "x8[16]",
// "b4@0/8", "symbol") by the shape of its printed value.
func kindOfType(t string) argKind {
	switch {
	case t == "":
		return kindUnknown
	case strings.HasSuffix(t, "]"):
		return kindArray
	case t == "string" || t == "ustring":
		return kindString
	case t == "symbol":
		return kindUnknown // %pS may print " [module]"
	}
	switch t[0] {
	case 'u', 's', 'x', 'b', 'c':
		return kindNumber
	}
	return kindUnknown
}

// fits reports whether v can be a whole value of this kind; the schema
// split uses it to skip a cut inside a string.
func (k argKind) fits(v []byte) bool {
	switch k {
	case kindNumber:
		if len(v) == 0 {
			return false
		}
		for _, c := range v {
			if c == ' ' {
				return false
			}
		}
		return true
	case kindString:
		return string(v) == faultText || (len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"')
	case kindArray:
		return len(v) >= 2 && v[0] == '{' && v[len(v)-1] == '}'
	}
	return true
}
