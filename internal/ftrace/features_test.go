package ftrace

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The host's README (6.18, built without kprobes) lists $arg<N> for
// return probes and the newer types.
func TestParseFeaturesHost(t *testing.T) {
	b, err := os.ReadFile("testdata/README-host-6.18-nokprobes.txt")
	if err != nil {
		t.Fatal(err)
	}
	f := ParseFeatures(b, "README")
	if !f.Known || !f.ArgN || !f.RetArgN || !f.Comm || !f.StackN || !f.Symbol || !f.UserDeref || !f.Imm || !f.Retval {
		t.Errorf("fetch-arg forms missing: %+v", *f)
	}
	for _, typ := range []string{"u8", "s64", "x32", "char", "string", "ustring", "symbol", "symstr", "%pd", "b3@0/8", "x8[16]"} {
		if !f.HasType(typ) {
			t.Errorf("type %s not found", typ)
		}
	}
	for _, typ := range []string{"u128", "x8/16/32/64", "[u]<offset>", "b3"} {
		if f.HasType(typ) {
			t.Errorf("type %s found", typ)
		}
	}
}

// The baseline is 6.1 on x86_64: symstr, but no char and no $arg<N> at return.
func TestBaseline61(t *testing.T) {
	f := Baseline61()
	if f.Known || f.RetArgN || !f.ArgN || f.HasType("char") || !f.HasType("symstr") || !f.HasType("s32") || !f.HasType("b1@0/8") || !f.HasType("u8[4]") {
		t.Errorf("baseline: %+v", *f)
	}
}

// Only the fetch-argument description counts: the same words elsewhere
// (a trigger's help, a return-probe note for another kind) do not.
func TestParseFeaturesScope(t *testing.T) {
	text := "  README\n\t  stacktrace $arg<N> char $comm\n" +
		"\t fetcharg: %<register>, $retval\n" +
		"\t     user return probes support: $retval, $arg<N>\n" +
		"\t     type: u8/16/32/64, string\n" +
		"  set_event\t- char $stack<index>\n"
	f := ParseFeatures([]byte(text), "x")
	if f.ArgN || f.RetArgN || f.Comm || f.StackN || f.HasType("char") || !f.Retval || !f.HasType("u16") || !f.HasType("string") {
		t.Errorf("%+v", *f)
	}
}

func TestLoadFeatures(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadFeatures(dir); err == nil {
		t.Error("no README: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("tracing mini-HOWTO:\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFeatures(dir); err == nil {
		t.Error("README without probe events: no error")
	}
}

func FuzzParseFeatures(f *testing.F) {
	if b, err := os.ReadFile("testdata/README-host-6.18-nokprobes.txt"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("\t type: s8/16/32/64, <type>\\[<array-size>\\], b<bit-width>@<bit-offset>/<container-size>\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := ParseFeatures(b, "fuzz")
		p.HasType(string(b))
	})
}

func readmeFeatures(t *testing.T, name string) *Features {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return ParseFeatures(b, name)
}

// The stock Debian kernels' READMEs: what each adds.
func TestParseFeaturesDebian(t *testing.T) {
	type row struct {
		retArgN, btfArgs, char, symstr, pd bool
	}
	for name, want := range map[string]row{
		"README-5.10.txt":       {},
		"README-6.1.txt":        {symstr: true},
		"README-6.12.txt":       {retArgN: true, btfArgs: true, char: true, symstr: true, pd: true},
		"README-6.12-arm64.txt": {retArgN: true, btfArgs: true, char: true, symstr: true, pd: true},
	} {
		f := readmeFeatures(t, name)
		got := row{f.RetArgN, f.BTFArgs, f.HasType("char"), f.HasType("symstr"), f.HasType("%pd")}
		if got != want {
			t.Errorf("%s: %+v, want %+v", name, got, want)
		}
		// What every one of them has.
		if !f.ArgN || !f.Retval || !f.Comm || !f.StackN || !f.Symbol || !f.UserDeref || !f.Imm ||
			!f.HasType("s32") || !f.HasType("x64") || !f.HasType("ustring") || !f.HasType("symbol") || !f.HasType("b3@0/8") || !f.HasType("u8[6]") {
			t.Errorf("%s: %+v", name, *f)
		}
		// The synthetic-event "stype:" line is not a fetch type list.
		if f.HasType("pid_t") || f.HasType("long") || f.HasType("u8/u16/u32/u64") {
			t.Errorf("%s: synthetic event field types taken as fetch types: %v", name, f.Types)
		}
	}
}

// The baseline is exactly what the Debian 6.1 README lists.
func TestBaselineIs61(t *testing.T) {
	f, b := readmeFeatures(t, "README-6.1.txt"), Baseline61()
	f.Known, f.Source, b.Source = false, "", ""
	if !reflect.DeepEqual(f, b) {
		t.Errorf("README-6.1.txt: %+v\nbaseline:       %+v", *f, *b)
	}
}
