package discover

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/suggest"
)

// PathInfo is a member path resolved in a type: where the member lies and
// the fetch-arg the compiler makes of it, the quickest way to write an
// expression.
type PathInfo struct {
	Type string `json:"type"` // the type the path starts from: "struct sk_buff"
	Path string `json:"path"` // as given: "data", "se.vruntime"
	// Decl declares the member found: "unsigned char *data".
	Decl       string `json:"decl"`
	MemberType string `json:"member_type"`
	// Container is the struct holding the member: Type itself, or the
	// pointee of the last "->".
	Container string `json:"container"`
	// Offset is in bytes from the start of Container; a bitfield's
	// BitOffset is in bits from there.
	Offset    int `json:"offset"`
	Size      int `json:"size"`
	BitOffset int `json:"bit_offset,omitempty"`
	BitSize   int `json:"bit_size,omitempty"`
	// Arg is the expression argument that reads it from a pointer in the
	// first argument register, and Fetch what it compiles to.
	Arg   string `json:"arg"`
	Fetch string `json:"fetch"`
}

// pathStep is one step of a member path.
type pathStep struct {
	conn  string // "", ".", "->" before a member; "[" for an index
	name  string
	index int
}

// parsePath splits "a.b->c[2].d" into steps. A leading "." or "->" is
// allowed and ignored.
func parsePath(p string) ([]pathStep, error) {
	var steps []pathStep
	conn := ""
	for i := 0; i < len(p); {
		switch {
		case strings.HasPrefix(p[i:], "->"):
			conn, i = "->", i+2
		case p[i] == '.':
			conn, i = ".", i+1
		case p[i] == '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", p)
			}
			n, err := strconv.ParseUint(p[i+1:i+j], 0, 31)
			if err != nil {
				return nil, fmt.Errorf("path %q: bad index %q", p, p[i+1:i+j])
			}
			steps = append(steps, pathStep{conn: "[", index: int(n)})
			i += j + 1
		case isIdent(p[i]):
			j := i
			for j < len(p) && isIdent(p[j]) {
				j++
			}
			if len(steps) == 0 {
				conn = ""
			} else if conn == "" {
				return nil, fmt.Errorf("path %q: write . or -> before %s", p, p[i:j])
			}
			steps = append(steps, pathStep{conn: conn, name: p[i:j]})
			conn, i = "", j
		default:
			return nil, fmt.Errorf("path %q: unexpected %q", p, p[i])
		}
	}
	if len(steps) == 0 || conn != "" {
		return nil, fmt.Errorf("path %q: name a member", p)
	}
	return steps, nil
}

func isIdent(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// ResolvePath walks path through t (a struct or union, or a typedef of
// one) and compiles the matching expression argument with src. It wraps
// ErrUnknownMember (with the closest member names) and returns the
// compiler's message when the member cannot be fetched as is (a struct
// member without a scalar inside).
func ResolvePath(src btfdwarf.Source, t *btfdwarf.Type, path string, arch *compile.Arch) (*PathInfo, error) {
	steps, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	info := &PathInfo{Type: t.String(), Path: path, Container: t.String()}
	cur := t
	var access []*expr.Access
	bitpos := 0 // from the start of the container
	for i, s := range steps {
		if s.conn == "[" {
			if cur.Kind != btfdwarf.Array {
				return nil, errorf(ErrUnknownMember, "%s in %s: %s is not an array", path, info.Type, Decl(cur, ""))
			}
			if cur.Len > 0 && s.index >= cur.Len {
				return nil, errorf(ErrUnknownMember, "%s in %s: index %d is past the array's %d elements", path, info.Type, s.index, cur.Len)
			}
			e, err := cur.Elem()
			if err != nil {
				return nil, err
			}
			bitpos += s.index * e.Size * 8
			cur, info.BitSize = e, 0
			idx := strconv.Itoa(s.index)
			access = append(access, &expr.Access{Index: &idx})
			info.Decl = Decl(cur, "")
			continue
		}
		holder := cur
		switch {
		case s.conn == "->":
			if cur.Kind != btfdwarf.Pointer {
				return nil, errorf(ErrUnknownMember, "%s in %s: %s is embedded, not a pointer: write .%s", path, info.Type, Decl(cur, ""), s.name)
			}
			e, err := cur.Elem()
			if err != nil {
				return nil, err
			}
			holder, bitpos = e, 0
			info.Container = e.String()
		case cur.Kind == btfdwarf.Pointer:
			return nil, errorf(ErrUnknownMember, "%s in %s: %s is a pointer: write ->%s", path, info.Type, Decl(cur, ""), s.name)
		}
		if !holder.IsComposite() {
			return nil, errorf(ErrUnknownMember, "%s in %s: %s has no members", path, info.Type, Decl(holder, ""))
		}
		m, ok := holder.Lookup(s.name)
		if !ok {
			return nil, errorf(ErrUnknownMember, "%s has no member %s%s", holder.String(), s.name,
				suggest.DidYouMeanTail(SuggestMembers(holder, s.name, 4)))
		}
		bitpos += m.BitOffset
		cur, info.BitSize = m.Type, m.BitSize
		member := s.name
		if s.conn == "." && i > 0 {
			access = append(access, &expr.Access{Dot: &member})
		} else {
			access = append(access, &expr.Access{Arrow: &member})
		}
		info.Decl = Decl(m.Type, s.name)
		if m.BitSize > 0 {
			info.Decl += fmt.Sprintf(":%d", m.BitSize)
		}
	}
	info.MemberType = Decl(cur, "")
	info.Offset, info.Size = bitpos/8, cur.Size
	if info.BitSize > 0 {
		info.BitOffset = bitpos
	}
	return info, compileFetch(src, t, access, info, arch)
}

// compileFetch asks the compiler what the path reads as, so that the
// answer is the compiler's own (fetch type, bitfield syntax, strings).
func compileFetch(src btfdwarf.Source, t *btfdwarf.Type, access []*expr.Access, info *PathInfo, arch *compile.Arch) error {
	if arch == nil {
		arch, _ = compile.LookupArch("x86_64")
	}
	arg, fetch, err := compile.MemberPath(src, t, access, arch)
	info.Arg = arg
	if err != nil {
		var ee *expr.Error
		if errors.As(err, &ee) {
			msg := info.Type + " " + info.Path + ": " + ee.Msg
			if ee.Hint != "" {
				msg += "; " + ee.Hint
			}
			return &msgError{msg, ee.Err}
		}
		return fmt.Errorf("%s %s: %w", info.Type, info.Path, err)
	}
	info.Fetch = fetch
	return nil
}
