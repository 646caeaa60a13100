package ftrace

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
)

// ScriptOptions configures Script.
type ScriptOptions struct {
	// Stack records the kernel stack under every event.
	Stack bool
}

// scriptStep is one set-up command and the command that undoes it.
// early marks a step whose undo must run even if the command failed (a
// refused filter stays in the file as the kernel's error report).
type scriptStep struct {
	do, undo string
	early    bool
}

// Script returns a POSIX sh script doing what a Session does for defs,
// with echo, mkdir and cat: find (or mount) tracefs, create group and
// instance surftrace_$$, register the probes, set filters, enable, stream
// the instance's trace_pipe, and on INT, QUIT, TERM, HUP or exit undo
// exactly the steps that were done. It holds its instance open from
// creating it to removing it, as a Session does, so other runs' stale
// clean-up leaves it alone; cat runs in the background and the script
// waits for it, so a signal's trap runs at once rather than when cat
// ends. Definitions holding a newline are refused
// (ErrInvalid): the kernel would read two commands.
func Script(defs []*probe.Def, opts ScriptOptions) ([]byte, error) {
	steps, err := scriptSteps(defs, opts)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(scriptHead)
	for _, d := range defs {
		for _, line := range strings.Split(d.Source, "\n") {
			fmt.Fprintf(&b, "#   %s\n", line)
		}
	}
	b.WriteString(scriptFind)
	// A second signal (timeout signals the script, then its whole process
	// group; an impatient second Ctrl-C) must not cut the teardown short:
	// ignore them from here on.
	b.WriteString("teardown() {\n\ttrap - EXIT\n\ttrap '' INT QUIT TERM HUP\n\tset +e\n")
	b.WriteString("\tif [ -n \"$reader\" ]; then kill \"$reader\" 2>/dev/null; wait \"$reader\" 2>/dev/null; fi\n")
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].undo != "" {
			fmt.Fprintf(&b, "\tif [ \"$step\" -ge %d ]; then %s; fi\n", i+1, steps[i].undo)
		}
	}
	b.WriteString("}\n\ntrap teardown EXIT\ntrap 'exit 130' INT\ntrap 'exit 131' QUIT\ntrap 'exit 143' TERM\ntrap 'exit 129' HUP\n\n")
	for i, st := range steps {
		if st.early {
			fmt.Fprintf(&b, "step=%d; %s\n", i+1, st.do)
		} else {
			fmt.Fprintf(&b, "%s; step=%d\n", st.do, i+1)
		}
	}
	b.WriteString(scriptTail)
	return b.Bytes(), nil
}

func scriptSteps(defs []*probe.Def, opts ScriptOptions) ([]scriptStep, error) {
	steps := []scriptStep{
		{do: `mkdir "$I"`, undo: `rmdir "$I" 2>/dev/null || { sleep 1; rmdir "$I"; }`},
		// The open file makes the kernel refuse another run's rmdir.
		{do: `exec 3<"$I/tracing_on"`, undo: `exec 3<&-`},
		{do: writeCommand("0", "0", `"$I/tracing_on"`, false)},
	}
	seen := make(map[string]bool)
	for _, d := range defs {
		if err := checkDef(d); err != nil {
			return nil, fmt.Errorf("probe %s: %w", d.Name, err)
		}
		// The event's directory in the instance, inside double quotes:
		// checkDef let only [A-Za-z0-9_.-] through in names.
		var dir string
		if d.Kind.IsDynamic() {
			file := `"$T/kprobe_events"`
			if d.Kind.IsUser() {
				file = `"$T/uprobe_events"`
			}
			line := d.Line("G")
			lineWord := shQuote(line[:2]) + `"$G"` + shQuote(line[3:])
			del := "-:G/" + d.Name
			delWord := `'-:'"$G"` + shQuote("/"+d.Name)
			steps = append(steps, scriptStep{
				do:   writeCommand(line, lineWord, file, true),
				undo: writeCommand(del, delWord, file, true),
			})
			dir = `$I/events/$G/` + d.Name
		} else {
			dir = `$I/events/` + d.Target
		}
		key := dir
		if seen[key] {
			return nil, fmt.Errorf("probe %s: event added twice: %w", d.Name, ErrInvalid)
		}
		seen[key] = true
		if d.Filter != "" {
			steps = append(steps, scriptStep{
				do:    writeCommand(d.Filter, shQuote(d.Filter), `"`+dir+`/filter"`, false),
				undo:  writeCommand("0", "0", `"`+dir+`/filter"`, false),
				early: true,
			})
		}
		steps = append(steps, scriptStep{
			do:   writeCommand("1", "1", `"`+dir+`/enable"`, false),
			undo: writeCommand("0", "0", `"`+dir+`/enable"`, false),
		})
	}
	if opts.Stack {
		steps = append(steps, scriptStep{
			do:   writeCommand("1", "1", `"$I/options/stacktrace"`, false),
			undo: writeCommand("0", "0", `"$I/options/stacktrace"`, false),
		})
	}
	steps = append(steps, scriptStep{
		do:   writeCommand("1", "1", `"$I/tracing_on"`, false),
		undo: writeCommand("0", "0", `"$I/tracing_on"`, false),
	})
	return steps, nil
}

const scriptHead = `#!/bin/sh
# Written by surftrace -o: the same tracing with plain echo and cat.
# Run as root. Ctrl-C (or Ctrl-\, TERM, HUP) stops tracing and removes
# everything this script set up. SURFTRACE_TRACEFS overrides where tracefs is.
#
# Expressions:
`

const scriptFind = `
set -eu

T=${SURFTRACE_TRACEFS:-}
if [ -z "$T" ]; then
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -d "$d/instances" ]; then T=$d; break; fi
	done
fi
if [ -z "$T" ]; then
	mount -t tracefs nodev /sys/kernel/tracing
	T=/sys/kernel/tracing
fi
G=surftrace_$$
I=$T/instances/$G
step=0
reader=

`

// scriptTail streams until a signal. cat runs in the background so that a
// signal interrupts wait at once; from here a trap only notes the signal,
// and the script leaves through one exit and its EXIT trap: an exit inside
// a trap that a second signal re-enters (timeout signals the script, then
// its whole process group) can hang dash before its teardown.
const scriptTail = `
echo "surftrace: tracing in $I; Ctrl-C to stop" >&2
sig=
trap 'sig=130' INT
trap 'sig=131' QUIT
trap 'sig=143' TERM
trap 'sig=129' HUP
cat "$I/trace_pipe" &
reader=$!
[ -n "$sig" ] || wait "$reader" || :
exit "${sig:-0}"
`
