package completion

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

// Cobra's own completion scripts split or re-evaluate the command line,
// which breaks on a surftrace expression: one word with spaces, '>', '('
// and '=' inside, usually typed inside an open quote ('p tcp_sendm<TAB>).
// Our scripts (completion_scripts.go) hand the raw line to the hidden
// command __complete_line instead; it lexes the line as the shell does,
// asks cobra's __complete for the candidates with the words unquoted, and
// answers each shell in the form it needs.

// lexed is a command line up to the cursor, split as a POSIX shell would.
type lexed struct {
	words []string // complete words before the current one, unquoted
	cur   string   // the current word, unquoted
	// raw is the current word as typed; rawVal[i] is the length of its
	// unquoted value after raw[:i].
	raw    string
	rawVal []int
	// quote is the open quote at the cursor (0, '\'' or '"'), quoteAt
	// its position in raw.
	quote   byte
	quoteAt int
}

// lexLine splits line (up to the cursor) into words, tolerating an open
// quote at the end. Command separators (; | &) start a new command.
func lexLine(line string) *lexed {
	l := &lexed{}
	var val strings.Builder
	start := -1 // raw start of the current word
	var quote byte
	quoteAt := 0
	var rawVal []int
	flush := func() {
		if start >= 0 {
			l.words = append(l.words, val.String())
		}
		val.Reset()
		start, rawVal = -1, nil
	}
	for i := 0; i < len(line); i++ {
		ch := line[i]
		if start < 0 && quote == 0 && (ch == ' ' || ch == '\t' || ch == '\n') {
			continue
		}
		if start < 0 {
			start = i
		}
		rawVal = append(rawVal, val.Len())
		switch {
		case quote == '\'':
			if ch == '\'' {
				quote = 0
			} else {
				val.WriteByte(ch)
			}
		case quote == '"':
			switch {
			case ch == '"':
				quote = 0
			case ch == '\\' && i+1 < len(line) && strings.IndexByte("$`\"\\\n", line[i+1]) >= 0:
				i++
				rawVal = append(rawVal, val.Len())
				val.WriteByte(line[i])
			default:
				val.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, quoteAt = ch, i-start
		case ch == '\\':
			if i+1 < len(line) {
				i++
				rawVal = append(rawVal, val.Len())
				val.WriteByte(line[i])
			}
		case ch == ' ' || ch == '\t' || ch == '\n':
			rawVal = rawVal[:len(rawVal)-1]
			flush()
		case ch == ';' || ch == '|' || ch == '&':
			flush()
			l.words = nil
		default:
			val.WriteByte(ch)
		}
	}
	if start >= 0 {
		l.raw = line[start:]
		l.cur = val.String()
		l.rawVal = append(rawVal, val.Len())
	} else {
		l.rawVal = []int{0}
	}
	l.quote, l.quoteAt = quote, quoteAt
	return l
}

// defaultWordBreaks is bash's COMP_WORDBREAKS when the script does not
// pass the user's.
const defaultWordBreaks = " \t\n\"'@><=;|&(:"

// bashRegion finds the part of the current word readline replaces: after
// the open quote when there is one, else after the last word-break
// character (unquoted) in the word. It returns that offset in raw.
func (l *lexed) bashRegion(breaks string) int {
	if l.quote != 0 {
		return l.quoteAt + 1
	}
	start := 0
	var quote byte
	for i := 0; i < len(l.raw); i++ {
		ch := l.raw[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '\\':
			i++
		case strings.IndexByte(breaks, ch) >= 0:
			start = i + 1
		}
	}
	return start
}

// bashReplacement is what to put in COMPREPLY for a candidate (a whole
// unquoted word extending l.cur): the part readline replaces, quoted as
// the word is at that point.
func (l *lexed) bashReplacement(cand string, breaks string) (string, bool) {
	r := l.bashRegion(breaks)
	v := l.rawVal[min(r, len(l.rawVal)-1)]
	if !strings.HasPrefix(cand, l.cur[:v]) {
		return "", false
	}
	return shellQuote(cand[v:], l.quote), true
}

// shellQuote spells s for insertion where quote is open (0: none).
func shellQuote(s string, quote byte) string {
	switch quote {
	case '\'':
		return strings.ReplaceAll(s, "'", `'\''`)
	case '"':
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if strings.IndexByte("$`\"\\", s[i]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i])
		}
		return b.String()
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(" \t\n'\"\\$&|;()<>*?[]#~!{}`", s[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// NewLineCmd returns the hidden `__complete_line SHELL LINE
// [POINT]` our completion scripts call. Its first output line holds the
// options for the shell ("nospace", "nofile"), the others the candidates:
// for bash the exact COMPREPLY entries, for zsh and fish whole unquoted
// words (those shells quote and match themselves), with "\tdescription"
// for fish.
func NewLineCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "__complete_line SHELL LINE [POINT]",
		Hidden:             true,
		Args:               cobra.RangeArgs(2, 3),
		DisableFlagParsing: true,
		SilenceUsage:       true,
		SilenceErrors:      true,
		RunE: func(cmd *cobra.Command, args []string) error {
			shell, line := args[0], args[1]
			if len(args) == 3 {
				if p, err := strconv.Atoi(args[2]); err == nil && p >= 0 && p <= len(line) {
					line = line[:p]
				}
			}
			l := lexLine(line)
			if len(l.words) == 0 {
				return nil
			}
			cands, dir := cobraComplete(cmd.Root(), append(l.words[1:], l.cur), shell == "fish")
			if shell == "fish" && len(cands) == 1 && dir&cobra.ShellCompDirectiveNoSpace != 0 {
				cands = fishCandidates(cmd.Root(), l, cands[0])
			}
			return writeLineCompletions(cmd, shell, l, cands, dir)
		},
	}
}

// cobraComplete runs cobra's __complete in-process, as the shells would
// with the words already unquoted.
func cobraComplete(root *cobra.Command, words []string, desc bool) ([]string, cobra.ShellCompDirective) {
	req := cobra.ShellCompNoDescRequestCmd
	if desc {
		req = cobra.ShellCompRequestCmd
	}
	var out bytes.Buffer
	saveOut, saveErr := root.OutOrStdout(), root.ErrOrStderr()
	root.SetOut(&out)
	root.SetErr(&bytes.Buffer{})
	root.SetArgs(append([]string{req}, words...))
	err := root.Execute()
	root.SetOut(saveOut)
	root.SetErr(saveErr)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	dir := cobra.ShellCompDirectiveDefault
	if strings.HasPrefix(last, ":") {
		if n, err := strconv.Atoi(last[1:]); err == nil {
			dir = cobra.ShellCompDirective(n)
		}
		lines = lines[:len(lines)-1]
	}
	var cands []string
	for _, c := range lines {
		if c != "" && !strings.HasPrefix(c, "_activeHelp_ ") {
			cands = append(cands, c)
		}
	}
	return cands, dir
}

func writeLineCompletions(cmd *cobra.Command, shell string, l *lexed, cands []string, dir cobra.ShellCompDirective) error {
	w := cmd.OutOrStdout()
	var opts []string
	if dir&cobra.ShellCompDirectiveError != 0 {
		fmt.Fprintln(w, "error")
		return nil
	}
	if dir&cobra.ShellCompDirectiveNoSpace != 0 {
		opts = append(opts, "nospace")
	}
	if dir&cobra.ShellCompDirectiveNoFileComp != 0 {
		opts = append(opts, "nofile")
	}
	fmt.Fprintln(w, strings.Join(opts, " "))
	breaks := os.Getenv("SURFTRACE_COMP_WORDBREAKS")
	if breaks == "" {
		breaks = defaultWordBreaks
	}
	var reps []string
	for _, c := range cands {
		switch shell {
		case "bash":
			word, _, _ := strings.Cut(c, "\t")
			if r, ok := l.bashReplacement(word, breaks); ok {
				reps = append(reps, r)
			}
		case "fish":
			fmt.Fprintln(w, c)
		default:
			word, _, _ := strings.Cut(c, "\t")
			fmt.Fprintln(w, word)
		}
	}
	if len(reps) == 1 && l.quote != 0 && dir&cobra.ShellCompDirectiveNoSpace != 0 {
		// Readline closes an open quote after a lone match, which would
		// end the expression; a twin with a space after it keeps the
		// match from being lone (and is what comes next anyway).
		reps = append(reps, reps[0]+" ")
	}
	for _, r := range reps {
		fmt.Fprintln(w, r)
	}
	return nil
}

// fishNoSpace are the last characters after which fish adds no space to
// a lone completion.
const fishNoSpace = "/=@:.,-"

// fishCandidates keeps fish from ending an expression after a lone
// candidate that goes on: fish closes the quote and adds a space unless
// the candidate ends in one of fishNoSpace. The candidate then comes with
// what may follow it: its own completions (the members after "->", the
// value after a cast), or else the word and a space, for the next
// NAME=VALUE or f:FILTER. Fish inserts what they have in common, the
// candidate, and lists them.
func fishCandidates(root *cobra.Command, l *lexed, cand string) []string {
	word, _, _ := strings.Cut(cand, "\t")
	if word == "" || strings.ContainsRune(fishNoSpace, rune(word[len(word)-1])) {
		return []string{cand}
	}
	next, _ := cobraComplete(root, append(l.words[1:], word), true)
	out := []string{cand}
	for _, n := range next {
		if w, _, _ := strings.Cut(n, "\t"); w != word && strings.HasPrefix(w, word) {
			out = append(out, n)
		}
	}
	if len(out) == 1 {
		out = append(out, word+" \tthen the next NAME=VALUE or f:FILTER")
	}
	return out
}
