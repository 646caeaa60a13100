package disasm

import (
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/uobj"
)

func TestCheckOffsetKernel(t *testing.T) {
	k := testKernelShared(t)
	for _, tc := range []struct {
		off uint64
		err error
		msg string
	}{
		{0, nil, ""},
		{23, nil, ""},
		{24, ErrNotBoundary, "inside `call   0xffffffff81e01580` at +23; use +23 or +28"},
		{144, uobj.ErrOutOfRange, "144 bytes"},
	} {
		err := k.CheckOffset("dev_qdisc_enqueue", tc.off)
		if !errors.Is(err, tc.err) || (err != nil && !strings.Contains(err.Error(), tc.msg)) {
			t.Errorf("+%d: %v, want %v saying %q", tc.off, err, tc.err, tc.msg)
		}
	}
}

func TestCheckOffsetUser(t *testing.T) {
	o, err := uobj.Open(buildFixture(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	fn, err := o.Func("surf_mix")
	if err != nil {
		t.Fatal(err)
	}
	l, err := UserFunc(o, "surf_mix")
	if err != nil {
		t.Fatal(err)
	}
	starts := map[uint64]bool{}
	for _, in := range l.Insts {
		starts[uint64(in.Off)] = true
	}
	for off := uint64(0); off < fn.Size; off++ {
		err := CheckUserOffset(o, fn, off)
		if (err == nil) != starts[off] || (err != nil && !errors.Is(err, ErrNotBoundary)) {
			t.Errorf("+%d: %v", off, err)
		}
	}
}
