package trace

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/wildcard"
)

// inputs are the expressions of a command line, each with where it came
// from: an argument ("") or FILE:LINE of a -f file, and, once expanded,
// the wildcard match it stands for.
type inputs struct {
	src     []string
	origins []string
	matches []wildcard.Match
}

// readExprs gathers expressions from the arguments and -f files.
func readExprs(args, files []string) (*inputs, error) {
	in := &inputs{src: append([]string(nil), args...), origins: make([]string, len(args))}
	for _, path := range files {
		if err := in.readFile(path); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func (in *inputs) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: read expressions: %v", kernel.ErrUsage, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		in.src = append(in.src, line)
		in.origins = append(in.origins, fmt.Sprintf("%s:%d", path, n))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// expand replaces each expression whose probe point has glob characters
// by one expression per match; each keeps the origin of its pattern.
func (in *inputs) expand(x *Expander, max int) error {
	var src, origins []string
	var matches []wildcard.Match
	for i, s := range in.src {
		ms, err := x.Expand(s, max)
		if err != nil {
			return in.at(i, err)
		}
		for _, m := range ms {
			src = append(src, m.Src)
			origins = append(origins, in.origins[i])
			matches = append(matches, m)
		}
	}
	in.src, in.origins, in.matches = src, origins, matches
	return nil
}

// at marks err with the FILE:LINE expression i came from, if it came
// from a file.
func (in *inputs) at(i int, err error) error {
	if err == nil || i >= len(in.origins) || in.origins[i] == "" {
		return err
	}
	return &SourcedError{where: in.origins[i], err: err}
}

// bySource marks an expression error that carries no index (the kernel
// refused a probe, say) with the FILE:LINE of the expression it shows.
func (in *inputs) bySource(err error) error {
	var ee *expr.Error
	var se *SourcedError
	if err == nil || !errors.As(err, &ee) || errors.As(err, &se) {
		return err
	}
	for i, s := range in.src {
		if s == ee.Src {
			return in.at(i, err)
		}
	}
	return err
}

// SourcedError is an error in an expression read from a -f file.
type SourcedError struct {
	where string
	err   error
}

// Where is the FILE:LINE the expression was read from.
func (e *SourcedError) Where() string { return e.where }

// Error is FILE:LINE: and the error in the expression.
func (e *SourcedError) Error() string { return e.where + ": " + e.err.Error() }

// Unwrap is the error in the expression, an *expr.Error with its caret.
func (e *SourcedError) Unwrap() error { return e.err }
