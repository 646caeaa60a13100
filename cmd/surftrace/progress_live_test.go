package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestLiveProgress: a run says on stderr when tracing starts and, at the
// end, how many events each probe saw, how many were lost and for how
// long; with -q only the ready file tells that the probes are armed.
func TestLiveProgress(t *testing.T) {
	bin := requireLive(t)
	fx := fixture(t, "fixture")
	p := start(t, bin, "-c", "4", "-t", "30s", "--buffer-size", "2048", "P "+fx+":func v=%0", "R "+fx+":func r=$retval")
	inst := p.waitSetUp()
	// The kernel rounds the size up to whole pages of its ring buffer.
	b, err := os.ReadFile(filepath.Join(inst, "buffer_size_kb"))
	if kb, _ := strconv.Atoi(strings.Fields(string(b) + " x")[0]); err != nil || kb < 2048 || kb > 2048+64 {
		t.Errorf("--buffer-size 2048: buffer_size_kb %q %v", b, err)
	}
	p.waitFor(10*time.Second, "start line", func() bool {
		return slices.Contains(p.Stderr(), "surftrace: tracing 2 probes… Ctrl-C to stop")
	})
	runFixture(t, fx, 3, 0)
	p.waitOK()
	sum := regexp.MustCompile(`^surftrace: 4 events \(p0: 2, r1: 2\), 0 lost, [0-9]+\.[0-9] s$`)
	if !slices.ContainsFunc(p.Stderr(), sum.MatchString) {
		t.Errorf("no summary %s in stderr:\n%q", sum, p.Stderr())
	}
	p.assertClean()

	ready := filepath.Join(t.TempDir(), "ready")
	q := start(t, bin, "-q", "--ready-file", ready, "-c", "2", "-t", "30s", "P "+fx+":func v=%0")
	q.waitFor(setUpTimeout, "ready file", func() bool {
		_, err := os.Stat(ready)
		return err == nil
	})
	runFixture(t, fx, 2, 0)
	q.waitOK()
	if len(q.Stdout()) != 2 || len(q.Stderr()) != 0 {
		t.Errorf("-q: stdout %q, stderr %q", q.Stdout(), q.Stderr())
	}
	q.assertClean()
}
