// Package expect checks a scenario's output against a .want file of line
// patterns. Pids, timestamps and addresses change from run to run, so a
// .want file holds regular expressions (Go syntax, unanchored unless they
// say ^ or $), one check per line:
//
//	line REGEX           a line matches, at or after the previous "line"
//	                     check's line (two checks may match one line: an
//	                     error message's parts in whichever order)
//	every REGEX          every tool line matches, and there is at least one
//	none REGEX           no line matches
//	count N REGEX        exactly N lines match
//	atleast N REGEX      N or more lines match
//	section TITLE        the checks that follow look only at the output
//	                     section headed "# == TITLE"
//
// Blank lines and lines starting with # are comments. In the output, lines
// starting with "# " are the scenario script's own notes (exit statuses,
// checks it computed); "every" looks only at the others, the tool's lines.
// A note "# == TITLE" starts a section, running to the next such heading;
// checks before the first "section" look at the whole output.
package expect

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// ErrSyntax says a .want file has a line that is not a check.
var ErrSyntax = errors.New("bad check")

// Kind is a check's keyword.
type Kind string

// The kinds of check.
const (
	Line    Kind = "line"
	Every   Kind = "every"
	None    Kind = "none"
	Count   Kind = "count"
	AtLeast Kind = "atleast"
	Section Kind = "section"
)

// HeadingPrefix starts an output line that opens a section.
const HeadingPrefix = "# == "

// Check is one line of a .want file.
type Check struct {
	Kind Kind
	N    int // for Count and AtLeast
	Re   *regexp.Regexp
	// Title is a Section's heading text.
	Title string
	Src   string // the .want line as written
	Pos   int    // its line number
}

// Want is a parsed .want file.
type Want struct {
	File   string
	Checks []Check
}

// Load reads and parses a .want file.
func Load(path string) (*Want, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load expectations: %w", err)
	}
	w, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	w.File = path
	return w, nil
}

// Parse parses the text of a .want file; errors wrap ErrSyntax.
func Parse(data []byte) (*Want, error) {
	w := &Want{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		src := strings.TrimRight(sc.Text(), "\r")
		t := strings.TrimSpace(src)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		c, err := parseCheck(t)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		c.Src, c.Pos = t, n
		w.Checks = append(w.Checks, c)
	}
	return w, sc.Err()
}

func parseCheck(t string) (Check, error) {
	kw, rest, _ := strings.Cut(t, " ")
	c := Check{Kind: Kind(kw)}
	switch c.Kind {
	case Section:
		if rest == "" {
			return c, fmt.Errorf("%w: section needs a title", ErrSyntax)
		}
		c.Title = rest
		return c, nil
	case Line, Every, None:
	case Count, AtLeast:
		num, re, ok := strings.Cut(rest, " ")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 {
			return c, fmt.Errorf("%w: %s needs a count and a pattern: %q", ErrSyntax, kw, t)
		}
		c.N, rest = n, re
	default:
		return c, fmt.Errorf("%w: unknown keyword %q (line, every, none, count, atleast, section)", ErrSyntax, kw)
	}
	if rest == "" {
		return c, fmt.Errorf("%w: %s needs a pattern", ErrSyntax, kw)
	}
	re, err := regexp.Compile(rest)
	if err != nil {
		return c, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	c.Re = re
	return c, nil
}

// IsNote reports whether an output line is the script's own note.
func IsNote(line string) bool { return strings.HasPrefix(line, "# ") || line == "#" }
