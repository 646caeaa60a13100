package disasm

import (
	"fmt"
	"testing"
)

func TestFileMatches(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"/tmp/x/fixture.c", "fixture.c", true},
		{"/tmp/x/fixture.c", "./fixture.c", true},
		{"/tmp/x/fixture.c", "x/fixture.c", true},
		{"/tmp/x/fixture.c", "/tmp/x/fixture.c", true},
		{"/tmp/x/myfixture.c", "fixture.c", false},
		{"/build/linux/net/core/dev.c", "core/dev.c", true},
		{"/build/linux/net/core/dev.c", "dev.c", true},
		{"/build/linux/drivers/base/dev.c", "net/core/dev.c", false},
		{"", "dev.c", false},
	} {
		if got := fileMatches(tc.name, tc.want); got != tc.ok {
			t.Errorf("fileMatches(%q, %q) = %v", tc.name, tc.want, got)
		}
	}
}

func TestMergeRanges(t *testing.T) {
	got := mergeRanges([]addrRange{{0x20, 0x28}, {0x10, 0x14}, {0x14, 0x18}, {0x26, 0x30}, {0x40, 0x44}})
	if fmt.Sprint(got) != "[{16 24} {32 48} {64 68}]" {
		t.Errorf("mergeRanges = %v", got)
	}
}

func TestParseLineSpec(t *testing.T) {
	for _, tc := range []struct {
		spec, obj, file string
		line            int
		bad             bool
	}{
		{"fixture.c:12", "", "fixture.c", 12, false},
		{"./fixture:fixture.c:12", "./fixture", "fixture.c", 12, false},
		{"libc:malloc/malloc.c:3287", "libc", "malloc/malloc.c", 3287, false},
		{"net/core/dev.c:3768", "", "net/core/dev.c", 3768, false},
		{"fixture.c", "", "", 0, true},
		{"fixture.c:0", "", "", 0, true},
		{"fixture.c:x", "", "", 0, true},
		{":12", "", "", 0, true},
		{"obj::12", "", "", 0, true},
	} {
		obj, file, line, err := ParseLineSpec(tc.spec)
		if tc.bad != (err != nil) || obj != tc.obj || file != tc.file || line != tc.line {
			t.Errorf("ParseLineSpec(%q) = %q, %q, %d, %v", tc.spec, obj, file, line, err)
		}
	}
}

func TestNearLines(t *testing.T) {
	if got := nearLines([]int{3, 9, 14, 20}, 12); got != " (nearest lines with code: 9, 14)" {
		t.Errorf("nearLines = %q", got)
	}
}
