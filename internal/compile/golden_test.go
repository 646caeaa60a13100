package compile

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

var update = flag.Bool("update", false, "rewrite testdata/goldens.txt with what the compiler produces now")

const goldensFile = "testdata/goldens.txt"

// golden is one entry of testdata/goldens.txt: comment lines, an
// expression line (optionally led by "-a ARCH "), the expected output.
type golden struct {
	comments []string
	arch     string
	expr     string
	want     string
	line     int
}

// archName is the entry's architecture, x86_64 unless it says -a ARCH.
func (g *golden) archName() string {
	if g.arch == "" {
		return "x86_64"
	}
	return g.arch
}

// parseGoldens reads entries separated by blank lines. Lines starting
// with '#' before the expression are comments.
func parseGoldens(t *testing.T, text string) []golden {
	t.Helper()
	var out []golden
	for n, block := range splitBlocks(text) {
		g := golden{line: block.line}
		lines := block.lines
		for len(lines) > 0 && strings.HasPrefix(lines[0], "#") {
			g.comments = append(g.comments, lines[0])
			lines = lines[1:]
		}
		if len(lines) == 0 {
			if n == 0 {
				// A file header.
				out = append(out, g)
				continue
			}
			t.Fatalf("%s:%d: entry without an expression", goldensFile, block.line)
		}
		g.expr = lines[0]
		if rest, ok := strings.CutPrefix(g.expr, "-a "); ok {
			g.arch, g.expr, _ = strings.Cut(rest, " ")
		}
		g.want = strings.Join(lines[1:], "\n")
		out = append(out, g)
	}
	return out
}

type block struct {
	lines []string
	line  int
}

func splitBlocks(text string) []block {
	var out []block
	var cur *block
	for i, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, block{line: i + 1})
			cur = &out[len(out)-1]
		}
		cur.lines = append(cur.lines, l)
	}
	return out
}

func formatGoldens(gs []golden) string {
	var b strings.Builder
	for i, g := range gs {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, c := range g.comments {
			b.WriteString(c + "\n")
		}
		if g.expr == "" {
			continue
		}
		if g.arch != "" {
			b.WriteString("-a " + g.arch + " ")
		}
		b.WriteString(g.expr + "\n")
		if g.want != "" {
			b.WriteString(g.want + "\n")
		}
	}
	return b.String()
}

// TestGoldens compiles every expression of testdata/goldens.txt against
// the bundled Debian 6.1 kernel (BTF, kallsyms, blacklist,
// available_filter_functions) and compares with the expected -S output.
// Regenerate with `go test ./internal/compile/ -run TestGoldens -update`
// and review the diff; TestGoldenOffsetsMatchPahole checks the offsets.
func TestGoldens(t *testing.T) {
	testkernel.Need(t)
	raw, err := os.ReadFile(goldensFile)
	if err != nil {
		t.Fatal(err)
	}
	gs := parseGoldens(t, string(raw))
	if len(gs) < 30 {
		t.Fatalf("%s has %d entries; expected the full table", goldensFile, len(gs))
	}
	for i := range gs {
		g := &gs[i]
		if g.expr == "" {
			continue
		}
		arch, err := LookupArch(g.archName())
		if err != nil {
			t.Fatalf("%s:%d: %v", goldensFile, g.line, err)
		}
		got := show(g.expr, kernelConfig(t, arch))
		if *update {
			g.want = got
			continue
		}
		if got != g.want {
			t.Errorf("%s:%d: -a %s %s\n got:\n%s\nwant:\n%s", goldensFile, g.line, g.archName(), g.expr, got, g.want)
		}
	}
	if *update {
		if err := os.WriteFile(goldensFile, []byte(formatGoldens(gs)), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s (%d entries)", filepath.Base(goldensFile), len(gs))
	}
}

// TestGoldensFileRoundTrips keeps the golden file's format stable: parsing
// and printing it gives the same bytes, so -update only changes outputs.
func TestGoldensFileRoundTrips(t *testing.T) {
	raw, err := os.ReadFile(goldensFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := formatGoldens(parseGoldens(t, string(raw))); got != string(raw) {
		t.Errorf("%s does not round-trip through parse/format; run the goldens with -update to normalise it", goldensFile)
	}
}
