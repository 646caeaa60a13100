package kernel

import (
	"fmt"
	"io"
	"time"
)

// SlowNote says on w what is being loaded when it takes longer than
// half a second, so a user waiting for types knows why; the returned
// function ends the wait. A nil w says nothing.
func SlowNote(w io.Writer, what string) func() {
	if w == nil {
		return func() {}
	}
	t := time.AfterFunc(500*time.Millisecond, func() {
		fmt.Fprintf(w, "surftrace: loading %s…\n", what)
	})
	return func() { t.Stop() }
}
