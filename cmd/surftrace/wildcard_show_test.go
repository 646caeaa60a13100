package main

import (
	"strings"
	"testing"
)

// A pattern gives one probe per traceable function, each typed from its
// own prototype; an argument one match cannot take is refused naming it;
// the cap says how to raise it.
func TestShowWildcard(t *testing.T) {
	flags := bundledFlags(t)
	r := surftrace(t, false, append(flags, "p tcp_v4_*_sock sk=%0")...)
	if r.code != 0 || !strings.Contains(r.stdout, " tcp_v4_destroy_sock sk=%di:u64") || strings.Contains(r.stdout, ".isra") {
		t.Errorf("rc %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = surftrace(t, false, append(flags, "p tcp_v4_* st=%0->sk_state")...)
	if r.code == 0 || !strings.Contains(r.stderr, "(matched by tcp_v4_*)") || !strings.Contains(r.stderr, "^") {
		t.Errorf("rc %d\n%s", r.code, r.stderr)
	}
	r = surftrace(t, false, append(flags, "--max-matches", "3", "p tcp_*")...)
	if r.code == 0 || !strings.Contains(r.stderr, "--max-matches") {
		t.Errorf("rc %d\n%s", r.code, r.stderr)
	}
	r = surftrace(t, false, append(flags, "p nosuchfn_* x=%0")...)
	if r.code == 0 || !strings.Contains(r.stderr, "no traceable kernel function matches nosuchfn_*") {
		t.Errorf("rc %d\n%s", r.code, r.stderr)
	}
}
