package compile

import (
	"strings"
	"testing"
)

// ArchNames lists every name LookupArch takes, and an unknown name's
// error lists them.
func TestArchNames(t *testing.T) {
	names := ArchNames()
	if len(names) == 0 {
		t.Fatal("no architectures")
	}
	for _, n := range names {
		if a, err := LookupArch(n); err != nil || a == nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := LookupArch("sparc"); err == nil || !strings.Contains(err.Error(), strings.Join(names, ", ")) {
		t.Errorf("sparc: %v", err)
	}
}
