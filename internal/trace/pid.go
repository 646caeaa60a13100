package trace

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/surftrace/surftrace/internal/expr"
	"github.com/surftrace/surftrace/internal/probe"
)

// pidFilter is the ftrace filter that keeps the events of process pid:
// its threads at start-up (common_pid is the thread id).
func pidFilter(pid int) string {
	tids := []int{pid}
	if ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid)); err == nil {
		tids = tids[:0]
		for _, e := range ents {
			if n, err := strconv.Atoi(e.Name()); err == nil {
				tids = append(tids, n)
			}
		}
		sort.Ints(tids)
	}
	parts := make([]string, len(tids))
	for i, t := range tids {
		parts[i] = fmt.Sprintf("common_pid==%d", t)
	}
	return strings.Join(parts, "||")
}

// addPidFilter narrows every probe and tracepoint to process pid, joined
// with the expression's own filter by &&.
func addPidFilter(defs []*probe.Def, pid int) {
	f := pidFilter(pid)
	if strings.Contains(f, "||") {
		f = "(" + f + ")"
	}
	for _, d := range defs {
		if d.Filter == "" {
			d.Filter = f
		} else {
			d.Filter = f + "&&(" + d.Filter + ")"
		}
	}
}

// resolveInPid makes the OBJ of user probes name what process pid runs:
// `P libc:malloc` is the libc it has mapped (which may not be the one
// the linker cache names, e.g. in a container), reached through
// /proc/PID/root when the process sees another file tree.
func resolveInPid(parsed []*expr.Expr, pid int) error {
	maps, err := mappedFiles(pid)
	if err != nil {
		return err
	}
	for _, e := range parsed {
		if !e.Kind.IsUser() || strings.Contains(e.Target.Obj, "/") {
			continue
		}
		m, ok := matchMapped(maps, e.Target.Obj)
		if !ok {
			return expr.Errorf(e.Src, e.Target.Pos, len(e.Target.Obj), nil,
				"process %d has no %s mapped", pid, e.Target.Obj).
				WithHint("its objects are listed in /proc/" + strconv.Itoa(pid) + "/maps; give the path, or probe without --pid")
		}
		p, err := reachMapped(pid, m)
		if err != nil {
			return expr.Errorf(e.Src, e.Target.Pos, len(e.Target.Obj), err, "%v", err)
		}
		e.Target.Obj = p
	}
	return nil
}

// mapping is a file a process has mapped: its path as /proc/PID/maps
// shows it and the address range of one mapping of it.
type mapping struct{ path, addrs string }

// reachMapped finds a path to m's file from here: the path as the maps
// show it (right when the process sees the same tree, as after chroot),
// else through /proc/PID/root (a container with its own mounts). The
// mapped file itself (/proc/PID/map_files) decides when both exist.
func reachMapped(pid int, m mapping) (string, error) {
	root := fmt.Sprintf("/proc/%d/root", pid)
	mapped, mapErr := os.Stat(fmt.Sprintf("/proc/%d/map_files/%s", pid, m.addrs))
	cands := []string{m.path, filepath.Join(root, m.path)}
	if a, err := os.Stat(root); err == nil {
		if b, err := os.Stat("/"); err == nil && !os.SameFile(a, b) {
			cands[0], cands[1] = cands[1], cands[0]
		}
	}
	for _, c := range cands {
		st, err := os.Stat(c)
		if err == nil && (mapErr != nil || os.SameFile(st, mapped)) {
			return c, nil
		}
	}
	return "", fmt.Errorf("process %d maps %s, but it cannot be reached from here (%s or %s)", pid, m.path, cands[0], cands[1])
}

// mappedFiles lists the files process pid has mapped, executable first.
func mappedFiles(pid int) ([]mapping, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, fmt.Errorf("--pid %d: read its maps: %w", pid, err)
	}
	defer f.Close()
	var out []mapping
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || !strings.HasPrefix(fields[5], "/") {
			continue
		}
		p := strings.Join(fields[5:], " ")
		if strings.HasSuffix(p, " (deleted)") || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, mapping{path: p, addrs: fields[0]})
	}
	return out, sc.Err()
}

// matchMapped finds the mapped file a bare OBJ means: the same file name
// (bash, libc.so.6), NAME.so… (libc → libc.so.6) or NAME-VERSION.so
// (libc → libc-2.31.so).
func matchMapped(maps []mapping, obj string) (mapping, bool) {
	for _, m := range maps {
		b := filepath.Base(m.path)
		if b == obj || strings.HasPrefix(b, obj+".so") || strings.HasPrefix(b, obj+"-") && strings.Contains(b, ".so") {
			return m, true
		}
	}
	return mapping{}, false
}
