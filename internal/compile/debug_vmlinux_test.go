package compile

import (
	"os"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
)

// debugVmlinux opens the test kernel's debug vmlinux (package
// linux-image-6.1.0-56-amd64-dbg, /usr/lib/debug/boot/vmlinux-6.1.0-56-amd64,
// 630 MB) named by $SURFTRACE_DEBUG_VMLINUX; the test is skipped without
// it. scripts/bench.sh says how to fetch it.
func debugVmlinux(tb testing.TB) *btfdwarf.DWARF {
	tb.Helper()
	path := os.Getenv("SURFTRACE_DEBUG_VMLINUX")
	if path == "" {
		tb.Skip("set SURFTRACE_DEBUG_VMLINUX to the test kernel's debug vmlinux (linux-image-6.1.0-56-amd64-dbg) to compare DWARF with BTF")
	}
	d, err := btfdwarf.LoadDWARF(path, 8)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// TestGoldensDWARFMatchBTF compiles every golden with the types of the
// debug vmlinux's DWARF and with the BTF: both must print the same,
// except where a message names its type source.
func TestGoldensDWARFMatchBTF(t *testing.T) {
	d := debugVmlinux(t)
	raw, err := os.ReadFile(goldensFile)
	if err != nil {
		t.Fatal(err)
	}
	compared, named := 0, 0
	for _, g := range parseGoldens(t, string(raw)) {
		if g.expr == "" {
			continue
		}
		arch, err := LookupArch(g.archName())
		if err != nil {
			t.Fatal(err)
		}
		if arch.PtrSize != 8 {
			continue // the debug vmlinux is x86_64's
		}
		btf := show(g.expr, kernelConfig(t, arch))
		dw := show(g.expr, &Config{Arch: arch, Types: d, Kernel: testKernel(), User: fakeUser{}})
		if strings.Contains(btf, "BTF ") && strings.Contains(dw, "DWARF ") {
			named++
			continue // the message names its source
		}
		compared++
		if dw != btf {
			t.Errorf("%s:%d: %s\nBTF:\n%s\nDWARF:\n%s", goldensFile, g.line, g.expr, btf, dw)
		}
	}
	t.Logf("%d goldens compared, %d skipped whose message names the type source", compared, named)
}

// BenchmarkCompileArticleDWARF compiles the article's five expressions
// against the debug vmlinux's DWARF opened afresh each iteration: without
// the type cache (cold: units found through the symbol table, aranges and
// the name search) and with it (cached).
func BenchmarkCompileArticleDWARF(b *testing.B) {
	path := os.Getenv("SURFTRACE_DEBUG_VMLINUX")
	if path == "" {
		b.Skip("set SURFTRACE_DEBUG_VMLINUX to the test kernel's debug vmlinux (scripts/get-debug-vmlinux.sh)")
	}
	k := testKernel()
	cacheDir := b.TempDir()
	for _, mode := range []string{"cold", "cached"} {
		b.Run(mode, func(b *testing.B) {
			open := func() *btfdwarf.DWARF {
				d, err := btfdwarf.LoadDWARF(path, 8)
				if err != nil {
					b.Fatal(err)
				}
				if mode == "cached" {
					d.UseCache(cacheDir)
				}
				return d
			}
			d := open()
			compileArticle(b, &Config{Arch: archX86_64, Types: d, Kernel: k}) // warm the symbol tables and the cache
			d.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				d := open()
				compileArticle(b, &Config{Arch: archX86_64, Types: d, Kernel: k})
				b.StopTimer()
				d.Close()
				b.StartTimer()
			}
		})
	}
}
