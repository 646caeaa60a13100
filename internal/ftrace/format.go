package ftrace

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Format is an event's record layout, from its tracefs format file.
type Format struct {
	Name     string
	ID       int
	Fields   []Field
	PrintFmt string // the kernel's "print fmt:" line, after the colon
}

// Field is one field of an event record:
//
//	field:__data_loc char[] filename;	offset:8;	size:4;	signed:0;
type Field struct {
	Name string
	// Type is the C type without the name, array bounds kept:
	// "unsigned short", "char[16]", "u8[]", "__data_loc char[]".
	Type   string
	Offset int
	Size   int
	Signed bool
	// Common marks the header fields every event has (common_pid, …).
	Common bool
}

// DataLoc reports a variable-length field (a string a probe fetched): the
// record holds its offset and length, not the bytes.
func (f Field) DataLoc() bool {
	return strings.HasPrefix(f.Type, "__data_loc ") || strings.HasPrefix(f.Type, "__rel_loc ")
}

// Field returns the field of that name.
func (f *Format) Field(name string) (Field, bool) {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl, true
		}
	}
	return Field{}, false
}

// ReadFormat reads events/SYSTEM/EVENT/format. A missing event wraps
// ErrNoEvent.
func ReadFormat(fs *FS, system, event string) (*Format, error) {
	f, err := os.Open(fs.Path("events", system, event, "format"))
	if err != nil {
		if notExist(err) {
			return nil, fmt.Errorf("read format of %s/%s: %w", system, event, ErrNoEvent)
		}
		return nil, fmt.Errorf("read format of %s/%s: %w", system, event, err)
	}
	defer f.Close()
	format, err := ParseFormat(f)
	if err != nil {
		return nil, fmt.Errorf("read format of %s/%s: %w", system, event, err)
	}
	return format, nil
}

// ParseFormat parses the content of a tracefs event format file.
func ParseFormat(r io.Reader) (*Format, error) {
	var format Format
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	common := true // the header fields come first, then a blank line
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			if len(format.Fields) > 0 {
				common = false
			}
		case strings.HasPrefix(line, "name:"):
			format.Name = strings.TrimSpace(strings.TrimPrefix(line, "name:"))
		case strings.HasPrefix(line, "ID:"):
			id, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "ID:")))
			if err != nil {
				return nil, fmt.Errorf("parse event id %q: %w", line, err)
			}
			format.ID = id
		case strings.HasPrefix(line, "field:"):
			fl, err := parseField(line)
			if err != nil {
				return nil, err
			}
			fl.Common = common && strings.HasPrefix(fl.Name, "common_")
			format.Fields = append(format.Fields, fl)
		case strings.HasPrefix(line, "print fmt:"):
			format.PrintFmt = strings.TrimSpace(strings.TrimPrefix(line, "print fmt:"))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read format: %w", err)
	}
	if len(format.Fields) == 0 {
		return nil, fmt.Errorf("format has no fields")
	}
	return &format, nil
}

// parseField parses "field:DECL;\toffset:N;\tsize:N;\tsigned:N;".
func parseField(line string) (Field, error) {
	var fl Field
	for _, part := range strings.Split(line, ";") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "field":
			fl.Name, fl.Type = splitDecl(val)
		case "offset":
			fl.Offset, err = strconv.Atoi(val)
		case "size":
			fl.Size, err = strconv.Atoi(val)
		case "signed":
			fl.Signed = val == "1"
		}
		if err != nil {
			return Field{}, fmt.Errorf("parse field %q: %w", line, err)
		}
	}
	if fl.Name == "" {
		return Field{}, fmt.Errorf("parse field %q: no name", line)
	}
	return fl, nil
}

// splitDecl splits a C declaration "char comm[16]" into its name "comm"
// and type "char[16]".
func splitDecl(decl string) (name, typ string) {
	decl = strings.TrimSpace(decl)
	var bounds string
	if strings.HasSuffix(decl, "]") {
		if i := strings.LastIndexByte(decl, '['); i > 0 {
			decl, bounds = strings.TrimSpace(decl[:i]), decl[i:]
		}
	}
	i := len(decl)
	for i > 0 && isIdentByte(decl[i-1]) {
		i--
	}
	return decl[i:], strings.TrimSpace(decl[:i]) + bounds
}

func isIdentByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
