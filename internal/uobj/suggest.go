package uobj

import "github.com/surftrace/surftrace/internal/suggest"

// suggestion formats up to three names closest to name, or "" when none is
// close enough to be a plausible typo.
func suggestion(name string, names []string) string {
	if s := suggest.DidYouMean(suggest.Typos(name, names, 3)); s != "" {
		return "; " + s
	}
	return ""
}
