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
// early marks a step whose undo must run even if the command failed.
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

// scriptSteps are a Session's steps as shell commands, after the
// script's own way of making and holding its instance.
func scriptSteps(defs []*probe.Def, opts ScriptOptions) ([]scriptStep, error) {
	steps := []scriptStep{
		{do: `mkdir "$I"`, undo: `rmdir "$I" 2>/dev/null || { sleep 1; rmdir "$I"; }`},
		// The open file makes the kernel refuse another run's rmdir.
		{do: `exec 3<"$I/tracing_on"`, undo: `exec 3<&-`},
		shellStep(stopStep),
	}
	seen := make(map[string]bool)
	for _, d := range defs {
		if err := checkDef(d); err != nil {
			return nil, fmt.Errorf("probe %s: %w", d.Name, err)
		}
		sts := defSteps(d)
		// Each event once: the last step enables it, in its directory.
		enable := sts[len(sts)-1].path
		dir := strings.Join(enable[:len(enable)-1], "/")
		if seen[dir] {
			return nil, fmt.Errorf("probe %s: event added twice: %w", d.Name, ErrInvalid)
		}
		seen[dir] = true
		for _, st := range sts {
			steps = append(steps, shellStep(st))
		}
	}
	for _, st := range startSteps(opts.Stack) {
		steps = append(steps, shellStep(st))
	}
	return steps, nil
}

// shellStep prints a step as shell commands: the script finds tracefs in
// $T, makes its instance $I and its group $G at run time.
func shellStep(st step) scriptStep {
	base := `$I/`
	if st.root {
		base = `$T/`
	}
	path := `"` + base + strings.ReplaceAll(strings.Join(st.path, "/"), groupMark, `$G`) + `"`
	out := scriptStep{do: writeCommand(st.val, shellWord(st.val), path, st.appendTo), early: st.early}
	if st.undo != "" {
		out.undo = writeCommand(st.undo, shellWord(st.undo), path, st.appendTo)
	}
	return out
}

// shellWord quotes a value for the shell, with the group as "$G". A
// piece starting with "-" is quoted even when it need not be, so no
// reader takes it for an option.
func shellWord(v string) string {
	parts := strings.Split(v, groupMark)
	for i, p := range parts {
		q := shQuote(p)
		if strings.HasPrefix(p, "-") && q == p {
			q = "'" + p + "'"
		}
		parts[i] = q
	}
	return strings.Join(parts, `"$G"`)
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
