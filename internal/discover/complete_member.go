package discover

import (
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// access completes the member chain after a source of type t: the
// complete accesses are walked, the last (partial) one is completed with
// the members of the struct reached.
func (x *exprCtx) access(src, chain string, t *btfdwarf.Type, packet bool) []Candidate {
	if t == nil {
		return nil
	}
	done, partial := splitChain(chain)
	cur := t
	for _, a := range done {
		next, ok := step(cur, a)
		if !ok {
			return nil
		}
		cur = next
		packet = false
	}
	conn, name := "", partial
	switch {
	case strings.HasPrefix(partial, "->"):
		conn, name = "->", partial[2:]
	case strings.HasPrefix(partial, "-"):
		conn, name = "->", partial[1:]
	case strings.HasPrefix(partial, "."):
		conn, name = ".", partial[1:]
	case partial != "":
		return nil
	}
	holder, want := cur, "."
	if cur.Kind == btfdwarf.Pointer {
		e, err := cur.Elem()
		if err != nil {
			return nil
		}
		holder, want = e, "->"
	}
	if !holder.IsComposite() {
		return nil
	}
	base := src + chain[:len(chain)-len(partial)]
	if conn == "" {
		// A complete source or member: offer its connector.
		return []Candidate{{Word: base + want, Desc: Decl(holder, "")}}
	}
	var out []Candidate
	var only btfdwarf.Member
	for _, m := range flatMembers(holder) {
		if strings.HasPrefix(m.Name, name) {
			only = m
			out = append(out, Candidate{Word: base + want + m.Name, Desc: Decl(m.Type, m.Name)})
		}
	}
	if len(out) == 1 && only.Name == name && !packet {
		// The member is complete: offer the way into it, if any.
		if c := connector(only.Type); c != "" {
			out[0].Word += c
		}
	}
	if packet {
		for _, p := range packetDatas() {
			if strings.HasPrefix(p.Word, name) {
				out = append(out, Candidate{Word: base + want + p.Word, Desc: p.Desc})
			}
		}
	}
	return out
}

// connector is the access that goes into a value of type t: "->" for a
// pointer to a struct or union, "." for one, else "".
func connector(t *btfdwarf.Type) string {
	switch {
	case t == nil:
	case t.IsComposite():
		return "."
	case t.Kind == btfdwarf.Pointer:
		if e, err := t.Elem(); err == nil && e.IsComposite() {
			return "->"
		}
	}
	return ""
}

// splitChain splits "->a.b[2]->c_" into the complete accesses and the
// partial last one ("->c_"); a chain ending at "]" has an empty partial.
func splitChain(chain string) (done []string, partial string) {
	i := 0
	for i < len(chain) {
		j := i
		switch {
		case strings.HasPrefix(chain[i:], "->"):
			j += 2
		case chain[i] == '.' || chain[i] == '-':
			j++
		case chain[i] == '[':
			k := strings.IndexByte(chain[i:], ']')
			if k < 0 {
				return done, chain[i:]
			}
			done = append(done, chain[i:i+k+1])
			i += k + 1
			continue
		default:
			return nil, chain[i:]
		}
		for j < len(chain) && isIdent(chain[j]) {
			j++
		}
		if j == len(chain) {
			return done, chain[i:]
		}
		done = append(done, chain[i:j])
		i = j
	}
	return done, ""
}

// step applies one complete access to t.
func step(t *btfdwarf.Type, a string) (*btfdwarf.Type, bool) {
	if strings.HasPrefix(a, "[") {
		if t.Kind != btfdwarf.Array && t.Kind != btfdwarf.Pointer {
			return nil, false
		}
		e, err := t.Elem()
		return e, err == nil
	}
	name := strings.TrimLeft(a, "->.")
	if t.Kind == btfdwarf.Pointer {
		e, err := t.Elem()
		if err != nil {
			return nil, false
		}
		t = e
	}
	if !t.IsComposite() {
		return nil, false
	}
	m, ok := t.Lookup(name)
	return m.Type, ok
}

// flatMembers lists a struct's members with anonymous ones flattened,
// as C (and the compiler) lets them be named.
func flatMembers(t *btfdwarf.Type) []btfdwarf.Member {
	var out []btfdwarf.Member
	for _, m := range t.Members {
		if m.Name == "" && m.Type != nil && m.Type.IsComposite() {
			out = append(out, flatMembers(m.Type)...)
		} else if m.Name != "" {
			out = append(out, m)
		}
	}
	return out
}

// MemberCompletions completes a member path inside type t as `surftrace
// struct NAME PATH` takes it: a member name first ("se", "data"), then
// .member, ->member and [i] as in an expression. Each candidate is the
// whole path.
func MemberCompletions(t *btfdwarf.Type, partial string) []Candidate {
	if t == nil || !t.IsComposite() {
		return nil
	}
	var out []Candidate
	for _, c := range (&exprCtx{}).access("", "."+partial, t, false) {
		if w := strings.TrimPrefix(c.Word, "."); w != "" {
			c.Word = w
			out = append(out, c)
		}
	}
	return out
}
