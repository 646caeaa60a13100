package ftrace

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Overruns reports, per CPU, how many events the instance's ring buffer
// lost: "overrun" (overwritten before they were read) plus "dropped events"
// (refused while the buffer was full, when overwrite is off), from
// per_cpu/cpuN/stats. The counts only grow; compare two readings to see
// what a period lost.
func (s *Session) Overruns() (map[int]uint64, error) {
	return readOverruns(s.inst("per_cpu"))
}

func readOverruns(dir string) (map[int]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read lost-event counts: %w", err)
	}
	out := make(map[int]uint64)
	for _, e := range entries {
		cpu, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "cpu"))
		if err != nil || !strings.HasPrefix(e.Name(), "cpu") {
			continue
		}
		lost, err := readLost(filepath.Join(dir, e.Name(), "stats"))
		if err != nil {
			return nil, err
		}
		out[cpu] = lost
	}
	return out, nil
}

func readLost(path string) (uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("read lost-event counts: %w", err)
	}
	defer f.Close()
	var lost uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "overrun" && key != "dropped events") {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse %s: %s: %w", path, key, err)
		}
		lost += n
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return lost, nil
}
