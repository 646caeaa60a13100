package main

import (
	"strings"
	"testing"
	"time"

	"github.com/surftrace/surftrace/internal/trace"
)

// FuzzArgs feeds arbitrary command lines (words split on NUL) to what
// reads argv before cobra does: option prefixes are expanded one for
// one or refused, and the unquoted-expression check never panics.
// Seeds: testdata/fuzz/FuzzArgs.
func FuzzArgs(f *testing.F) {
	for _, s := range []string{"--sta\x00p ip_output", "-o\x00--sta", "--\x00--s", "--vml=x\x00--sh", "p\x00ip_output\x00len=%0\x00f:len", "graph\x00--m\x00tree\x00f", "-t\x0010"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		got, err := expandAbbrevs(newRootCmd(), args)
		if err == nil && len(got) != len(args) {
			t.Fatalf("%q became %q", args, got)
		}
		_ = trace.SplitByShell(args)
		var dur time.Duration
		if err := (durationFlag{&dur}).Set(line); err == nil && dur <= 0 {
			t.Fatalf("-t %q accepted as %v", line, dur)
		}
	})
}
