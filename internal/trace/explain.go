package trace

import (
	"errors"
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/suggest"
)

// ExplainParseError adds what only the kernel's types know to a parse
// error: the probed function's arguments when a value named one of them
// instead of its %N, the SUBSYS/ of a tracepoint given by its bare name.
func ExplainParseError(k *kernel.Kernel, err error) error {
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
		if hint := argsHint(k, words[1], ee); hint != "" {
			ee.Hint = hint
		}
	case words[0] == "e" && !strings.Contains(words[1], "/"):
		names := tracepointNames(k)
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
func argsHint(k *kernel.Kernel, target string, ee *expr.Error) string {
	sym, _, _ := strings.Cut(target, "+")
	if _, s, ok := strings.Cut(sym, ":"); ok {
		sym = s
	}
	types, err := k.Types()
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

// tracepointNames lists the kernel's SUBSYS/EVENT names.
func tracepointNames(k *kernel.Kernel) []string {
	names, _, err := k.Events()
	if err != nil {
		return nil
	}
	return names
}
