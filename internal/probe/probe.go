// Package probe holds the compiled form of one surftrace expression: what
// the compiler produces and what the tracefs writer, the renderer and the
// shell-script writer consume. It sits between the steps so none of them
// has to import another's internals.
package probe

import "strings"

// Kind is the probe type letter of an expression.
type Kind byte

// The probe kinds, by the letter that starts an expression.
const (
	Kprobe    Kind = 'p'
	Kretprobe Kind = 'r'
	Uprobe    Kind = 'P'
	Uretprobe Kind = 'R'
	Event     Kind = 'e'
)

// IsUser reports whether the probe lives in uprobe_events.
func (k Kind) IsUser() bool { return k == Uprobe || k == Uretprobe }

// IsReturn reports whether the probe fires on function return.
func (k Kind) IsReturn() bool { return k == Kretprobe || k == Uretprobe }

// IsDynamic reports whether the probe is created by writing a definition
// (kprobe_events or uprobe_events) rather than being a static tracepoint.
func (k Kind) IsDynamic() bool { return k != Event }

// Letter is the definition's leading letter in kprobe_events/uprobe_events
// syntax ('p' or 'r' for both kernel and user probes).
func (k Kind) Letter() byte {
	if k.IsReturn() {
		return 'r'
	}
	return 'p'
}

// Display says how a value is shown to people (the renderer's job); the
// kernel only ever sees the fetch type.
type Display uint8

// Displays. DisplayDefault leaves the value as the kernel prints it.
const (
	DisplayDefault Display = iota
	// The displays of the name prefixes; the vocab package's table says
	// which prefix asks for each and how it converts.
	DisplayIPv4
	DisplayBE16
	DisplayBE32
	DisplayBE64
	DisplayBE16Hex
	DisplayBE32Hex
	DisplayBE64Hex
	DisplayIPv6
	DisplayMAC
	// DisplaySignedBits is a bitfield of a signed C type: the kernel
	// prints its bits unsigned (b3@0/8 shows 7 for -1), so the renderer
	// sign-extends them from the width in the fetch type.
	DisplaySignedBits
)

// Arg is one fetch argument of a dynamic probe.
type Arg struct {
	Name  string // the user's NAME, also the tracefs field name
	Fetch string // kprobe fetch-arg, e.g. "+0x9(+0xe8(%dx)):u8"
	// Type is the fetch type without the leading colon ("u8", "string",
	// "b4@0/8", "x8[16]"); it lets the renderer type values for --json.
	Type    string
	Display Display
	// Enum maps values to enumerator names when the C type is an enum.
	Enum map[int64]string
	// CType is the C type of the value as the kernel's types spell it
	// ("__u8", "char *"); "" for an untyped machine word (a register, a
	// stack slot) or $comm.
	CType string
}

// Def is one compiled expression.
type Def struct {
	Kind Kind
	// Name is the event name: f0, f1… for kernel probes, p0/r1 for user
	// probes (by expression position), or EVENT for a tracepoint.
	Name string
	// Target is the probe point as the kernel takes it: "ip_output",
	// "dev_qdisc_enqueue+23", "/usr/bin/bash:0x8a870", or for Event
	// "SUBSYS/EVENT".
	Target string
	Args   []Arg
	// Filter is the ftrace filter with prefixed literals converted; empty
	// when the expression has none.
	Filter string
	// Source is the expression as the user wrote it, for diagnostics.
	Source string
}

// Line is the definition as written to kprobe_events/uprobe_events, with
// the event in group. Tracepoints have no definition line.
func (d *Def) Line(group string) string {
	if d.Kind == Event {
		return ""
	}
	var b strings.Builder
	b.WriteByte(d.Kind.Letter())
	b.WriteByte(':')
	b.WriteString(group)
	b.WriteByte('/')
	b.WriteString(d.Name)
	b.WriteByte(' ')
	b.WriteString(d.Target)
	for _, a := range d.Args {
		b.WriteByte(' ')
		b.WriteString(a.Name)
		b.WriteByte('=')
		b.WriteString(a.Fetch)
	}
	return b.String()
}

// BadByte returns the index of the first byte of s that cannot be part of
// a word of a kprobe_events or uprobe_events line, or -1. The kernel splits
// a definition at every byte isspace() accepts (space, \t, \n, \v, \f,
// \r), so one inside a path or a name would start a new argument of the
// attacker's choosing; other control bytes and DEL are refused too, as no
// symbol, path or name the kernel prints holds one.
func BadByte(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return i
		}
	}
	return -1
}

// BitfieldWidth returns the width of a bitfield fetch type ("b3@0/8" is
// 3), or 0 for any other type.
func BitfieldWidth(typ string) int {
	if len(typ) < 2 || typ[0] != 'b' {
		return 0
	}
	n := 0
	for i := 1; i < len(typ); i++ {
		c := typ[i]
		if c == '@' {
			return n
		}
		if c < '0' || c > '9' || n > 64 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return 0
}
