package trace

import (
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/kernel"
)

// SplitByShell reports, as a usage error, a command line whose expression
// the shell cut into words because it was not quoted: every expression
// holds a space ("p ip_output"), so a word without one (a lone "p", a
// "len=%0->len", an "f:proto==17") is a piece of one. The message shows
// the line as it should have been typed.
func SplitByShell(args []string) error {
	if len(args) < 2 {
		return nil
	}
	pieces := false
	for _, a := range args {
		if !strings.ContainsAny(a, " \t") {
			pieces = true
		}
	}
	if !pieces {
		return nil
	}
	// Regroup: a probe type letter starts an expression.
	var groups [][]string
	for _, a := range args {
		if len(groups) == 0 || len(a) == 1 && strings.Contains("preRP", a) {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], a)
	}
	quoted := make([]string, len(groups))
	for i, g := range groups {
		quoted[i] = "'" + strings.ReplaceAll(strings.Join(g, " "), "'", `'\''`) + "'"
	}
	msg := fmt.Sprintf("the expression reached surftrace as %d separate words; quote the whole expression: surftrace %s",
		len(args), strings.Join(quoted, " "))
	for _, a := range args {
		if f, ok := strings.CutPrefix(a, "f:"); ok && !strings.ContainsAny(f, "=<>~&!") {
			msg += "\n(the filter " + a + " compares nothing: unquoted, the shell took its `>` or `<` as a redirection and may have created a file named after the value; remove it)"
		}
	}
	return usageText(msg)
}

// usageText is a usage error whose text is complete as it is.
type usageText string

func (u usageText) Error() string { return string(u) }
func (u usageText) Unwrap() error { return kernel.ErrUsage }
