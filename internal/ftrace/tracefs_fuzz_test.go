package ftrace

import (
	"strconv"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/memfile"
)

// FuzzReadLost feeds an arbitrary per-CPU stats file to the lost-event
// reader: the count it reports is the sum of the counters the file lists,
// or an error names the line it could not read.
func FuzzReadLost(f *testing.F) {
	f.Add("entries: 10\noverrun: 12\ncommit overrun: 7\nbytes: 0\noldest event ts:     0.000000\nnow ts:   324.492721\ndropped events: 3\nread events: 3\n")
	f.Add("overrun: -1\n")
	f.Add("overrun:18446744073709551615\ndropped events: 0\n")
	f.Fuzz(func(t *testing.T, stats string) {
		lost, err := readLost(memfile.Path(t, []byte(stats)))
		if err != nil {
			return
		}
		var want uint64
		for _, line := range strings.Split(stats, "\n") {
			key, val, ok := strings.Cut(line, ":")
			if ok && (key == "overrun" || key == "dropped events") {
				n, err := strconv.ParseUint(strings.TrimSpace(val), 10, 64)
				if err != nil {
					t.Fatalf("line %q accepted", line)
				}
				want += n
			}
		}
		if lost != want {
			t.Fatalf("lost %d, the file's counters sum to %d", lost, want)
		}
	})
}

// FuzzProbeName feeds arbitrary kprobe_events/uprobe_events lines, which
// any tool on the machine may have written, to the reader that finds our
// own leftovers: a name it returns is the line's own.
func FuzzProbeName(f *testing.F) {
	f.Add("p:surftrace_4242_x/f0 ip_output proto=+0x9(%di):u8")
	f.Add("r4:kprobes/r_do_sys_open do_sys_open $retval")
	f.Add("  p:/ x")
	f.Fuzz(func(t *testing.T, line string) {
		group, event, ok := probeName(line)
		if !ok {
			if group != "" || event != "" {
				t.Fatalf("probeName(%q) = %q, %q without ok", line, group, event)
			}
			return
		}
		if !strings.Contains(line, group+"/"+event) {
			t.Fatalf("probeName(%q) = %q/%q, not in the line", line, group, event)
		}
		if m := ownedName.FindStringSubmatch(group); m != nil {
			if _, err := strconv.Atoi(m[1]); err != nil && len(m[1]) < 19 {
				t.Fatalf("owned group %q without a pid: %v", group, err)
			}
		}
	})
}
