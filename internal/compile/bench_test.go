package compile

import (
	"path/filepath"
	"testing"

	"github.com/surftrace/surftrace/internal/btfdwarf"
	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/testkernel"
)

// articleExprs are the article's five network expressions on the test
// kernel's names, as scripts/bench.sh passes them to `surftrace -S`.
var articleExprs = []string{
	`p ip_output proto=@(struct iphdr*)l3%2->protocol ip_dst=@(struct iphdr*)l3%2->daddr b16_dest=@(struct udphdr*)l3%2->dest comm=$comm body=@(struct udphdr*)l3%2->Sdata[0] f:proto==17&&ip_dst==10.0.1.221&&b16_dest==9988`,
	`p __netif_receive_skb_one_core proto=@(struct iphdr *)l3%0->protocol ip_src=@(struct iphdr *)%0->saddr ip_dst=@(struct iphdr *)l3%0->daddr data=X@(struct iphdr *)l3%0->sdata[1] f:proto==1&&ip_src==127.0.0.1`,
	`p __dev_queue_xmit proto=@(struct iphdr *)l2%0->protocol ip_dst=@(struct iphdr *)l2%0->daddr f:proto==1`,
	`p tcp_rcv_established aseq=@(struct tcphdr*)l4%1->ack_seq b32_seq=@(struct tcphdr*)l4%1->seq`,
	`p ip_local_deliver ihl=@(struct iphdr *)l3%0->ihl ver=@(struct iphdr *)l3%0->version`,
}

func compileArticle(b *testing.B, cfg *Config) {
	for i, s := range articleExprs {
		e, err := expr.Parse(s)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compile(e, i, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileArticle is what `surftrace -S` pays after reading the
// BTF: parsing and compiling the five expressions against a BTF whose
// types are not decoded yet (a fresh, mapped copy each iteration; the
// load itself is outside the timer, see BenchmarkLoadRawBTF).
func BenchmarkCompileArticle(b *testing.B) {
	kdir := testkernel.Need(b)
	raw := filepath.Join(b.TempDir(), "vmlinux.btf")
	testkernel.Gunzip(b, filepath.Join(kdir, "vmlinux.btf.gz"), raw)
	k := testKernel()
	compileArticle(b, &Config{Arch: archX86_64, Types: kernelBTF(b, archX86_64), Kernel: k}) // warm the symbol tables
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		types, err := btfdwarf.LoadBTF(raw, 8)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		compileArticle(b, &Config{Arch: archX86_64, Types: types, Kernel: k})
		b.StopTimer()
		types.Close()
		b.StartTimer()
	}
}

// BenchmarkCompileArticleWarm compiles the same five against a BTF whose
// types were decoded by earlier iterations: the compiler's own cost.
func BenchmarkCompileArticleWarm(b *testing.B) {
	cfg := kernelConfig(b, archX86_64)
	compileArticle(b, cfg)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		compileArticle(b, cfg)
	}
}

// BenchmarkLoadRawBTF is the cost of opening the uncompressed kernel BTF
// (what /sys/kernel/btf/vmlinux is): map it and index the type offsets.
func BenchmarkLoadRawBTF(b *testing.B) {
	kdir := testkernel.Need(b)
	raw := filepath.Join(b.TempDir(), "vmlinux.btf")
	testkernel.Gunzip(b, filepath.Join(kdir, "vmlinux.btf.gz"), raw)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		types, err := btfdwarf.LoadBTF(raw, 8)
		if err != nil {
			b.Fatal(err)
		}
		types.Close()
	}
}
