package ftrace

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseFormat feeds arbitrary text to the event format parser: format
// files of out-of-tree modules and future kernels are not ours to trust,
// and a malformed one must give an error, never a panic or a field the
// input does not declare.
func FuzzParseFormat(f *testing.F) {
	f.Add([]byte("name: x\nID: 1\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;\n"))
	f.Add([]byte("\tfield:__data_loc char[] s;\toffset:8;\tsize:4;\tsigned:0;\n\n\tfield:u8 b[];\toffset:12;\tsize:0;\n"))
	f.Add([]byte("field:char comm[16] ;offset:-1;size:99999999999999999999;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := ParseFormat(bytes.NewReader(data))
		if err != nil {
			if format != nil {
				t.Fatalf("error %v with a format", err)
			}
			return
		}
		if len(format.Fields) == 0 {
			t.Fatal("a format without fields parsed")
		}
		// One field per "field:" line at most.
		if n := bytes.Count(data, []byte("field:")); len(format.Fields) > n {
			t.Fatalf("%d fields from %d field: lines", len(format.Fields), n)
		}
		for _, fl := range format.Fields {
			if fl.Name == "" || !isIdent(fl.Name) {
				t.Fatalf("field name %q is not an identifier", fl.Name)
			}
			if !bytes.Contains(data, []byte(fl.Name)) {
				t.Fatalf("field name %q is not in the input", fl.Name)
			}
			if fl.Common && !strings.HasPrefix(fl.Name, "common_") {
				t.Fatalf("field %q marked common", fl.Name)
			}
			fl.DataLoc()
			if got, ok := format.Field(fl.Name); !ok || got.Name != fl.Name {
				t.Fatalf("Field(%q) = %+v, %v", fl.Name, got, ok)
			}
		}
	})
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}
