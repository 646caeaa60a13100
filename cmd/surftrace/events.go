package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/suggest"
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
			names, _ := fs.Events()
			return nil, noTracepoint(sys+"/"+ev, "", names)
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
			var all []string
			for n := range names {
				all = append(all, strings.Replace(n, ":", "/", 1))
			}
			sort.Strings(all)
			return nil, noTracepoint(sys+"/"+ev, " in "+path, all)
		}
		return nil, nil
	}
}

// noTracepoint says that name is no tracepoint, with the closest that are.
func noTracepoint(name, where string, names []string) error {
	msg := fmt.Sprintf("no tracepoint %s%s", name, where)
	if dym := suggest.DidYouMean(suggest.Closest(name, names, 3)); dym != "" {
		msg += "; " + dym
	}
	return errors.New(msg)
}
