package main

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

// checkPid refuses a --pid that names no process.
func checkPid(pid int) error {
	if pid <= 0 {
		return fmt.Errorf("%w: --pid %d: give the id of a running process", errUsage, pid)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
		return fmt.Errorf("%w: --pid %d: no such process", errUsage, pid)
	}
	return nil
}

// resolveInPid makes the OBJ of user probes name what process pid runs:
// `P libc:malloc` is the libc it has mapped (which may not be the one
// the linker cache names, e.g. in a container), reached through
// /proc/PID/root when the process has another root.
func resolveInPid(parsed []*expr.Expr, pid int) error {
	maps, err := mappedFiles(pid)
	if err != nil {
		return err
	}
	root := fmt.Sprintf("/proc/%d/root", pid)
	sameRoot := false
	if a, err := os.Stat(root); err == nil {
		if b, err := os.Stat("/"); err == nil {
			sameRoot = os.SameFile(a, b)
		}
	}
	for _, e := range parsed {
		if !e.Kind.IsUser() {
			continue
		}
		obj := e.Target.Obj
		path := ""
		if strings.Contains(obj, "/") {
			if filepath.IsAbs(obj) {
				path = obj
			}
		} else {
			path = matchMapped(maps, obj)
			if path == "" {
				return expr.Errorf(e.Src, e.Target.Pos, len(obj), nil,
					"process %d has no %s mapped", pid, obj).
					WithHint("its objects are listed in /proc/" + strconv.Itoa(pid) + "/maps; give the path, or probe without --pid")
			}
		}
		if path != "" && !sameRoot {
			path = filepath.Join(root, path)
		}
		if path != "" {
			e.Target.Obj = path
		}
	}
	return nil
}

// mappedFiles lists the files process pid has mapped, executable first.
func mappedFiles(pid int) ([]string, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, fmt.Errorf("--pid %d: read its maps: %w", pid, err)
	}
	defer f.Close()
	var out []string
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
		out = append(out, p)
	}
	return out, sc.Err()
}

// matchMapped finds the mapped file a bare OBJ means: the same file name
// (bash, libc.so.6), NAME.so… (libc → libc.so.6) or NAME-VERSION.so
// (libc → libc-2.31.so).
func matchMapped(maps []string, obj string) string {
	for _, p := range maps {
		b := filepath.Base(p)
		if b == obj || strings.HasPrefix(b, obj+".so") || strings.HasPrefix(b, obj+"-") && strings.Contains(b, ".so") {
			return p
		}
	}
	return ""
}
