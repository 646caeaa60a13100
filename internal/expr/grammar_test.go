package expr

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/grammar.ebnf from the grammar")

const grammarFile = "testdata/grammar.ebnf"

// TestGrammarSnapshot keeps the EBNF of the participle grammars in
// testdata/grammar.ebnf, so a grammar change shows up in review.
// Regenerate with `go test ./internal/expr/ -run TestGrammarSnapshot -args -update`.
func TestGrammarSnapshot(t *testing.T) {
	got := Grammar()
	if *update {
		if err := os.WriteFile(grammarFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(grammarFile)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the grammar changed; review and rerun with -args -update\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestPretty(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{Errorf("p ip_output a=%9", 14, 2, nil, "bad"),
			"bad\n    p ip_output a=%9\n                  ^~"},
		{Errorf("p ip_output a=%9", 14, 2, nil, "bad").WithHint("fix it"),
			"bad\n    p ip_output a=%9\n                  ^~\nfix it"},
		// Past the end (a missing part): the caret follows the text.
		{Errorf("p", 1, 1, nil, "missing"), "missing\n    p\n     ^"},
		{Errorf("p", 7, 3, nil, "far"), "far\n    p\n     ^"},
		{Errorf("p x", -3, 0, nil, "neg"), "neg\n    p x\n    ^"},
		// Tabs stay tabs so the caret lines up in a terminal.
		{Errorf("p\tx a=1", 4, 1, nil, "tab"), "tab\n    p\tx a=1\n     \t  ^"},
		// Only the line holding the position is shown.
		{Errorf("p x f:s==\"a\nb\" x", 13, 1, nil, "nl"), "nl\n    b\" x\n     ^"},
		// The underline stops at the end of the line.
		{Errorf("p ab", 2, 10, nil, "long"), "long\n    p ab\n      ^~"},
	}
	for _, tc := range tests {
		if got := tc.e.Pretty(); got != tc.want {
			t.Errorf("Pretty(%q @%d)\n got: %q\nwant: %q", tc.e.Src, tc.e.Pos, got, tc.want)
		}
	}
}

func TestErrorWraps(t *testing.T) {
	sentinel := errors.New("sentinel")
	e := Errorf("p x", 2, 1, sentinel, "no %s", "x")
	if !errors.Is(e, sentinel) {
		t.Error("errors.Is does not find the sentinel")
	}
	if got, want := e.Error(), "col 3: no x"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !strings.Contains(e.WithHint("h").Error(), "(h)") {
		t.Error("the hint is not in Error()")
	}
}
