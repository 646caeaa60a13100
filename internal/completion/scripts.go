package completion

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/surftrace/surftrace/internal/kernel"
)

// NewCmd returns `surftrace completion SHELL`, which replaces
// cobra's: its bash, zsh and fish scripts hand the raw command line to
// __complete_line, so that an expression word (spaces, quotes and all)
// completes as one word. PowerShell gets cobra's script.
func NewCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion SHELL",
		Short: "Print the shell completion script (bash, zsh, fish, powershell)",
		Long: `Print a script that teaches the shell to complete surftrace command lines:
probe types, kernel function names after 'p '/'r ', members after %N-> from
the function's prototype, struct names in casts and members after them,
event names after 'e ', filter fields after ' f:', and subcommands and flags.

An expression is one word: start it with a quote and complete inside it,
  surftrace 'p tcp_sendm<TAB>            → 'p tcp_sendmsg
  surftrace 'p tcp_sendmsg x=%0->sk_<TAB> → the members of struct sock

It completes against the running kernel (tracefs needs root for the list
of functions; /proc/kallsyms is used otherwise), or against the kernel the
command line names with --btf/--kallsyms, or else the one named by
$SURFTRACE_BTF and $SURFTRACE_KALLSYMS.

  bash:  source <(surftrace completion bash)       (needs bash 4.4+)
  zsh:   surftrace completion zsh > "${fpath[1]}/_surftrace"
  fish:  surftrace completion fish | source`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeCompletionScript(cmd, args[0])
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	return cmd
}

func writeCompletionScript(cmd *cobra.Command, shell string) error {
	w := cmd.OutOrStdout()
	name := cmd.Root().Name()
	switch shell {
	case "bash":
		return writeCompScript(w, bashScript, name)
	case "zsh":
		return writeCompScript(w, zshScript, name)
	case "fish":
		return writeCompScript(w, fishScript, name)
	case "powershell":
		return cmd.Root().GenPowerShellCompletionWithDesc(w)
	}
	return fmt.Errorf("%w: no completion for shell %q (bash, zsh, fish, powershell)", kernel.ErrUsage, shell)
}

func writeCompScript(w io.Writer, script, name string) error {
	_, err := io.WriteString(w, strings.ReplaceAll(script, "PROG", name))
	return err
}

// bashScript: readline replaces only the part of the word after an open
// quote or the last of COMP_WORDBREAKS (which holds '>', '(' and '='),
// so surftrace is given the raw line and answers with exactly that part,
// quoted as the word is.
const bashScript = `# bash completion for PROG                              -*- shell-script -*-
_PROG_complete() {
    local out opts
    out=$(SURFTRACE_COMP_WORDBREAKS="$COMP_WORDBREAKS" "${COMP_WORDS[0]}" __complete_line bash "$COMP_LINE" "$COMP_POINT" 2>/dev/null) || return
    opts=${out%%$'\n'*}
    COMPREPLY=()
    if [[ $out == *$'\n'* ]]; then
        mapfile -t COMPREPLY <<<"${out#*$'\n'}"
    fi
    [[ $opts == error ]] && { COMPREPLY=(); return; }
    [[ $opts == *nospace* ]] && compopt -o nospace
    [[ $opts == *nofile* ]] && compopt +o default
    return 0
}
complete -o default -F _PROG_complete PROG
`

// zshScript: zsh quotes and matches candidates itself; they are whole
// unquoted words. (In a completion widget LBUFFER has the word's quotes
// stripped, so the line is rebuilt from words and PREFIX.)
const zshScript = `#compdef PROG
# zsh completion for PROG
_PROG() {
    local out opts cur line
    local -a cands
    # Inside quotes zsh gives the word unquoted in PREFIX; otherwise it is
    # as typed. The line is rebuilt from unquoted words, requoted.
    cur=$PREFIX
    [[ -z $compstate[quote] ]] && cur=${(Q)PREFIX}
    line="${(j: :)${(@q)${(@Q)words[1,CURRENT-1]}}} ${(q)cur}"
    out=$("${words[1]}" __complete_line zsh "$line" 2>/dev/null) || return 1
    opts=${out%%$'\n'*}
    [[ $opts == error ]] && return 1
    if [[ $out == *$'\n'* ]]; then
        cands=("${(@f)${out#*$'\n'}}")
    fi
    if (( ${#cands} == 0 )); then
        [[ $opts == *nofile* ]] && return 1
        _files
        return
    fi
    if [[ $opts == *nospace* ]]; then
        compadd -S '' -- "${cands[@]}"
    else
        compadd -- "${cands[@]}"
    fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _PROG "$@"
else
    compdef _PROG PROG
fi
`

// fishScript: fish matches candidates against the unescaped word and
// escapes what it inserts. After a lone candidate fish would close the
// quote and add a space, ending the expression: __complete_line never
// gives fish a lone candidate that must go on (see fishCandidates).
const fishScript = `# fish completion for PROG
function __PROG_complete
    set -l out (command PROG __complete_line fish (commandline -cp) 2>/dev/null)
    or return 1
    set -g __PROG_opts $out[1]
    set -g __PROG_cands $out[2..-1]
    if test $__PROG_opts = error
        set -g __PROG_cands
        return 0
    end
    if test (count $__PROG_cands) -eq 0; and not string match -q '*nofile*' -- $__PROG_opts
        return 1
    end
    return 0
end
complete -c PROG -e
complete -c PROG -n __PROG_complete -f -a '$__PROG_cands'
`
