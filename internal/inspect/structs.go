package inspect

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/uobj"
)

// StructConfig is one question about a type: its layout, or with Path
// where that member lies and the fetch-arg that reads it.
type StructConfig struct {
	Kernel *kernel.Kernel
	Object string // types from this program's DWARF instead of the kernel's
	Name   string // struct, union or typedef
	Path   string // member path (a.b, a->b, a[i]); "" for the layout
	JSON   bool
}

// Types is the type source of a struct question: the DWARF of object when
// one is named, else the kernel's.
func Types(k *kernel.Kernel, object string) (btfdwarf.Source, error) {
	if object == "" {
		return k.Types()
	}
	o, err := uobj.Open(object)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	src, why, err := btfdwarf.UserTypes(o)
	if err != nil {
		return nil, err
	}
	if src == nil {
		return nil, fmt.Errorf("%s: %s", o.Path, why)
	}
	return src, nil
}

// Struct writes the answer to c to out.
func Struct(out io.Writer, c StructConfig) error {
	src, err := Types(c.Kernel, c.Object)
	if err != nil {
		return err
	}
	arch, err := c.Kernel.Arch()
	if err != nil {
		return err
	}
	t, err := discover.FindType(src, c.Name, typeNames(src))
	if err != nil {
		return err
	}
	if c.Path == "" {
		l, err := discover.StructLayout(t)
		if err != nil {
			return err
		}
		if c.JSON {
			return writeJSON(out, l)
		}
		return discover.WriteLayout(out, l)
	}
	pi, err := discover.ResolvePath(src, t, c.Path, arch)
	if pi == nil {
		return err
	}
	if err != nil && !errors.Is(err, compile.ErrType) {
		return err
	}
	if c.JSON {
		if werr := writeJSON(out, pi); werr != nil {
			return werr
		}
		return err
	}
	writePath(out, pi)
	if err != nil {
		// A struct member: show what is inside it instead of a fetch.
		if mt, ferr := discover.FindType(src, pi.MemberType, nil); ferr == nil && mt.IsComposite() {
			if l, lerr := discover.StructLayout(mt); lerr == nil {
				fmt.Fprintf(out, "\n%s has no scalar value; name one of its members (offsets below are from %s):\n", c.Path, c.Path)
				return discover.WriteLayout(out, l)
			}
		}
	}
	return err
}

// writePath prints where a member lies and how to read it.
func writePath(w io.Writer, pi *discover.PathInfo) {
	fmt.Fprintf(w, "%s %s: %s\n", pi.Type, pi.Path, pi.Decl)
	where := fmt.Sprintf("offset %#x (%d)", pi.Offset, pi.Offset)
	if pi.Container != pi.Type {
		where += " in " + pi.Container
	}
	fmt.Fprintf(w, "  %s, size %d\n", where, pi.Size)
	if pi.BitSize > 0 {
		fmt.Fprintf(w, "  bitfield: width %d from bit %d of byte %#x (bit offset %d)\n",
			pi.BitSize, pi.BitOffset%8, pi.BitOffset/8, pi.BitOffset)
	}
	if pi.Fetch == "" {
		return
	}
	fmt.Fprintf(w, "  fetch  %s\n", pi.Fetch)
	access := pi.Arg[strings.IndexByte(pi.Arg, ')')+1:]
	access = access[strings.Index(access, "->"):]
	fmt.Fprintf(w, "  write  NAME=%s\n", pi.Arg)
	fmt.Fprintf(w, "     or  NAME=%%N%s where argument N is a %s *\n", access, pi.Type)
}

// typeLister is a type source that can list its type names: BTF, with or
// without its modules'.
type typeLister interface {
	TypeNames(match func(name string) bool) []string
}

// typeNames lists the source's struct, union and typedef names for
// suggestions, when it can.
func typeNames(src btfdwarf.Source) func() []string {
	b, ok := src.(typeLister)
	if !ok {
		return nil
	}
	return func() []string { return b.TypeNames(func(string) bool { return true }) }
}
