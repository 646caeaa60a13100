package trace

import (
	"errors"
	"io"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/compile"
	"github.com/surftrace/surftrace/internal/disasm"
	"github.com/surftrace/surftrace/internal/kernel"
	"github.com/surftrace/surftrace/internal/uobj"
)

// userResolver finds P/R targets with internal/uobj and their types in
// the object's DWARF (or its separate debug file), caching per object.
type userResolver struct {
	arch  *compile.Arch
	types map[string]btfdwarf.Source
	notes io.Writer // where a slow DWARF load is announced; nil: nowhere
}

func newUserResolver(arch *compile.Arch, notes io.Writer) compile.UserResolver {
	return &userResolver{arch: arch, types: map[string]btfdwarf.Source{}, notes: notes}
}

// ResolveUser implements compile.UserResolver.
func (r *userResolver) ResolveUser(obj, fn string, off uint64, hasOff bool) (*compile.UserTarget, error) {
	o, err := uobj.Open(obj)
	if err != nil {
		return nil, err
	}
	defer o.Close()
	f, at, err := o.FuncAt(fn, off)
	if err != nil {
		return nil, err
	}
	if hasOff && off != 0 {
		if err := disasm.CheckUserOffset(o, f, off); errors.Is(err, disasm.ErrNotBoundary) {
			return nil, err
		}
	}
	ut := &compile.UserTarget{Path: o.Path, Offset: at}
	src, ok := r.types[o.Path]
	if !ok {
		if dbg, err := o.DebugFile(); err == nil {
			done := kernel.SlowNote(r.notes, "the types of "+o.Path+" from the DWARF of "+dbg)
			if d, err := btfdwarf.LoadDWARF(dbg, r.arch.PtrSize); err == nil {
				src = d
			}
			done()
		}
		r.types[o.Path] = src
	}
	if src != nil {
		ut.Types = src
		f, err := src.Func(fn)
		switch {
		case err == nil:
			ut.Func = f
		case errors.Is(err, btfdwarf.ErrNotFound):
		default:
			return nil, err
		}
	}
	return ut, nil
}
