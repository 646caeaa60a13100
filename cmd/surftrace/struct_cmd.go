package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/uobj"
)

// structFlags are the flags of `surftrace struct`.
type structFlags struct {
	kernelInputs
	json   bool
	object string
}

// newStructCmd returns `surftrace struct`: a type's layout, or where a
// member lies and the fetch-arg that reads it.
func newStructCmd() *cobra.Command {
	f := &structFlags{}
	cmd := &cobra.Command{
		Use:   "struct [flags] NAME [MEMBER.PATH]",
		Short: "Show a struct's layout, or the fetch-arg a member path compiles to",
		Long: `Without a path, print the layout of struct (or union, or typedef) NAME as
pahole -C does: every member's offset and size, bitfields as offset:bit,
anonymous structs and unions in place, holes.

With a path (member, a.b for embedded structs, a->b through pointers, a[i]
for arrays), print where the member lies and the fetch-arg the compiler
makes of it when a pointer to NAME is in the first argument register: the
quickest way to write an expression.`,
		Example: `  surftrace struct iphdr
  surftrace struct sk_buff data
  surftrace struct task_struct se.vruntime
  surftrace struct sk_buff 'sk->__sk_common.skc_family'
  surftrace struct -x ./prog mystruct field --json`,
		Args:          cobra.RangeArgs(1, 2),
		SilenceUsage:  true,
		SilenceErrors: true,
		ValidArgsFunction: completion.StructArgs(func() (btfdwarf.Source, error) {
			if f.btf == "" {
				f.btf = os.Getenv(completion.EnvBTF)
			}
			return f.structTypes()
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStruct(cmd.OutOrStdout(), f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.btf, "btf", "", "kernel types from this BTF `FILE` (raw, gzip or BTFHub .tar.xz)")
	fl.StringVarP(&f.vmlinux, "vmlinux", "v", "", "kernel types from this ELF's DWARF")
	fl.StringVarP(&f.arch, "arch", "a", "", "x86_64, x86 or aarch64: the register of the fetch-arg (default: the host's)")
	fl.StringVarP(&f.object, "object", "x", "", "types from this program's or library's DWARF (`OBJ`)")
	fl.BoolVar(&f.json, "json", false, "print JSON")
	fl.SortFlags = false
	return cmd
}

// structTypes is the type source of `struct`: -x OBJ's DWARF or the
// kernel's.
func (f *structFlags) structTypes() (btfdwarf.Source, error) {
	if f.object == "" {
		return f.Types()
	}
	o, err := uobj.Open(f.object)
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

func runStruct(out io.Writer, f *structFlags, args []string) error {
	src, err := f.structTypes()
	if err != nil {
		return err
	}
	arch, err := f.archSpec()
	if err != nil {
		return err
	}
	t, err := discover.FindType(src, args[0], typeNames(src))
	if err != nil {
		return err
	}
	if len(args) == 1 {
		l, err := discover.StructLayout(t)
		if err != nil {
			return err
		}
		if f.json {
			return writeJSON(out, l)
		}
		return discover.WriteLayout(out, l)
	}
	pi, err := discover.ResolvePath(src, t, args[1], arch)
	if pi == nil {
		return err
	}
	if err != nil && !errors.Is(err, compile.ErrType) {
		return err
	}
	if f.json {
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
				fmt.Fprintf(out, "\n%s has no scalar value; name one of its members (offsets below are from %s):\n", args[1], args[1])
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
