package discover

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/ftrace"
)

// FuzzReadLists feeds arbitrary text and an arbitrary pattern to the
// readers of available_filter_functions, kallsyms and available_events and
// to the listings built from them: saved lists of another kernel are files
// the user hands us, and a damaged one must list what it can or fail with
// an error, never panic.
func FuzzReadLists(f *testing.F) {
	f.Add([]byte("tcp_sendmsg\ntcp_sendmsg.isra.0\nvp_modern_remove [virtio_pci_modern_dev]\n"), "tcp_*")
	f.Add([]byte("ffffffff81000000 T _stext\nffffffffc0000000 t g\t[mod]\nx t \n"), "g")
	f.Add([]byte("sched:sched_switch\nsyscalls:sys_enter_openat\n:\nnocolon\n"), "sched:*")
	f.Add([]byte("[\n"), "[")
	f.Fuzz(func(t *testing.T, data []byte, pattern string) {
		lines := bytes.Count(data, []byte("\n")) + 1
		var lists [][]Symbol
		if syms, err := ReadFilterFunctions(bytes.NewReader(data)); err == nil {
			if len(syms) > lines {
				t.Fatalf("%d functions from %d lines", len(syms), lines)
			}
			for _, s := range syms {
				if s.Name == "" {
					t.Fatalf("a function without a name: %+v", s)
				}
			}
			lists = append(lists, syms)
		}
		if syms, err := ReadKallsymsFuncs(bytes.NewReader(data)); err == nil {
			if len(syms) > lines {
				t.Fatalf("%d kallsyms functions from %d lines", len(syms), lines)
			}
			lists = append(lists, syms)
		}
		for _, syms := range lists {
			entries, err := ListFuncs(syms, ListOptions{Pattern: pattern})
			if err != nil {
				if !errors.Is(err, ErrNoMatch) && ValidPattern(orAll(pattern)) == nil {
					t.Fatalf("ListFuncs(%q): %v", pattern, err)
				}
				continue
			}
			if len(entries) > len(syms) {
				t.Fatalf("%d entries from %d functions", len(entries), len(syms))
			}
			for _, e := range entries {
				e.SkbRefs()
			}
		}
		names, err := ReadEventNames(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(names) > lines {
			t.Fatalf("%d events from %d lines", len(names), lines)
		}
		for _, n := range names {
			if !strings.Contains(n, "/") {
				t.Fatalf("event name %q has no subsystem", n)
			}
		}
		formats := []func(sys, ev string) (*ftrace.Format, error){nil, fieldsOf}
		for _, format := range formats {
			entries, err := ListEvents(names, pattern, format)
			if err != nil {
				continue
			}
			if len(entries) > len(names) {
				t.Fatalf("%d event entries from %d names", len(entries), len(names))
			}
			if err := WriteEvents(io.Discard, entries); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func orAll(pattern string) string {
	if pattern == "" {
		return "*"
	}
	return pattern
}

// fieldsOf stands for reading an event's format: a format of the event's
// own name, or an error for names that could not be a tracefs directory.
func fieldsOf(sys, ev string) (*ftrace.Format, error) {
	if sys == "" || ev == "" {
		return nil, errors.New("no such event")
	}
	return &ftrace.Format{Name: ev, Fields: []ftrace.Field{
		{Name: "common_pid", Type: "int", Size: 4, Signed: true, Common: true},
		{Name: ev, Type: "char[16]", Offset: 8, Size: 16},
	}}, nil
}
