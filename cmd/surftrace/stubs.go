package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// runDisasmFlags serves -F and -l.
func runDisasmFlags(cmd *cobra.Command, cfg *config) error {
	opts := DisasmOptions{Vmlinux: cfg.vmlinux, Kallsyms: cfg.kallsyms}
	if cfg.fn != "" {
		return runDisasm(cmd.OutOrStdout(), cfg.fn, opts)
	}
	return runLine(cmd.OutOrStdout(), cfg.line, opts)
}

func findTracefsQuiet() string {
	for _, d := range []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"} {
		if _, err := os.Stat(filepath.Join(d, "events")); err == nil {
			return d
		}
	}
	return ""
}

func eventFields(tracefs string) func(sys, ev string) ([]string, error) {
	if tracefs == "" {
		return nil
	}
	return func(sys, ev string) ([]string, error) {
		b, err := os.ReadFile(filepath.Join(tracefs, "events", sys, ev, "format"))
		if err != nil {
			return nil, fmt.Errorf("no tracepoint %s/%s", sys, ev)
		}
		var out []string
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if !strings.HasPrefix(l, "field:") {
				continue
			}
			decl, _, _ := strings.Cut(l[6:], ";")
			decl = strings.TrimSpace(decl)
			if i := strings.IndexByte(decl, '['); i >= 0 {
				decl = decl[:i]
			}
			f := strings.Fields(decl)
			if len(f) > 0 {
				out = append(out, f[len(f)-1])
			}
		}
		return out, nil
	}
}

func savedEvents(path string) func(sys, ev string) ([]string, error) {
	names, err := loadNames(path)
	if err != nil {
		return nil
	}
	return func(sys, ev string) ([]string, error) {
		if !names[sys+":"+ev] {
			return nil, fmt.Errorf("no tracepoint %s/%s in %s", sys, ev, path)
		}
		return nil, nil
	}
}
