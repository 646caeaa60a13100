package uobj

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/memfile"
)

// FuzzOpenObject feeds arbitrary bytes as a user object (`P OBJ:FUNC`
// opens whatever file the user names): a damaged or hostile ELF must give
// an error, or functions whose code reads stay inside the file, never a
// panic or an allocation larger than the file. Each input is opened the
// way Open does after resolving the name, from a memory file: creating
// and removing a disk file per input would make the run disk-bound.
func FuzzOpenObject(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	dir := f.TempDir() // the object's directory, where debuglink files are looked for
	saved := debugRoot
	debugRoot = f.TempDir() // separate debug files are looked up here, not on the host
	f.Cleanup(func() { debugRoot = saved })
	f.Fuzz(func(t *testing.T, data []byte) {
		file := memfile.New(t, data)
		ef, err := elf.NewFile(file)
		if err != nil {
			return
		}
		o := &Object{Path: filepath.Join(dir, "obj"), f: ef, file: file}
		if err := o.loadFuncs(); err != nil {
			return
		}
		defer o.Close()
		o.Machine()
		for _, fn := range o.Funcs() {
			if fn.Name == "" && fn.Version == "" {
				continue
			}
			code, err := o.Code(fn)
			if err == nil {
				if uint64(len(code)) != fn.Size || fn.Offset > uint64(len(data)) || fn.Size > uint64(len(data))-fn.Offset {
					t.Fatalf("%s: %d bytes of code for size %d at %#x in a %d-byte file", fn.Name, len(code), fn.Size, fn.Offset, len(data))
				}
				if !bytes.Equal(code, data[fn.Offset:fn.Offset+fn.Size]) {
					t.Fatalf("%s: code is not the file's bytes at %#x", fn.Name, fn.Offset)
				}
			}
			if got, off, ok := o.Containing(fn.Addr); ok && (off != 0 || got.Addr != fn.Addr) {
				t.Fatalf("Containing(%#x) = %s+%d", fn.Addr, got.Name, off)
			}
			o.Func(fn.Name)
			o.FuncAt(fn.Name, fn.Size/2)
		}
		o.Func("surf_target")
		o.Containing(0x400110)
		buildID(o.ELF())
		name, _, ok := debugLink(o.ELF())
		if ok && strings.ContainsRune(name, '/') {
			// A debuglink name with a slash can lead out of the test's
			// directories to any host file, including ones whose read
			// never ends; the lookup is checked with plain names only.
			return
		}
		o.DebugFile()
	})
}

// FuzzFindNote walks arbitrary note bytes: a note's sizes come from the
// file and must never lead the walk outside the section.
func FuzzFindNote(f *testing.F) {
	f.Add([]byte("\x04\x00\x00\x00\x14\x00\x00\x00\x03\x00\x00\x00GNU\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14"), true)
	f.Add([]byte("\x00\x00\x00\x04\xff\xff\xff\xff\x00\x00\x00\x03GNU\x00"), false)
	f.Fuzz(func(t *testing.T, b []byte, little bool) {
		var bo binary.ByteOrder = binary.BigEndian
		if little {
			bo = binary.LittleEndian
		}
		desc := findNote(bo, b, "GNU", 3)
		if desc == nil {
			return
		}
		if len(b) < 12 || len(desc) > len(b)-12 {
			t.Fatalf("%d-byte description from %d bytes of notes", len(desc), len(b))
		}
		if !bytes.Contains(b, desc) {
			t.Fatalf("description % x is not in the notes", desc)
		}
	})
}
