package discover

import (
	"fmt"
	"sort"
	"strings"

	"github.com/surftrace/surftrace/internal/uobj"
)

// Closest returns up to n of names nearest to name: names holding it (or
// held by it) first, shortest first, then those within a typo's edit
// distance. It is the "did you mean" of every discovery error.
func Closest(name string, names []string, n int) []string {
	var sub []string
	seen := map[string]bool{name: true}
	for _, c := range names {
		if !seen[c] && len(name) >= 3 && strings.Contains(c, name) {
			seen[c] = true
			sub = append(sub, c)
		}
	}
	sort.Slice(sub, func(i, j int) bool {
		if len(sub[i]) != len(sub[j]) {
			return len(sub[i]) < len(sub[j])
		}
		return sub[i] < sub[j]
	})
	if len(sub) > n {
		sub = sub[:n]
	}
	for _, c := range uobj.Closest(name, names, n) {
		if len(sub) == n {
			break
		}
		if !seen[c] {
			seen[c] = true
			sub = append(sub, c)
		}
	}
	return sub
}

// didYouMean formats suggestions as a sentence tail: "; did you mean a, b?".
func didYouMean(c []string) string {
	if len(c) == 0 {
		return ""
	}
	return "; did you mean " + strings.Join(c, ", ") + "?"
}

// msgError is an error with its own message that still wraps a sentinel
// (or the compiler's), so that messages read as sentences without the
// sentinel's text tacked on.
type msgError struct {
	msg string
	err error
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.err }

// errorf formats a message wrapping sentinel.
func errorf(sentinel error, format string, args ...any) error {
	return &msgError{msg: fmt.Sprintf(format, args...), err: sentinel}
}
