package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const renderInput = ` <...>-2733784 [014] .... 12648619.219880: f0: (ip_output+0x0/0xd0) proto=17 ip_dst=3707830282 b16_dest=1063 comm="nc" body="Hello World\!  @"
          <idle>-0       [014] ..s2.   12648619.219881: <stack trace>
 => ip_output
 => __ip_queue_xmit+0x17d/0x410
CPU:2 [LOST 1234 EVENTS]
# a header line
`

func runRenderCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	cmd := newRenderCmd()
	var out, errOut bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestRenderCmd(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trace.txt")
	if err := os.WriteFile(file, []byte(renderInput), 0o644); err != nil {
		t.Fatal(err)
	}
	const lost = "surftrace: lost 1234 events on CPU 2 (kernel buffer overflow)\n"
	for _, args := range [][]string{{file}, {}, {"-"}} {
		out, errOut, err := runRenderCmd(t, renderInput, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		want := strings.Replace(renderInput, "ip_dst=3707830282 b16_dest=1063", "ip_dst=10.0.1.221 b16_dest=9988", 1)
		want = strings.Replace(want, "CPU:2 [LOST 1234 EVENTS]\n", "", 1)
		if out != want {
			t.Errorf("%v: stdout\n%s\nwant\n%s", args, out, want)
		}
		if errOut != lost {
			t.Errorf("%v: stderr %q, want %q", args, errOut, lost)
		}
	}

	out, errOut, err := runRenderCmd(t, "", "--json", file)
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Args  map[string]any `json:"args"`
		Stack []string       `json:"stack"`
	}
	if strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &ev) != nil {
		t.Fatalf("--json: want one object, got %q", out)
	}
	if ev.Args["ip_dst"] != "10.0.1.221" || len(ev.Stack) != 2 {
		t.Errorf("--json: got %s", out)
	}
	if errOut != lost {
		t.Errorf("--json: stderr %q", errOut)
	}
}

func TestRenderCmdErrors(t *testing.T) {
	if _, _, err := runRenderCmd(t, "", "a", "b"); !errors.Is(err, errUsage) {
		t.Errorf("two files: got %v, want a usage error", err)
	}
	if _, _, err := runRenderCmd(t, "", filepath.Join(t.TempDir(), "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v", err)
	}
	if _, _, err := runRenderCmd(t, "", "--stack"); err == nil {
		t.Error("a root flag was accepted by render")
	}
}

// With --defs the values split on the event's own names: a string that
// holds `" b="c" d=1` stays one value, which the line alone cannot tell.
func TestRenderCmdDefs(t *testing.T) {
	defs := filepath.Join(t.TempDir(), "defs")
	text := "p:surftrace/f1 ip_output s=+0x0(%di):string\nf1 filter: s==\"x\"\ne:sched/sched_switch\n"
	if err := os.WriteFile(defs, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	line := `nc-1 [000] .... 1.0: f1: (ip_output+0x0/0x1) s="a" b="c" d=1"` + "\n"
	out, _, err := runRenderCmd(t, line, "--json", "--defs", defs)
	if err != nil || !strings.Contains(out, `"args":{"s":"a\" b=\"c\" d=1"}`) {
		t.Errorf("--defs: %v\n%s", err, out)
	}
	if _, _, err := runRenderCmd(t, line, "--defs", filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing --defs file is not an error")
	}
}
