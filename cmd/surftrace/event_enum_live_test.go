package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// TestLiveEventEnumFilter compiles a drop-reason name in a filter on the
// host's skb:kfree_skb tracepoint to the number its format prints it for.
func TestLiveEventEnumFilter(t *testing.T) {
	bin := requireLive(t)
	format, err := os.ReadFile(filepath.Join(tracefsRoot, "events/skb/kfree_skb/format"))
	if err != nil || !regexp.MustCompile(`field:enum skb_drop_reason reason;`).Match(format) {
		t.Skipf("kernel has no skb:kfree_skb with a reason field: %v", err)
	}
	m := regexp.MustCompile(`\{ (\d+), "NO_SOCKET" \}`).FindSubmatch(format)
	if m == nil {
		t.Skip("the format does not name NO_SOCKET")
	}
	out, err := runTimeout(exec.Command(bin, "-S", "e skb/kfree_skb f:reason==NO_SOCKET"), eventTimeout)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "kfree_skb filter: reason==" + string(m[1]) + "\n"; !regexp.MustCompile(regexp.QuoteMeta(want)).Match(out) {
		t.Errorf("got:\n%s\nwant a line %q", out, want)
	}
}
