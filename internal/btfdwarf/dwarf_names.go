package btfdwarf

import (
	"debug/dwarf"
	"fmt"
	"strings"
)

// lookup returns the unit's top-level definitions named key ("struct
// X", "union X", "enum X", "func X", or a typedef or base type name).
func (c *cuData) lookup(key string) ([]dwarf.Offset, error) {
	if c.names == nil {
		if err := c.index(); err != nil {
			return nil, err
		}
	}
	return c.names[key], nil
}

// index reads the unit's top-level entries (their children skipped).
func (c *cuData) index() error {
	c.names = map[string][]dwarf.Offset{}
	r := c.d.Reader()
	w := walkOf(c)
	for {
		e, err := w.next(r)
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		if e.Tag == dwarf.TagCompileUnit || e.Tag == dwarf.TagPartialUnit || e.Tag == 0 {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		decl, _ := e.Val(dwarf.AttrDeclaration).(bool)
		key := ""
		switch e.Tag {
		case dwarf.TagSubprogram:
			key = "func " + name
		case dwarf.TagStructType, dwarf.TagClassType:
			key = "struct " + name
		case dwarf.TagUnionType:
			key = "union " + name
		case dwarf.TagEnumerationType:
			key = "enum " + name
		case dwarf.TagTypedef, dwarf.TagBaseType:
			key = name
		}
		switch {
		case name == "" || key == "":
		case !decl:
			c.names[key] = append(c.names[key], e.Offset)
		case e.Tag == dwarf.TagSubprogram:
			c.names["decl "+key] = append(c.names["decl "+key], e.Offset)
		}
		if e.Children {
			r.SkipChildren()
		}
	}
}

// lazyTypeByName finds a type by name: in unit from first (the
// function's, or the one that declared it), then in the other opened
// units, then in all.
func (d *DWARF) lazyTypeByName(name string, from *cuData) (*Type, error) {
	key := typeKey(name, from)
	if off, ok := d.lazy.cache.get(key); ok {
		if c, rel, ok := d.cachedUnit(off); ok {
			if t, err := d.typeAt(c, rel); err == nil {
				return t, nil
			}
		}
	}
	t, c, off, err := d.findType(name, from)
	if err != nil {
		return nil, err
	}
	d.lazy.cache.put(key, c.span.start+uint64(off))
	return t, nil
}

// findType searches a type by name: in unit from first, then in the
// other opened units, then in the units that mention the name.
func (d *DWARF) findType(name string, from *cuData) (*Type, *cuData, dwarf.Offset, error) {
	l := d.lazy
	keys := []string{name}
	if !strings.HasPrefix(name, "struct ") && !strings.HasPrefix(name, "union ") && !strings.HasPrefix(name, "enum ") {
		keys = append(keys, "struct "+name)
	}
	var foundC *cuData
	var foundOff dwarf.Offset
	try := func(c *cuData) (*Type, bool, error) {
		if c == nil {
			return nil, false, nil
		}
		for _, k := range keys {
			offs, err := c.lookup(k)
			if err != nil {
				return nil, false, err
			}
			for _, off := range offs {
				t, err := d.typeAt(c, off)
				if err != nil {
					return nil, false, err
				}
				// A struct with members beats an empty one.
				if !t.IsComposite() || t.Size > 0 || len(offs) == 1 {
					foundC, foundOff = c, off
					return t, true, nil
				}
			}
		}
		return nil, false, nil
	}
	if t, ok, err := try(from); ok || err != nil {
		return t, foundC, foundOff, err
	}
	for i := range l.units {
		if c := l.cus[i]; c != nil && c != from {
			if t, ok, err := try(c); ok || err != nil {
				return t, foundC, foundOff, err
			}
		}
	}
	bare := name
	for _, p := range []string{"struct ", "union ", "enum "} {
		bare = strings.TrimPrefix(bare, p)
	}
	var found *Type
	err := d.unitsNaming(bare, func(i int) (bool, error) {
		if _, opened := l.cus[i]; opened {
			return false, nil // tried above
		}
		c, err := d.unit(i)
		if err != nil {
			return false, err
		}
		t, ok, err := try(c)
		found = t
		return ok, err
	})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("type %q in %s: %w", name, d.Describe(), err)
	}
	if found == nil {
		return nil, nil, 0, fmt.Errorf("type %q in %s: %w", name, d.Describe(), ErrNotFound)
	}
	return found, foundC, foundOff, nil
}
