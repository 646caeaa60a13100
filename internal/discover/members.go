package discover

import (
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/suggest"
)

// MemberPaths lists the members reachable in t without following a
// pointer, as a path names them: "len", "se.vruntime",
// "__sk_common.skc_family" (members of anonymous structs and unions need
// no prefix), up to depth levels of embedded structs.
func MemberPaths(t *btfdwarf.Type, depth int) []string {
	var out []string
	var walk func(t *btfdwarf.Type, prefix string, d int)
	walk = func(t *btfdwarf.Type, prefix string, d int) {
		for _, m := range t.Members {
			if m.Type == nil {
				continue
			}
			if m.Name == "" {
				if m.Type.IsComposite() {
					walk(m.Type, prefix, d)
				}
				continue
			}
			out = append(out, prefix+m.Name)
			if m.Type.IsComposite() && d < depth {
				walk(m.Type, prefix+m.Name+".", d+1)
			}
		}
	}
	walk(t, "", 0)
	return out
}

// SuggestMembers names up to n members of t that a user asking for name
// may mean. The kernel hides many members behind macros (sk->sk_family
// is sk->__sk_common.skc_family), so besides near spellings it looks
// into embedded structs for the same name, or the same name after its
// prefix (sk_family ~ skc_family).
func SuggestMembers(t *btfdwarf.Type, name string, n int) []string {
	paths := MemberPaths(t, 3)
	var deep []string
	suffix := afterPrefix(name)
	for _, p := range paths {
		last := p[strings.LastIndexByte(p, '.')+1:]
		if last == name && p != name || suffix != "" && afterPrefix(last) == suffix && last != name {
			deep = append(deep, p)
		}
	}
	if len(deep) > n {
		deep = deep[:n]
	}
	for _, c := range suggest.Closest(name, t.MemberNames(), n) {
		if len(deep) == n {
			break
		}
		deep = append(deep, c)
	}
	return deep
}

// afterPrefix returns what follows a member's subsystem prefix
// ("sk_family" → "family"), or "" when there is none worth matching.
func afterPrefix(name string) string {
	i := strings.IndexByte(strings.TrimLeft(name, "_"), '_')
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(name, "_")[i+1:]
	if len(rest) < 3 {
		return ""
	}
	return rest
}
