package btfdwarf

import (
	"errors"

	"github.com/surftrace/surftrace/internal/uobj"
)

// UserTypes opens a user object's DWARF (its own or its debug file);
// why says what is missing, in the user's words, when there is none.
func UserTypes(o *uobj.Object) (src Source, why string, err error) {
	p, err := o.DebugFile()
	if errors.Is(err, uobj.ErrNoDebugInfo) {
		return nil, "no debug info (build with -g, or install its -dbgsym package)", nil
	}
	if err != nil {
		return nil, "", err
	}
	d, err := LoadDWARF(p, 0)
	if err != nil {
		return nil, "", err
	}
	return d, "", nil
}
