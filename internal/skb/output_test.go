package skb

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/surftrace/surftrace/internal/probe"
)

func testPlan() *Plan {
	return &Plan{
		Defs:  []*probe.Def{{Name: "s0"}, {Name: "s1", Args: []probe.Arg{{Name: "reason", Enum: map[int64]string{2: "NO_SOCKET"}}}}},
		Cands: []Candidate{{Func: "ip_output", Arg: 2, Reason: -1}, {Func: "kfree_skb_reason", Reason: 1}},
	}
}

// The text output has one header and one line per shown event; lines
// arriving in pieces are joined; the drop reason is named.
func TestPrinterText(t *testing.T) {
	var out bytes.Buffer
	var other []string
	pr := &Printer{Out: &out, Plan: testPlan(), OnOther: func(l []byte) { other = append(other, string(l)) }}
	in := line(0, udp4, 0, ethIPv4, "") + "\nCPU:1 [LOST 3 EVENTS]\n" + line(1, udp4, 0, ethIPv4, " reason=2") + "\n"
	for len(in) > 0 { // feed in odd-sized pieces
		n := min(len(in), 37)
		if _, err := pr.Write([]byte(in[:n])); err != nil {
			t.Fatal(err)
		}
		in = in[n:]
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "TIME") {
		t.Fatalf("output:\n%s", out.String())
	}
	if !strings.Contains(lines[1], "nc:231") || !strings.Contains(lines[1], "0xffff888004b1e200 ip_output") ||
		!strings.HasSuffix(lines[1], "10.0.1.1:40000->10.0.1.221:9999 udp len=39 dev=2") {
		t.Errorf("line: %q", lines[1])
	}
	if !strings.HasSuffix(lines[2], "kfree_skb_reason                 10.0.1.1:40000->10.0.1.221:9999 udp len=39 dev=2 reason=NO_SOCKET") {
		t.Errorf("drop line: %q", lines[2])
	}
	if len(other) != 1 || !strings.Contains(other[0], "LOST") {
		t.Errorf("other lines: %q", other)
	}
}

func TestPrinterJSONAndMax(t *testing.T) {
	var out bytes.Buffer
	pr := &Printer{Out: &out, Plan: testPlan(), JSON: true, Max: 1}
	_, err := pr.Write([]byte(line(1, udp4, 0, ethIPv4, " reason=7") + "\n" + line(0, udp4, 0, ethIPv4, "") + "\n"))
	if !errors.Is(err, ErrCountReached) {
		t.Errorf("Max 1: %v", err)
	}
	var h map[string]any
	if err := json.Unmarshal(out.Bytes(), &h); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if h["skb"] != "0xffff888004b1e200" || h["src"] != "10.0.1.1" || h["dport"] != 9999.0 || h["reason"] != "7" || h["func"] != "kfree_skb_reason" {
		t.Errorf("%s", out.String())
	}
}
