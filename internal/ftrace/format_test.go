package ftrace

import (
	"errors"
	"os"
	"testing"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		file   string
		name   string
		id     int
		fields int
		check  map[string]Field
	}{
		{
			file: "testdata/format_sched_process_exec.txt", name: "sched_process_exec", id: 365, fields: 7,
			check: map[string]Field{
				"common_pid": {Name: "common_pid", Type: "int", Offset: 4, Size: 4, Signed: true, Common: true},
				"filename":   {Name: "filename", Type: "__data_loc char[]", Offset: 8, Size: 4},
				"old_pid":    {Name: "old_pid", Type: "pid_t", Offset: 16, Size: 4, Signed: true},
			},
		},
		{
			file: "testdata/format_sched_switch.txt", name: "sched_switch", id: 372, fields: 11,
			check: map[string]Field{
				"prev_comm":  {Name: "prev_comm", Type: "char[16]", Offset: 8, Size: 16},
				"prev_state": {Name: "prev_state", Type: "long", Offset: 32, Size: 8, Signed: true},
			},
		},
		{
			file: "testdata/format_uprobe_p0.txt", name: "p0", id: 2326, fields: 12,
			check: map[string]Field{
				"__probe_ip": {Name: "__probe_ip", Type: "unsigned long", Offset: 8, Size: 8},
				"a":          {Name: "a", Type: "s32", Offset: 16, Size: 4, Signed: true},
				"arr":        {Name: "arr", Type: "u8[]", Offset: 32, Size: 3},
				"s":          {Name: "s", Type: "__data_loc char[]", Offset: 28, Size: 4, Signed: true},
			},
		},
	}
	for _, tt := range tests {
		f, err := os.Open(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		format, err := ParseFormat(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if format.Name != tt.name || format.ID != tt.id || len(format.Fields) != tt.fields || format.PrintFmt == "" {
			t.Errorf("%s: name %q id %d %d fields, print fmt %q", tt.file, format.Name, format.ID, len(format.Fields), format.PrintFmt)
		}
		for name, want := range tt.check {
			if got, ok := format.Field(name); !ok || got != want {
				t.Errorf("%s: field %s = %+v, want %+v", tt.file, name, got, want)
			}
		}
	}
}

func TestSplitDecl(t *testing.T) {
	tests := []struct{ decl, name, typ string }{
		{"unsigned short common_type", "common_type", "unsigned short"},
		{"char comm[16]", "comm", "char[16]"},
		{"__data_loc char[] filename", "filename", "__data_loc char[]"},
		{"const char * name", "name", "const char *"},
		{"void *ptr", "ptr", "void *"},
		{"u8 arr[]", "arr", "u8[]"},
	}
	for _, tt := range tests {
		if name, typ := splitDecl(tt.decl); name != tt.name || typ != tt.typ {
			t.Errorf("splitDecl(%q) = %q, %q; want %q, %q", tt.decl, name, typ, tt.name, tt.typ)
		}
	}
}

func TestReadFormatReal(t *testing.T) {
	fs := realFS(t, false)
	format, err := ReadFormat(fs, "sched", "sched_switch")
	if err != nil {
		t.Skipf("no sched_switch: %v", err)
	}
	if f, ok := format.Field("next_pid"); !ok || f.Size != 4 || !f.Signed {
		t.Errorf("next_pid = %+v %v", f, ok)
	}
	if _, err := ReadFormat(fs, "sched", "no_such_event"); !errors.Is(err, ErrNoEvent) {
		t.Errorf("missing event: %v", err)
	}
}
