package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/suggest"
)

// splitByShell reports, as a usage error, a command line whose expression
// the shell cut into words because it was not quoted: every expression
// holds a space ("p ip_output"), so a word without one (a lone "p", a
// "len=%0->len", an "f:proto==17") is a piece of one. The message shows
// the line as it should have been typed.
func splitByShell(args []string) error {
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
func (u usageText) Unwrap() error { return errUsage }

// explainParseError adds what only the kernel's types know to a parse
// error: the probed function's arguments when a value named one of them
// instead of its %N, the SUBSYS/ of a tracepoint given by its bare name.
func explainParseError(cfg *config, err error) error {
	var ee *expr.Error
	if !errors.As(err, &ee) {
		return err
	}
	words := strings.Fields(ee.Src)
	if len(words) < 2 {
		return err
	}
	switch {
	case errors.Is(err, expr.ErrBareName) && (words[0] == "p" || words[0] == "r"):
		if hint := argsHint(cfg, words[1], ee); hint != "" {
			ee.Hint = hint
		}
	case words[0] == "e" && !strings.Contains(words[1], "/"):
		names := tracepointNames(cfg)
		var hits []string
		for _, n := range names {
			if _, ev, _ := strings.Cut(n, "/"); ev == words[1] {
				hits = append(hits, "e "+n)
			}
		}
		if len(hits) == 0 {
			var evs []string
			for _, n := range names {
				_, ev, _ := strings.Cut(n, "/")
				evs = append(evs, ev)
			}
			for _, c := range suggest.Closest(words[1], evs, 3) {
				for _, n := range names {
					if strings.HasSuffix(n, "/"+c) {
						hits = append(hits, "e "+n)
					}
				}
			}
		}
		if len(hits) > 0 {
			ee.Hint = suggest.DidYouMean(hits[:min(len(hits), 3)])
		}
	}
	return err
}

// argsHint names the probed function's arguments with their %N.
func argsHint(cfg *config, target string, ee *expr.Error) string {
	sym, _, _ := strings.Cut(target, "+")
	if _, s, ok := strings.Cut(sym, ":"); ok {
		sym = s
	}
	types, err := kernelOf(cfg).Types()
	if err != nil {
		return ""
	}
	fn, err := types.Func(sym)
	if err != nil || fn == nil {
		return ""
	}
	bare := ee.Src[ee.Pos:]
	if i := strings.IndexAny(bare, " \t"); i >= 0 {
		bare = bare[:i]
	}
	name := bare
	if i := strings.IndexAny(name, "-.[:"); i >= 0 {
		name = name[:i]
	}
	var args []string
	fix := ""
	for i, p := range fn.Proto.Params {
		args = append(args, fmt.Sprintf("%s=%%%d", p.Name, i))
		if p.Name == name && p.Name != "" {
			fix = fmt.Sprintf(": write %%%d%s", i, bare[len(name):])
		}
	}
	if len(args) == 0 {
		return fmt.Sprintf("%s takes no arguments", sym)
	}
	return fmt.Sprintf("%s takes %s%s", sym, strings.Join(args, " "), fix)
}

// tracepointNames lists SUBSYS/EVENT names of the kernel the flags name.
func tracepointNames(cfg *config) []string {
	k := &kernelInputs{btf: cfg.btf, vmlinux: cfg.vmlinux, kallsyms: cfg.kallsyms, arch: cfg.arch}
	names, _, err := k.Events()
	if err != nil {
		return nil
	}
	return names
}

// sourcedError is an error in an expression read from a -f file: where is
// FILE:LINE.
type sourcedError struct {
	where string
	err   error
}

func (e *sourcedError) Error() string { return e.where + ": " + e.err.Error() }
func (e *sourcedError) Unwrap() error { return e.err }

// fromFile marks err with the file and line expression i came from, if it
// came from one.
func fromFile(cfg *config, i int, err error) error {
	if err == nil || i >= len(cfg.origins) || cfg.origins[i] == "" {
		return err
	}
	return &sourcedError{where: cfg.origins[i], err: err}
}

// fromFileBySource marks an expression error that carries no index (the
// kernel refused a probe, say) with the FILE:LINE of the expression it
// shows.
func fromFileBySource(cfg *config, exprs []string, err error) error {
	var ee *expr.Error
	var se *sourcedError
	if err == nil || !errors.As(err, &ee) || errors.As(err, &se) {
		return err
	}
	for i, s := range exprs {
		if s == ee.Src {
			return fromFile(cfg, i, err)
		}
	}
	return err
}
