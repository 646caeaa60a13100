package compile

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// paholeChecks ties fetch args of testdata/goldens.txt to the layout
// pahole reads from the same BTF. Each %x/%d of fetch is filled with the
// sum of the terms of one expression: N (a constant: the 20 bytes of an
// iphdr between l3 and l4, the 14 of an ethhdr), sizeof(S), S.m (the
// byte offset of member m of struct S), S.m@bit (its bit offset in the
// byte pahole shows it at).
var paholeChecks = []struct {
	fetch string
	terms []string
}{
	{"comm=+0x%x(%%di):string", []string{"task_struct.comm"}},
	{"uesrs=+0x%x(+0x%x(%%di)):s32", []string{"mm_struct.mm_users", "task_struct.mm"}},
	{"node=+0x%x(%%di):u64", []string{"task_struct.se+sched_entity.run_node+rb_node.rb_left"}},
	{"pos=+0x%x(%%ax):x64", []string{"file.f_pos"}},
	{"pos=+0x%x($retval):s64", []string{"file.f_pos"}},
	{"name=+0x0(+0x%x(@task_group_cache)):string", []string{"kmem_cache.name"}},
	{"proto=+0x%x(+0x%x(%%dx)):u8", []string{"iphdr.protocol", "sk_buff.data"}},
	{"ip_dst=+0x%x(+0x%x(%%dx)):u32", []string{"iphdr.daddr", "sk_buff.data"}},
	{"b16_dest=+0x%x(+0x%x(%%dx)):u16", []string{"sizeof(iphdr)+udphdr.dest", "sk_buff.data"}},
	{"body=+0x%x(+0x%x(%%dx)):string", []string{"sizeof(iphdr)+sizeof(udphdr)", "sk_buff.data"}},
	{"ip_src=+0x%x(+0x%x(%%di)):u32", []string{"iphdr.saddr", "sk_buff.data"}},
	{"data=+0x%x(+0x%x(%%di)):x16", []string{"sizeof(iphdr)+2", "sk_buff.data"}},
	{"proto=+0x%x(+0x%x(%%di)):u8", []string{"sizeof(ethhdr)+iphdr.protocol", "sk_buff.data"}},
	{"ip_dst=+0x%x(+0x%x(%%di)):u32", []string{"sizeof(ethhdr)+iphdr.daddr", "sk_buff.data"}},
	{"mac_src=+0x%x(+0x%x(%%di)):x8[6]", []string{"ethhdr.h_source", "sk_buff.data"}},
	{"B16_proto=+0x%x(+0x%x(%%di)):u16", []string{"ethhdr.h_proto", "sk_buff.data"}},
	{"aseq=+0x%x(+0x%x(%%si)):u32", []string{"tcphdr.ack_seq", "sk_buff.data"}},
	{"b32_seq=+0x%x(+0x%x(%%si)):u32", []string{"tcphdr.seq", "sk_buff.data"}},
	{"ihl=+0x%x(+0x%x(%%di)):b4@%d/8", []string{"iphdr.ihl", "sk_buff.data", "iphdr.ihl@bit"}},
	{"ver=+0x%x(+0x%x(%%di)):b4@%d/8", []string{"iphdr.version", "sk_buff.data", "iphdr.version@bit"}},
	{"doff=+0x%x(+0x%x(%%si)):b4@%d/16", []string{"tcphdr.doff", "sk_buff.data", "tcphdr.doff@bit"}},
	{"syn=+0x%x(+0x%x(%%si)):b1@%d/16", []string{"tcphdr.syn", "sk_buff.data", "tcphdr.syn@bit"}},
	{"pkt_type=+0x%x(%%di):b3@%d/8", []string{"sk_buff.pkt_type", "sk_buff.pkt_type@bit"}},
	{"fragsize=+0x%x($stack3):u32", []string{"inet_cork.fragsize"}},
	{"fragsize=+0x%x($stack0):u32", []string{"inet_cork.fragsize"}},
	{"xmit=+0x%x(+0x%x(+0x%x(%%di))):symbol", []string{"net_device_ops.ndo_start_xmit", "net_device.netdev_ops", "sk_buff.dev"}},
	{"name=+0x%x(+0x%x(%%di)):string", []string{"net_device.name", "sk_buff.dev"}},
	{"uid=+0x%x(+0x%x(%%di)):u32", []string{"cred.uid", "task_struct.real_cred"}},
	{"ip6_dst=+0x%x(%%di):x8[16]", []string{"sock.__sk_common+sock_common.skc_v6_daddr"}},
	{"mac_dev=+0x0(+0x%x(%%di)):x8[6]", []string{"net_device.dev_addr"}},
	// Structs passed by value on the stack: $stack plus 8 (the return
	// address) plus the structs before.
	{"lsb=+0x%x($stack):u32", []string{"8+reg_field.lsb"}},
	{"pref_flags=+0x%x($stack):x64", []string{"8+sizeof(resource)+sizeof(resource)+resource.flags"}},
}

// paholeLayout is what pahole says about one struct.
type paholeLayout struct {
	size    int
	members map[string][2]int // name → byte offset, bit offset in that byte
}

