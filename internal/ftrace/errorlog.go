package ftrace

import (
	"os"
	"strings"
)

// logEntry is one entry of a tracefs error_log:
//
//	[  327.278762] trace_uprobe: error: Invalid register name
//	  Command: p:g/x /bin/true:0x0 a=%zz
//	                                 ^
type logEntry struct {
	Raw      string // the entry's lines, timestamp included: its identity
	Location string // "trace_uprobe", "event filter parse error"
	Message  string // "Invalid register name"
	Command  string // the command as the kernel echoes it
	Pos      int    // caret column within Command, -1 if none
}

// The kernel indents the command line by this, and the caret line by the
// same amount, so the caret's column less this is its offset in Command.
const commandPrefix = "  Command: "

// parseErrorLog splits error_log content into entries.
func parseErrorLog(s string) []logEntry {
	var out []logEntry
	var cur *logEntry
	var raw []string
	flush := func() {
		if cur != nil {
			cur.Raw = strings.Join(raw, "\n")
			out = append(out, *cur)
		}
		cur, raw = nil, nil
	}
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "[") {
			if end := strings.Index(line, "] "); end > 0 {
				flush()
				cur = &logEntry{Pos: -1}
				raw = []string{line}
				head := line[end+2:]
				for _, sep := range []string{": error: ", ": warning: "} {
					if loc, msg, ok := strings.Cut(head, sep); ok {
						cur.Location, cur.Message = loc, msg
						break
					}
				}
				if cur.Message == "" {
					cur.Message = head
				}
				continue
			}
		}
		if cur == nil {
			continue
		}
		switch {
		case strings.HasPrefix(line, commandPrefix):
			cur.Command = line[len(commandPrefix):]
			raw = append(raw, line)
		case strings.TrimLeft(line, " ") == "^" && cur.Command != "":
			cur.Pos = strings.IndexByte(line, '^') - len(commandPrefix)
			raw = append(raw, line)
		case line != "":
			raw = append(raw, line)
		}
	}
	flush()
	return out
}

// readErrorLog returns the entries of the error_log at path, nil when the
// kernel has none (before 5.10) or it cannot be read.
func readErrorLog(path string) []logEntry {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return parseErrorLog(string(data))
}

// newLogEntry finds the kernel's message for cmd: the newest entry of
// after that was not in before and echoes cmd. Matching the command keeps
// another process's concurrent error from being taken for ours.
func newLogEntry(before, after []logEntry, cmd string) (logEntry, int, bool) {
	seen := make(map[string]bool, len(before))
	for _, e := range before {
		seen[e.Raw] = true
	}
	for i := len(after) - 1; i >= 0; i-- {
		e := after[i]
		if seen[e.Raw] {
			continue
		}
		if pos, ok := mapPos(e.Command, cmd, e.Pos); ok {
			return e, pos, true
		}
	}
	return logEntry{}, -1, false
}

// mapPos carries the kernel's caret offset in its echo of a command over to
// the command as written. The kernel re-joins probe definitions from their
// words with single spaces, so runs of blanks may differ.
func mapPos(kernelCmd, ours string, kpos int) (int, bool) {
	if kernelCmd == ours {
		return kpos, true
	}
	var norm []byte
	var idx []int
	for i := 0; i < len(ours); i++ {
		c := ours[i]
		if c == ' ' || c == '\t' {
			if len(norm) == 0 || norm[len(norm)-1] == ' ' {
				continue
			}
			c = ' '
		}
		norm = append(norm, c)
		idx = append(idx, i)
	}
	for len(norm) > 0 && norm[len(norm)-1] == ' ' {
		norm, idx = norm[:len(norm)-1], idx[:len(idx)-1]
	}
	if string(norm) != kernelCmd {
		return -1, false
	}
	switch {
	case kpos < 0:
		return -1, true
	case kpos >= len(idx):
		return len(ours), true
	}
	return idx[kpos], true
}

// parseFilterError reads the report the kernel leaves in a filter file
// after refusing a filter, for kernels without error_log:
//
//	proto==17
//	      ^
//	parse_error: Field not found
func parseFilterError(content, cmd string) (msg string, pos int) {
	pos = -1
	lines := strings.Split(content, "\n")
	for i, line := range lines {
		if m, ok := strings.CutPrefix(line, "parse_error: "); ok {
			msg = m
		}
		if i > 0 && strings.TrimLeft(line, " ") == "^" && lines[0] == cmd {
			pos = strings.IndexByte(line, '^')
		}
	}
	if msg == "" {
		pos = -1
	}
	return msg, pos
}

// ErrorLogTail returns the last n lines of the kernel's error_log joined
// by " | ", "" when it has none or cannot be read: for messages of tests
// and tools that write outside a Session.
func (fs *FS) ErrorLogTail(n int) string {
	b, err := fs.Read("error_log")
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
