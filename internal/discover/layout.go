package discover

import (
	"errors"
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/suggest"
)

// Layout is a struct or union with its members' offsets, as `pahole -C`
// shows it.
type Layout struct {
	Name string `json:"name"` // "struct sk_buff"
	Kind string `json:"kind"` // "struct" or "union"
	Size int    `json:"size"`
	// Module names the kernel module that defines the type; "" for
	// vmlinux's.
	Module  string   `json:"module,omitempty"`
	Members []Member `json:"members"`
	// Padding is the unused bytes at the end.
	Padding int `json:"padding,omitempty"`
}

// Member is one member of a Layout. Anonymous structs and unions are
// expanded in place (Members), as C lets their members be named directly.
type Member struct {
	Name string `json:"name,omitempty"` // "" for an anonymous struct/union
	Type string `json:"type"`           // the abstract C type: "unsigned char *", "char[48]"
	Decl string `json:"decl"`           // the declaration: "unsigned char *data", "__u8 ihl:4"
	// Offset is in bytes from the start of the outermost type; for a
	// bitfield it is the start of its storage unit, as pahole counts it.
	Offset int `json:"offset"`
	Size   int `json:"size"`
	// Bit is a bitfield's first bit within its storage unit (pahole's
	// "offset:bit"), BitOffset the same counted from the start of the
	// outermost type, BitSize its width; all 0 for other members.
	Bit       int `json:"bit,omitempty"`
	BitOffset int `json:"bit_offset,omitempty"`
	BitSize   int `json:"bit_size,omitempty"`
	// Hole is the unused bytes between this member and the next, BitHole
	// the unused bits after a bitfield, counted as pahole does: up to
	// the end of the bitfield's storage unit (or the next member).
	Hole    int `json:"hole,omitempty"`
	BitHole int `json:"bit_hole,omitempty"`
	// Kind is "struct" or "union" for an expanded anonymous member.
	Kind    string   `json:"kind,omitempty"`
	Members []Member `json:"members,omitempty"`
}

// FindType resolves a name as `surftrace struct` takes it: "sk_buff" (a
// struct, else a union, else a typedef of either), "struct sk_buff",
// "union bpf_attr", "atomic_t". It wraps ErrUnknownType with the closest
// names when it finds none; names lists candidates for that (nil: none).
func FindType(src btfdwarf.Source, name string, names func() []string) (*btfdwarf.Type, error) {
	name = strings.Join(strings.Fields(name), " ")
	tries := []string{name}
	if !strings.HasPrefix(name, "struct ") && !strings.HasPrefix(name, "union ") && !strings.HasPrefix(name, "enum ") {
		tries = []string{"struct " + name, "union " + name, name}
	}
	for _, n := range tries {
		t, err := src.TypeByName(n)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, btfdwarf.ErrNotFound) {
			return nil, err
		}
	}
	hint := ""
	if names != nil {
		bare := strings.TrimPrefix(strings.TrimPrefix(name, "struct "), "union ")
		hint = suggest.DidYouMeanTail(suggest.Closest(bare, stripKinds(names()), 4))
	}
	return nil, errorf(ErrUnknownType, "no struct, union or typedef %q in %s%s", name, src.Describe(), hint)
}

// stripKinds turns "struct x" into "x" for comparison with a bare name.
func stripKinds(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		for _, p := range []string{"struct ", "union ", "enum "} {
			n = strings.TrimPrefix(n, p)
		}
		out = append(out, n)
	}
	return out
}

// StructLayout lays out a struct or union. It wraps ErrUnknownType when t
// is neither (a typedef of a scalar, an enum).
func StructLayout(t *btfdwarf.Type) (*Layout, error) {
	if !t.IsComposite() {
		return nil, errorf(ErrUnknownType, "%s is a %s, not a struct or union", t, t.Kind)
	}
	l := &Layout{Name: t.String(), Kind: t.Kind.String(), Size: t.Size, Module: t.Module}
	l.Members = members(t, 0, 0)
	if t.Kind == btfdwarf.Struct && len(t.Members) > 0 {
		l.Padding = max(0, t.Size-memberEnd(t.Members[len(t.Members)-1]))
	}
	if t.Name != "" && !strings.HasPrefix(t.Name, "struct ") && !strings.HasPrefix(t.Name, "union ") {
		// A typedef of an anonymous struct: show the name the user gave.
		l.Name = t.Name
	}
	return l, nil
}

// members lays out t's members with offsets relative to base (bits).
func members(t *btfdwarf.Type, base, depth int) []Member {
	var out []Member
	end := 0 // the byte past every member so far, for holes
	for i, m := range t.Members {
		abs := base + m.BitOffset
		lm := Member{Name: m.Name, Type: Decl(m.Type, ""), Offset: abs / 8, Size: m.Type.Size}
		lm.Decl = Decl(m.Type, m.Name)
		if m.BitSize > 0 {
			unit := max(m.Type.Size, 1)
			lm.Offset = abs / (8 * unit) * unit
			lm.Bit = abs - lm.Offset*8
			lm.BitOffset, lm.BitSize = abs, m.BitSize
			lm.Decl += fmt.Sprintf(":%d", m.BitSize)
		}
		if m.Type.IsComposite() && m.Type.Name == "" && depth < 16 {
			// Anonymous types are expanded in place, as pahole does.
			lm.Kind = m.Type.Kind.String()
			lm.Members = members(m.Type, abs, depth+1)
		}
		if t.Kind == btfdwarf.Struct && i+1 < len(t.Members) {
			next := t.Members[i+1].BitOffset
			end = max(end, memberEnd(m))
			if m.BitSize > 0 {
				if bits := min(end*8, next) - (m.BitOffset + m.BitSize); bits > 0 {
					lm.BitHole = bits
				}
			}
			lm.Hole = max(0, next/8-end)
		}
		out = append(out, lm)
	}
	return out
}

// memberEnd is the byte just past m (relative to its struct); a
// bitfield takes up to the end of its storage unit.
func memberEnd(m btfdwarf.Member) int {
	if m.BitSize > 0 {
		unit := max(m.Type.Size, 1)
		return (m.BitOffset/(8*unit) + 1) * unit
	}
	return m.BitOffset/8 + m.Type.Size
}