var (
	paholeMemberRE = regexp.MustCompile(`^\s*(.*?);\s*/\*\s*(\d+)(?::\s*(\d+))?\s+\d+\s*\*/`)
	paholeFuncPtr  = regexp.MustCompile(`\(\*\s*(\w+)\)`)
	paholeName     = regexp.MustCompile(`(\w+)\s*(?:\[[^\]]*\]\s*)*(?::\s*\d+)?$`)
	paholeSize     = regexp.MustCompile(`/\* size: (\d+),`)
)

// parsePahole reads `pahole -C a,b,c` output. Members of anonymous
// structs and unions are printed inline with offsets from the outer
// struct, so the first line naming a member is the one C would find.
func parsePahole(out string) map[string]*paholeLayout {
	layouts := map[string]*paholeLayout{}
	var cur *paholeLayout
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "struct ") && strings.HasSuffix(line, " {") {
			cur = &paholeLayout{members: map[string][2]int{}}
			layouts[strings.TrimSuffix(strings.TrimPrefix(line, "struct "), " {")] = cur
			continue
		}
		if cur == nil {
			continue
		}
		if m := paholeSize.FindStringSubmatch(line); m != nil {
			cur.size, _ = strconv.Atoi(m[1])
			continue
		}
		m := paholeMemberRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		decl := m[1]
		name := ""
		if f := paholeFuncPtr.FindStringSubmatch(decl); f != nil {
			name = f[1]
		} else if f := paholeName.FindStringSubmatch(decl); f != nil {
			name = f[1]
		}
		if _, seen := cur.members[name]; name == "" || seen {
			continue
		}
		off, _ := strconv.Atoi(m[2])
		bit, _ := strconv.Atoi(m[3])
		cur.members[name] = [2]int{off, bit}
	}
	return layouts
}

// TestGoldenOffsetsMatchPahole checks the offsets in the goldens against
// pahole reading the same BTF, and btfdwarf's view of each member
// against pahole's, so a golden can never just freeze a bug.
func TestGoldenOffsetsMatchPahole(t *testing.T) {
	kdir := testkernel.Need(t)
	if _, err := exec.LookPath("pahole"); err != nil {
		t.Skip("pahole not installed (apt-get install dwarves; scripts/deps.sh does it)")
	}
	raw := filepath.Join(t.TempDir(), "vmlinux.btf")
	testkernel.Gunzip(t, filepath.Join(kdir, "vmlinux.btf.gz"), raw)
	structs := map[string]bool{}
	for _, c := range paholeChecks {
		for _, e := range c.terms {
			for _, term := range strings.Split(e, "+") {
				if s, ok := strings.CutPrefix(term, "sizeof("); ok {
					structs[strings.TrimSuffix(s, ")")] = true
				} else if s, _, ok := strings.Cut(term, "."); ok {
					structs[s] = true
				}
			}
		}
	}
	var names []string
	for s := range structs {
		names = append(names, s)
	}
	out, err := exec.Command("pahole", "-F", "btf", "-C", strings.Join(names, ","), raw).CombinedOutput()
	if err != nil {
		t.Fatalf("pahole: %v\n%s", err, out)
	}
	layouts := parsePahole(string(out))
	goldens, err := os.ReadFile(goldensFile)
	if err != nil {
		t.Fatal(err)
	}
	types := kernelBTF(t, archX86_64)
	eval := func(e string) int {
		sum := 0
		for _, term := range strings.Split(e, "+") {
			if n, err := strconv.Atoi(term); err == nil {
				sum += n
				continue
			}
			if s, ok := strings.CutPrefix(term, "sizeof("); ok {
				s = strings.TrimSuffix(s, ")")
				l := layouts[s]
				if l == nil || l.size == 0 {
					t.Fatalf("pahole printed no size for struct %s", s)
				}
				if bt, err := types.TypeByName("struct " + s); err != nil || bt.Size != l.size {
					t.Errorf("sizeof(struct %s): pahole %d, btfdwarf %v (%v)", s, l.size, bt, err)
				}
				sum += l.size
				continue
			}
			ref, wantBit := strings.CutSuffix(term, "@bit")
			s, m, _ := strings.Cut(ref, ".")
			l := layouts[s]
			if l == nil {
				t.Fatalf("pahole printed no struct %s", s)
			}
			pm, ok := l.members[m]
			if !ok {
				t.Fatalf("pahole shows no member %s in struct %s", m, s)
			}
			bt, err := types.TypeByName("struct " + s)
			if err != nil {
				t.Fatalf("btfdwarf: struct %s: %v", s, err)
			}
			bm, ok := bt.Lookup(m)
			if !ok {
				t.Fatalf("btfdwarf: struct %s has no member %s", s, m)
			}
			if bm.BitOffset != pm[0]*8+pm[1] {
				t.Errorf("struct %s member %s: pahole bit %d, btfdwarf bit %d", s, m, pm[0]*8+pm[1], bm.BitOffset)
			}
			if wantBit {
				sum += pm[1]
			} else {
				sum += pm[0]
			}
		}
		return sum
	}
	for _, c := range paholeChecks {
		args := make([]any, len(c.terms))
		for i, e := range c.terms {
			args[i] = eval(e)
		}
		want := fmt.Sprintf(c.fetch, args...)
		if !strings.Contains(string(goldens), " "+want) {
			t.Errorf("%s has no fetch arg %q (offsets from pahole: %v)", goldensFile, want, c.terms)
		}
	}
}
