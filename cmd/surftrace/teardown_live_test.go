package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLiveTeardownFailure: when the kernel refuses part of the teardown
// (here the instance stays busy: the test holds a file of it open), a run
// stopped by SIGINT says so and exits 1, not 0.
func TestLiveTeardownFailure(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	p := start(t, bin, "-t", "30s", "P "+fx+":func v=%0")
	inst := p.waitSetUp()
	f, err := os.Open(filepath.Join(inst, "trace"))
	if err != nil {
		t.Fatal(err)
	}
	// Closed before startCmd's clean-up removes what is left.
	t.Cleanup(func() { f.Close() })
	p.signal(syscall.SIGINT)
	err = p.wait()
	if exitStatus(err) != 1 {
		t.Errorf("exit %v, want 1\n%s", err, p.dump())
	}
	if log := strings.Join(p.Stderr(), "\n"); !strings.Contains(log, "surftrace: teardown: ") || !strings.Contains(log, "device or resource busy") {
		t.Errorf("no word about the failed teardown\n%s", p.dump())
	}
	// The run removed all but the instance: the test's file kept it.
	f.Close()
	if err := syscall.Rmdir(inst); err != nil {
		t.Errorf("remove the instance the test kept busy: %v", err)
	}
	p.assertClean()
}
