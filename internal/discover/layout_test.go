package discover

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/testkernel"
)

// layoutLine is one member line of pahole's output (or ours, which keeps
// its shape): the member's name and its "/* offset[:bit] size */".
type layoutLine struct {
	name           string
	off, bit, size int
	bitfield       bool
}

var (
	commentRe = regexp.MustCompile(`/\*\s*(\d+)(?::\s*(\d+))?\s+(\d+)\s*\*/\s*$`)
	fnPtrRe   = regexp.MustCompile(`\(\*\s*(\w+)\)`)
	attrRe    = regexp.MustCompile(`\s*__attribute__\(\(.*\)\)`)
	lastIdRe  = regexp.MustCompile(`(\w+)\s*(\[\d*\])*\s*(:\s*\d+)?\s*$`)
)

// parseLayout extracts the member lines of a pahole-style layout.
func parseLayout(text string) []layoutLine {
	var out []layoutLine
	for _, l := range strings.Split(text, "\n") {
		m := commentRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		decl := strings.TrimSpace(l[:strings.LastIndex(l, "/*")])
		decl = attrRe.ReplaceAllString(strings.TrimSuffix(decl, ";"), "")
		var ll layoutLine
		ll.off, _ = strconv.Atoi(m[1])
		ll.size, _ = strconv.Atoi(m[3])
		if m[2] != "" {
			ll.bitfield = true
			ll.bit, _ = strconv.Atoi(m[2])
		}
		switch {
		case strings.HasPrefix(decl, "}"):
			// The end of an inline struct, union or enum: "} addrs",
			// "} rtnl_link_state:16", "}".
			if id := lastIdRe.FindStringSubmatch(decl); id != nil {
				ll.name = id[1]
			}
		case fnPtrRe.MatchString(decl):
			ll.name = fnPtrRe.FindStringSubmatch(decl)[1]
		default:
			if id := lastIdRe.FindStringSubmatch(decl); id != nil {
				ll.name = id[1]
			}
		}
		out = append(out, ll)
	}
	return out
}

// paholeLayouts runs pahole once for several types and splits its
// output by type ("struct iphdr {" … "};").
func paholeLayouts(t *testing.T, raw string, names []string) map[string]string {
	t.Helper()
	out, err := exec.Command("pahole", "-F", "btf", "-C", strings.Join(names, ","), raw).Output()
	if err != nil {
		t.Fatalf("pahole: %v", err)
	}
	layouts := map[string]string{}
	var cur string
	var b strings.Builder
	for _, l := range strings.Split(string(out), "\n") {
		if cur == "" && strings.HasSuffix(l, " {") {
			f := strings.Fields(l)
			cur = f[len(f)-2]
			b.Reset()
		}
		b.WriteString(l + "\n")
		if strings.HasPrefix(l, "}") && cur != "" {
			layouts[cur] = b.String()
			cur = ""
		}
	}
	return layouts
}

var holeRe = regexp.MustCompile(`XXX (\d+ (bit|byte))s? hole`)

// holes lists the byte and bit holes a layout reports, in order.
func holes(text string) []string {
	var out []string
	for _, m := range holeRe.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestLayoutMatchesPahole compares every member's offset, bit offset and
// size, and every hole, with pahole's, nested anonymous structs and
// unions included.
func TestLayoutMatchesPahole(t *testing.T) {
	b, _ := kernel(t)
	if _, err := exec.LookPath("pahole"); err != nil {
		t.Skip("pahole not installed (dwarves; scripts/deps.sh installs it)")
	}
	raw := filepath.Join(t.TempDir(), "vmlinux.btf")
	testkernel.Gunzip(t, filepath.Join(testkernel.Dir(), "vmlinux.btf.gz"), raw)
	names := []string{"iphdr", "sk_buff", "task_struct", "tcp_sock", "sock", "ipv6hdr", "tcphdr", "sched_entity", "net_device"}
	ref := paholeLayouts(t, raw, names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ty, err := FindType(b, name, nil)
			if err != nil {
				t.Fatal(err)
			}
			l, err := StructLayout(ty)
			if err != nil {
				t.Fatal(err)
			}
			var ours bytes.Buffer
			if err := WriteLayout(&ours, l); err != nil {
				t.Fatal(err)
			}
			want := parseLayout(ref[name])
			got := parseLayout(ours.String())
			if len(want) < 5 || len(got) != len(want) {
				t.Fatalf("%d member lines, pahole has %d:\n%s", len(got), len(want), ours.String())
			}
			bitfields := 0
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("line %d: got %+v, pahole %+v", i, got[i], want[i])
				}
				if want[i].bitfield {
					bitfields++
				}
			}
			if g, w := strings.Join(holes(ours.String()), ", "), strings.Join(holes(ref[name]), ", "); g != w {
				t.Errorf("holes %q, pahole %q", g, w)
			}
			t.Logf("%d members, %d bitfields, %d holes agree with pahole", len(want), bitfields, len(holes(ref[name])))
		})
	}
}

func TestLayoutIphdrBitfields(t *testing.T) {
	b, _ := kernel(t)
	ty, err := FindType(b, "struct iphdr", nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := StructLayout(ty)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name               string
		off, bit, bitsz, n int
	}{
		{"ihl", 0, 0, 4, 1},
		{"version", 0, 4, 4, 1},
		{"tos", 1, 0, 0, 1},
		{"protocol", 9, 0, 0, 1},
	}
	for _, w := range want {
		var m *Member
		for i := range l.Members {
			if l.Members[i].Name == w.name {
				m = &l.Members[i]
			}
		}
		if m == nil || m.Offset != w.off || m.Bit != w.bit || m.BitSize != w.bitsz || m.Size != w.n {
			t.Errorf("%s: %+v", w.name, m)
		}
	}
	if l.Size != 20 || len(l.Members) != 10 {
		t.Errorf("size %d, %d members", l.Size, len(l.Members))
	}
}

func TestFindTypeErrors(t *testing.T) {
	b, _ := kernel(t)
	names := func() []string { return b.TypeNames(func(string) bool { return true }) }
	_, err := FindType(b, "sk_bufff", names)
	if !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), "did you mean sk_buff") {
		t.Errorf("got %v", err)
	}
	// A typedef of a struct is found by its name.
	if ty, err := FindType(b, "atomic_t", names); err != nil || ty.Kind.String() != "struct" {
		t.Errorf("atomic_t: %v %v", ty, err)
	}
	if ty, err := FindType(b, "union bpf_attr", names); err != nil || ty.Size == 0 {
		t.Errorf("union bpf_attr: %v %v", ty, err)
	}
	ty, _ := FindType(b, "u32", names)
	if _, err := StructLayout(ty); !errors.Is(err, ErrUnknownType) {
		t.Errorf("u32 has no layout: %v", err)
	}
}
