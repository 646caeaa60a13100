package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// findTracefsQuiet finds a mounted tracefs without mounting one: -S
// touches nothing.
func findTracefsQuiet() string {
	for _, d := range []string{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"} {
		if _, err := os.Stat(filepath.Join(d, "events")); err == nil {
			return d
		}
	}
	return ""
}

// eventFields checks tracepoints against tracefs: the event must exist
// and filters may name its fields.
func eventFields(tracefs string) func(sys, ev string) ([]string, error) {
	if tracefs == "" {
		return nil
	}
	fs := ftrace.NewFS(tracefs)
	return func(sys, ev string) ([]string, error) {
		f, err := ftrace.ReadFormat(fs, sys, ev)
		if err != nil {
			return nil, fmt.Errorf("no tracepoint %s/%s", sys, ev)
		}
		var out []string
		for _, fl := range f.Fields {
			out = append(out, fl.Name)
		}
		return out, nil
	}
}

// savedEvents checks tracepoints against another kernel's saved
// available_events (beside --kallsyms); their fields are unknown.
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
