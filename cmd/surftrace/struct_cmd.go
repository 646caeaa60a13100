package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/completion"
	"github.com/surftrace/surftrace/internal/inspect"
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
			return inspect.Types(f.target(), f.object)
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := inspect.StructConfig{Kernel: f.target(), Object: f.object, Name: args[0], JSON: f.json}
			if len(args) == 2 {
				c.Path = args[1]
			}
			return inspect.Struct(cmd.OutOrStdout(), c)
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
