package completion

import (
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/discover"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/uobj"
)

// Shells call `surftrace __complete ARGS… WORD` on every TAB (cobra's
// completion scripts: `surftrace completion bash|zsh|fish`). The root's
// --btf, --kallsyms, -v and -a given on the command line are honoured;
// without them these variables name the kernel to complete against, the
// way to complete for a saved kernel (and what the tests use):
const (
	EnvBTF      = "SURFTRACE_BTF"      // kernel types: a BTF file, raw or gzip
	EnvKallsyms = "SURFTRACE_KALLSYMS" // kallsyms of a saved kernel, its lists beside it
)

// completionInputs takes the kernel the command line (or the
// environment) names.
func completionInputs(cmd *cobra.Command) *kernel.Kernel {
	return kernel.New(kernel.Options{
		BTF:      flagOrEnv(cmd, "btf", EnvBTF),
		Kallsyms: flagOrEnv(cmd, "kallsyms", EnvKallsyms),
		Vmlinux:  flagOrEnv(cmd, "vmlinux", ""),
		Arch:     flagOrEnv(cmd, "arch", ""),
	})
}

func flagOrEnv(cmd *cobra.Command, flag, env string) string {
	if fl := cmd.Flags().Lookup(flag); fl != nil && fl.Changed {
		return fl.Value.String()
	}
	if env != "" {
		return os.Getenv(env)
	}
	return ""
}

// newCompleter wires the completer to the kernel inputs; each input is
// loaded only when a word needs it.
func newCompleter(k *kernel.Kernel) *discover.Completer {
	c := &discover.Completer{Kernel: k.Lists(), UserObject: userObjectFuncs}
	if a, err := k.Arch(); err == nil {
		c.Arch = a
	}
	return c
}

// userObjectFuncs opens OBJ for completion: its function names and
// DWARF.
func userObjectFuncs(obj string) ([]string, btfdwarf.Source, error) {
	o, err := uobj.Open(obj)
	if err != nil {
		return nil, nil, err
	}
	defer o.Close()
	var names []string
	for _, f := range o.Funcs() {
		if !f.IFUNC {
			names = append(names, f.Name)
		}
	}
	src, _, _ := btfdwarf.UserTypes(o)
	return names, src, nil
}

// Expr is the root command's ValidArgsFunction: it completes the
// expression word being typed (probe types, function names, %N->
// members from the prototype, struct names in casts, members after a
// cast, events after "e ", filter fields after " f:"). Each candidate is
// the whole word, and the shell must add no space: the expression goes
// on inside the same word.
func Expr(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	word := unquotePartial(toComplete)
	if strings.HasPrefix(word, "-") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	cands := newCompleter(completionInputs(cmd)).Complete(word)
	if len(cands) == 0 {
		// Nothing of ours (a subcommand's name, say): let the shell add
		// its space after cobra's candidates.
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return formatCandidates(cands), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// unquotePartial drops the opening quote of a word still being typed:
// fish hands the word over as typed ('p tcp_sendm), and the completion
// is of what is inside the quote.
func unquotePartial(w string) string {
	if len(w) > 0 && (w[0] == '\'' || w[0] == '"') && strings.Count(w, w[:1])%2 == 1 {
		return w[1:]
	}
	return w
}

// formatCandidates spells candidates as cobra takes them: "word\tdescription".
func formatCandidates(cs []discover.Candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Word
		if c.Desc != "" {
			out[i] += "\t" + c.Desc
		}
	}
	return out
}

// ListPattern completes `list PATTERN`: function names, event names
// with -e. state gives, once the flags are parsed, the kernel they name,
// whether -e was given and whether -x names a user object (whose
// functions are not completed).
func ListPattern(state func() (k *kernel.Kernel, events, object bool)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		k, events, object := state()
		if len(args) > 0 || object {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []string
		seen := map[string]bool{}
		add := func(n string) {
			if strings.HasPrefix(n, toComplete) && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		if events {
			evs, _, err := k.Events()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			for _, e := range evs {
				add(e)
			}
		} else {
			syms, _, err := k.Funcs()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			for _, s := range syms {
				add(s.Name)
			}
		}
		sort.Strings(names)
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// StructArgs completes `struct NAME`: struct, union and typedef names,
// bare as the command takes them. types opens the type source the
// command's flags name.
func StructArgs(types func() (btfdwarf.Source, error)) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 1 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		src, err := types()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		if len(args) == 1 {
			// The member path, step by step: no space after it, the
			// path may go on.
			t, err := discover.FindType(src, args[0], nil)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			cands := discover.MemberCompletions(t, unquotePartial(toComplete))
			return formatCandidates(cands), cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
		}
		b, ok := src.(typeLister)
		if !ok {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		seen := map[string]bool{}
		var out []string
		for _, n := range b.TypeNames(func(n string) bool { return !strings.HasPrefix(n, "enum ") }) {
			bare := strings.TrimPrefix(strings.TrimPrefix(n, "struct "), "union ")
			if strings.HasPrefix(bare, toComplete) && !seen[bare] {
				seen[bare] = true
				out = append(out, bare)
			}
		}
		sort.Strings(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// FuncName completes a bare function name, as `graph FUNC`,
// `graph -f FUNC` and `-F FUNC` take it: a kernel function, or with -F
// OBJ:FUNC a function of a program or library.
func FuncName(user bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		if obj, fn, ok := strings.Cut(toComplete, ":"); ok && user {
			names, _, err := userObjectFuncs(obj)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			for _, n := range names {
				if strings.HasPrefix(n, fn) {
					out = append(out, obj+":"+n)
				}
			}
		} else {
			syms, _, err := completionInputs(cmd).Funcs()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			seen := map[string]bool{}
			for _, s := range syms {
				if strings.HasPrefix(s.Name, toComplete) && !seen[s.Name] {
					seen[s.Name] = true
					out = append(out, s.Name)
				}
			}
		}
		sort.Strings(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// GraphArgs completes `graph FUNC`: one function, unless -f named it.
func GraphArgs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if fl := cmd.Flags().Lookup("function"); len(args) > 0 || fl != nil && fl.Changed {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return FuncName(false)(cmd, args, toComplete)
}

// typeLister is a type source that can list its type names: BTF, with or
// without its modules'.
type typeLister interface {
	TypeNames(match func(name string) bool) []string
}
