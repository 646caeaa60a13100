package btfdwarf

import (
	"bufio"
	"bytes"
	"debug/dwarf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The type cache remembers where in a file's DWARF each name was found
// (the unit and the entry), so that the next run decodes those entries
// directly instead of searching the symbol table, .debug_aranges and the
// units' bytes. It is keyed by the file's build-id, size and
// modification time: a rebuilt or replaced file never reads another's
// answers. One text file per key, replaced atomically (temp + rename).

// cacheMagic starts a cache file; the version changes with the format.
const cacheMagic = "surftrace-dwarf-names 1"

// dwarfCache is the cache of one file.
type dwarfCache struct {
	path  string
	key   string
	locs  map[string]uint64 // "f NAME" or "t NAME@UNIT" → entry offset in .debug_info
	dirty bool
}

// DefaultCacheDir is where types are cached: $SURFTRACE_CACHE/types,
// else $XDG_CACHE_HOME/surftrace/types, else ~/.cache/surftrace/types.
func DefaultCacheDir() string {
	if d := os.Getenv("SURFTRACE_CACHE"); d != "" {
		return filepath.Join(d, "types")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "surftrace", "types")
	}
	return ""
}

// UseCache makes d read and extend the name cache in dir. A file without
// a build-id is not cached. Errors reading a damaged cache are ignored
// (the cache is rebuilt); errors writing it are ignored too, since a
// cache that cannot be written only costs time.
func (d *DWARF) UseCache(dir string) {
	if d.lazy == nil || d.lazy.fh == nil || dir == "" {
		return
	}
	id := d.buildID()
	if id == "" {
		return
	}
	st, err := d.lazy.fh.Stat()
	if err != nil {
		return
	}
	key := fmt.Sprintf("%s %d %d", id, st.Size(), st.ModTime().UnixNano())
	c := &dwarfCache{
		path: filepath.Join(dir, fmt.Sprintf("%s-%d-%d", id, st.Size(), st.ModTime().UnixNano())),
		key:  key,
		locs: map[string]uint64{},
	}
	if data, err := os.ReadFile(c.path); err == nil {
		c.parse(data)
	}
	d.lazy.cache = c
}

// buildID reads the GNU build-id note.
func (d *DWARF) buildID() string {
	for _, name := range []string{".note.gnu.build-id", ".notes"} {
		s := d.file.Section(name)
		if s == nil {
			continue
		}
		data, err := s.Data()
		if err != nil {
			continue
		}
		if id := noteBuildID(data, d.lazy.sec.order); id != "" {
			return id
		}
	}
	return ""
}

// NoteBuildID returns the hex build-id in an ELF notes blob (such as
// /sys/module/MODULE/notes/.note.gnu.build-id), "" when there is none.
func NoteBuildID(data []byte) string {
	return noteBuildID(data, binary.LittleEndian)
}

// noteBuildID finds NT_GNU_BUILD_ID in a notes section.
func noteBuildID(data []byte, bo interface{ Uint32([]byte) uint32 }) string {
	for p := 0; p+12 <= len(data); {
		nsz, dsz, typ := int(bo.Uint32(data[p:])), int(bo.Uint32(data[p+4:])), bo.Uint32(data[p+8:])
		name := p + 12
		desc := name + (nsz+3)&^3
		next := desc + (dsz+3)&^3
		if nsz < 0 || dsz < 0 || next > len(data) || next <= p {
			return ""
		}
		if typ == 3 && nsz == 4 && string(data[name:name+3]) == "GNU" {
			return hex.EncodeToString(data[desc : desc+dsz])
		}
		p = next
	}
	return ""
}

// parse reads a cache file; a file of another key or format is ignored.
func (c *dwarfCache) parse(data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	if !sc.Scan() || sc.Text() != cacheMagic+" "+c.key {
		return
	}
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return
		}
		off, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return
		}
		c.locs[k] = off
	}
}

// get looks a location up; a nil cache has none.
func (c *dwarfCache) get(key string) (uint64, bool) {
	if c == nil {
		return 0, false
	}
	off, ok := c.locs[key]
	return off, ok
}

// put records a location; the file is rewritten when the run's lookups
// are saved (save).
func (c *dwarfCache) put(key string, off uint64) {
	if c == nil {
		return
	}
	if old, ok := c.locs[key]; ok && old == off {
		return
	}
	c.locs[key] = off
	c.dirty = true
	c.save()
}

// save writes the cache atomically: a temp file in the same directory,
// renamed over the old one.
func (c *dwarfCache) save() {
	if c == nil || !c.dirty {
		return
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	var b bytes.Buffer
	b.WriteString(cacheMagic + " " + c.key + "\n")
	for k, v := range c.locs {
		fmt.Fprintf(&b, "%s\t%d\n", k, v)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b.Bytes())
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), c.path) != nil {
		os.Remove(tmp.Name())
		return
	}
	c.dirty = false
}

// cachedUnit opens the unit holding the absolute offset off and returns
// the entry's offset within it.
func (d *DWARF) cachedUnit(off uint64) (*cuData, dwarf.Offset, bool) {
	i, ok := unitAt(d.lazy.units, off)
	if !ok {
		return nil, 0, false
	}
	c, err := d.unit(i)
	if err != nil {
		return nil, 0, false
	}
	return c, dwarf.Offset(off - c.span.start), true
}

// typeKey names a type lookup from a unit in the cache.
func typeKey(name string, from *cuData) string {
	if from == nil {
		return "t " + name
	}
	return fmt.Sprintf("t %s@%d", name, from.span.start)
}
