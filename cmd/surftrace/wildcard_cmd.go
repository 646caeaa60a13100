package main

import (
	"github.com/surftrace/surftrace/internal/trace"
	"github.com/surftrace/surftrace/internal/wildcard"
)

// expandedFrom remembers, per expanded expression, the pattern it came
// from, so a compile error can name the match.
var expandedFrom = map[string]wildcard.Match{}

// expandExprs replaces each expression whose probe point has glob
// characters by one expression per match.
func expandExprs(cfg *config, exprs []string) ([]string, error) {
	x := trace.NewExpander(kernelOf(cfg))
	var out, origins []string
	for i, src := range exprs {
		ms, err := x.Expand(src, cfg.maxMatches)
		if err != nil {
			return nil, fromFile(cfg, i, err)
		}
		for _, m := range ms {
			if m.Pattern != "" {
				expandedFrom[m.Src] = m
			}
			out = append(out, m.Src)
			if i < len(cfg.origins) {
				// Each expansion keeps the FILE:LINE of its pattern.
				origins = append(origins, cfg.origins[i])
			}
		}
	}
	if len(cfg.origins) > 0 {
		cfg.origins = origins
	}
	return out, nil
}

// explainMatch names the match in a compile error of an expanded
// expression.
func explainMatch(src string, err error) error {
	if m, ok := expandedFrom[src]; ok {
		return wildcard.Explain(m, err)
	}
	return err
}
