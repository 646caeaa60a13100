package expect

import (
	"errors"
	"strings"
	"testing"
)

var out = []string{
	"# == first",
	"  nc-1 [000] ..... 1.000000: f0: (ip_output+0x0/0x130) proto=17",
	"  nc-2 [000] ..... 2.000000: f0: (ip_output+0x0/0x130) proto=17",
	"# rc=0",
	"# == second",
	"# stderr: surftrace: not an instruction boundary: dev_qdisc_enqueue+22",
	"# stderr:   ^",
	"# rc=1",
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name string
		want string
		fail []int // indexes of the checks that must fail
	}{
		{"lines in order", "line nc-1\nline nc-2\nline ^# rc=0$", nil},
		{"lines out of order", "line nc-2\nline nc-1", []int{1}},
		{"same line twice", "line boundary\nline dev_qdisc_enqueue", nil},
		{"absent line", "line nothing here", []int{0}},
		{"every, notes skipped", "every proto=17$", nil},
		{"every fails", "every proto=6", []int{0}},
		{"every sees the second section's tool lines", "every f0:", nil},
		{"none", "none proto=6\nnone rc=1", []int{1}},
		{"count", "count 2 f0:\ncount 3 f0:", []int{1}},
		{"atleast", "atleast 1 f0:\natleast 2 f0:\natleast 3 f0:", []int{2}},
		{"sections scope checks", "section first\ncount 2 f0:\nnone stderr\nsection second\nnone f0:\natleast 1 boundary\nline ^# rc=1$", nil},
		{"section scopes line", "section second\nline ^# rc=0$", []int{1}},
		{"every in a section without tool lines", "section second\nevery .", []int{1}},
		{"missing section", "section third\natleast 1 .", []int{0, 1}},
		{"comments and blanks", "# a comment\n\n   \nline nc-1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Parse([]byte(tt.want))
			if err != nil {
				t.Fatal(err)
			}
			r := w.Match(out)
			var failed []int
			for i, o := range r.Outcomes {
				if !o.OK {
					failed = append(failed, i)
				}
			}
			if len(failed) != len(tt.fail) || r.Failed != len(tt.fail) || r.OK() != (len(tt.fail) == 0) {
				t.Fatalf("failed checks %v, want %v\n%s", failed, tt.fail, r.Report("want", out))
			}
			for i := range failed {
				if failed[i] != tt.fail[i] {
					t.Fatalf("failed checks %v, want %v", failed, tt.fail)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []string{"lines x", "count x f0", "count 2", "atleast -1 x", "line (", "section", "every"} {
		if _, err := Parse([]byte(bad)); !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want ErrSyntax", bad, err)
		}
	}
}

func TestReport(t *testing.T) {
	w, err := Parse([]byte("line nc-1\n\nline absent"))
	if err != nil {
		t.Fatal(err)
	}
	rep := w.Match(out).Report("x.want", out)
	for _, want := range []string{"1 of 2 checks failed", "  ok   1   line nc-1    ← line 2", "  FAIL 3   line absent", "    8| # rc=1"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}
