package compile

import (
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

// A signed bitfield is fetched as its bits (the kernel has no signed
// bitfield type) and marked for the renderer to sign-extend; a filter
// compares the bits, so -1 on 3 bits is written as 7 and ordering is
// refused.
func TestSignedBitfield(t *testing.T) {
	cfg := &Config{Arch: archX86_64, User: fakeUser{}}
	d, err := parseCompile("P sbits:func s=%0->s u=%0->u f:s==-1||s!=3", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if a := d.Args[0]; a.Type != "b3@0/32" || a.Display != probe.DisplaySignedBits {
		t.Errorf("s: %+v", a)
	}
	if a := d.Args[1]; a.Type != "b5@3/32" || a.Display != probe.DisplayDefault {
		t.Errorf("u: %+v", a)
	}
	if d.Filter != "s==7||s!=3" {
		t.Errorf("filter %q, want s==7||s!=3", d.Filter)
	}
	for src, want := range map[string]string{
		"P sbits:func s=%0->s f:s<0":  "signed 3-bit bitfield, which the kernel compares as unsigned bits",
		"P sbits:func s=%0->s f:s==4": "4 is not a value of the signed 3-bit bitfield s (-4 to 3)",
	} {
		if got := show(src, cfg); !strings.Contains(got, want) {
			t.Errorf("%s:\n%s\nwant …%s…", src, got, want)
		}
	}
	if d, err := parseCompile("P sbits:func s=U%0->s", cfg); err != nil || d.Args[0].Display != probe.DisplayDefault {
		t.Errorf("U keeps the bits unsigned: %v %+v", err, d)
	}
}
