package compile

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/ksyms"
	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/testkernel"
)

// The bundled BTF, loaded once per pointer size: gunzipping it costs
// ~110 ms. -a x86 needs 4-byte pointers, the others 8.
var (
	btf8 = sync.OnceValues(func() (*btfdwarf.BTF, error) { return loadKernelBTF(8) })
	btf4 = sync.OnceValues(func() (*btfdwarf.BTF, error) { return loadKernelBTF(4) })
)

func loadKernelBTF(ptrSize int) (*btfdwarf.BTF, error) {
	d := testkernel.Dir()
	if d == "" {
		return nil, errors.New("no test kernel")
	}
	return btfdwarf.LoadBTF(filepath.Join(d, "vmlinux.btf.gz"), ptrSize)
}

// kernelBTF returns the bundled BTF for arch or skips.
func kernelBTF(tb testing.TB, arch *Arch) *btfdwarf.BTF {
	tb.Helper()
	testkernel.Need(tb)
	load := btf8
	if arch.PtrSize == 4 {
		load = btf4
	}
	b, err := load()
	if err != nil {
		tb.Fatalf("load bundled BTF: %v", err)
	}
	return b
}

// testKernel is the symbol side of the bundled kernel, wired the way
// `surftrace -S --kallsyms kallsyms.gz` wires it (eager checks, the
// blacklist, available_filter_functions and config beside it).
var testKernel = sync.OnceValue(func() *Kernel {
	d := testkernel.Dir()
	return &Kernel{Src: symFuncs{
		kallsyms: func() (*ksyms.Table, error) { return parseGz(filepath.Join(d, "kallsyms.gz"), ksyms.Parse) },
		blacklist: func() (*ksyms.Blacklist, error) {
			return parseGz(filepath.Join(d, "kprobes-blacklist.gz"), ksyms.ParseBlacklist)
		},
		traceable: func() (map[string]bool, error) {
			return readNames(filepath.Join(d, "available_filter_functions.gz"))
		},
		notraceOK: func() bool { return configSets(filepath.Join(d, "config"), "CONFIG_KPROBE_EVENTS_ON_NOTRACE") },
	}, Eager: true}
})

func readNames(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		r = zr
	}
	names := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) > 0 {
			names[f[0]] = true
		}
	}
	return names, sc.Err()
}

func configSets(path, opt string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains("\n"+string(b), "\n"+opt+"=y\n")
}

// fakeUser resolves the original's user probe examples without touching the
// file system: tuprobe:func with a hand-made prototype, bash:readline
// without debug info.
type fakeUser struct{}

func (fakeUser) ResolveUser(obj, fn string, off uint64, hasOff bool) (*UserTarget, error) {
	switch obj + ":" + fn {
	case "tuprobe:func":
		i32 := &btfdwarf.Type{Kind: btfdwarf.Int, Name: "int", Size: 4, Signed: true}
		u32 := &btfdwarf.Type{Kind: btfdwarf.Int, Name: "unsigned int", Size: 4}
		st := &btfdwarf.Type{Kind: btfdwarf.Struct, Name: "struct tu", Size: 8, Members: []btfdwarf.Member{
			{Name: "a", Type: i32}, {Name: "b", Type: i32, BitOffset: 32},
		}}
		proto := &btfdwarf.Type{Kind: btfdwarf.FuncProto, Ret: i32, Params: []btfdwarf.Param{
			{Name: "v", Type: u32}, {Name: "t", Type: btfdwarf.NewPointer(st, 8)},
		}}
		return &UserTarget{Path: "/path/tuprobe", Offset: 0x5bd + off, Func: &btfdwarf.Func{Name: "func", Proto: proto}}, nil
	case "bash:readline":
		return &UserTarget{Path: "/usr/bin/bash", Offset: 0x8a870 + off}, nil
	case "sbits:func":
		// struct sb { int s:3; unsigned int u:5; }
		i32 := &btfdwarf.Type{Kind: btfdwarf.Int, Name: "int", Size: 4, Signed: true}
		u32 := &btfdwarf.Type{Kind: btfdwarf.Int, Name: "unsigned int", Size: 4}
		st := &btfdwarf.Type{Kind: btfdwarf.Struct, Name: "struct sb", Size: 4, Members: []btfdwarf.Member{
			{Name: "s", Type: i32, BitSize: 3}, {Name: "u", Type: u32, BitOffset: 3, BitSize: 5},
		}}
		proto := &btfdwarf.Type{Kind: btfdwarf.FuncProto, Params: []btfdwarf.Param{{Name: "p", Type: btfdwarf.NewPointer(st, 8)}}}
		return &UserTarget{Path: "/path/sbits", Offset: 0x10, Func: &btfdwarf.Func{Name: "func", Proto: proto}}, nil
	case "spacey:func":
		return &UserTarget{Path: "/tmp/a b/spacey", Offset: 0x10}, nil
	}
	return nil, errors.New("no such object in the fake resolver")
}

// kernelConfig is the Config `surftrace -S --btf … --kallsyms …` uses for
// the bundled kernel on arch.
func kernelConfig(tb testing.TB, arch *Arch) *Config {
	tb.Helper()
	return &Config{Arch: arch, Types: kernelBTF(tb, arch), Kernel: testKernel(), User: fakeUser{}}
}

// show parses and compiles one expression and prints what `surftrace -S`
// would: the definition line and the filter line, or the error as users
// see it (every line prefixed "error: ").
func show(src string, cfg *Config) string {
	d, err := parseCompile(src, cfg)
	if err != nil {
		var ee *expr.Error
		text := err.Error()
		if errors.As(err, &ee) {
			text = ee.Pretty()
		}
		return "error: " + strings.ReplaceAll(text, "\n", "\nerror: ")
	}
	return showDef(d)
}

func parseCompile(src string, cfg *Config) (*probe.Def, error) {
	e, err := expr.Parse(src)
	if err != nil {
		return nil, err
	}
	return Compile(e, 0, cfg)
}

func showDef(d *probe.Def) string {
	var out []string
	if d.Kind == probe.Event {
		out = append(out, "e:"+d.Target)
	} else {
		out = append(out, d.Line("surftrace"))
	}
	if d.Filter != "" {
		out = append(out, d.Name+" filter: "+d.Filter)
	}
	return strings.Join(out, "\n")
}
