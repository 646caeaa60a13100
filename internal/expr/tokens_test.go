package expr

import "testing"

func TestArgTokens(t *testing.T) {
	toks, end := ArgTokens("@(struct iphdr *)l3%0->saddr")
	want := []Token{{TokPunct, "@", 0}, {TokPunct, "(", 1}, {TokIdent, "struct", 2}, {TokSpace, " ", 8}, {TokIdent, "iphdr", 9},
		{TokSpace, " ", 14}, {TokPunct, "*", 15}, {TokPunct, ")", 16}, {TokIdent, "l3", 17}, {TokPercent, "%0", 19},
		{TokArrow, "->", 21}, {TokIdent, "saddr", 23}}
	if end != 28 || len(toks) != len(want) {
		t.Fatalf("got %v, %d", toks, end)
	}
	for i := range want {
		if toks[i] != want[i] {
			t.Errorf("token %d = %+v, want %+v", i, toks[i], want[i])
		}
	}
	// An unfinished arrow stops the tokens where it starts.
	toks, end = ArgTokens("%0-")
	if len(toks) != 1 || toks[0].Text != "%0" || end != 2 {
		t.Errorf("%%0-: got %v, %d", toks, end)
	}
}
