package skb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ErrCountReached ends a stream once Printer.Max events were shown.
var ErrCountReached = errors.New("event count reached")

// Printer turns trace_pipe bytes into one line (or JSON object) per shown
// event. It is an io.Writer so ftrace.Session.Stream can feed it; partial
// lines are kept for the next write.
type Printer struct {
	Out     io.Writer
	JSON    bool
	Plan    *Plan
	Tracker *Tracker
	// Max stops the stream after this many shown events (0: no limit).
	Max int
	// OnOther receives lines that are not events ("CPU:1 [LOST 3
	// EVENTS]"); nil drops them.
	OnOther func(line []byte)

	shown, seen int
	header      bool
	partial     []byte
	buf         bytes.Buffer
	ev          Event
}

// Write consumes trace_pipe output.
func (pr *Printer) Write(b []byte) (int, error) {
	n := len(b)
	if len(pr.partial) > 0 {
		b = append(pr.partial, b...)
		pr.partial = pr.partial[:0]
	}
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			pr.partial = append(pr.partial[:0], b...)
			break
		}
		if err := pr.Line(b[:i]); err != nil {
			return n, err
		}
		b = b[i+1:]
	}
	if pr.buf.Len() > 0 {
		_, err := pr.Out.Write(pr.buf.Bytes())
		pr.buf.Reset()
		if err != nil {
			return n, err
		}
	}
	if pr.Max > 0 && pr.shown >= pr.Max {
		return n, ErrCountReached
	}
	return n, nil
}

// Shown and Seen count the events printed and parsed.
func (pr *Printer) Shown() int { return pr.shown }

// Seen is the number of events parsed, shown or not.
func (pr *Printer) Seen() int { return pr.seen }

// Line handles one trace_pipe line.
func (pr *Printer) Line(line []byte) error {
	if pr.Max > 0 && pr.shown >= pr.Max {
		return nil
	}
	ev := &pr.ev
	err := ParseEvent(line, ev)
	if errors.Is(err, ErrNoSkb) {
		return nil
	}
	if err != nil || ev.Probe < 0 || ev.Probe >= len(pr.Plan.Cands) {
		if pr.OnOther != nil && len(bytes.TrimSpace(line)) > 0 {
			pr.OnOther(line)
		}
		return nil
	}
	pr.seen++
	c := pr.Plan.Cands[ev.Probe]
	p := Decode(ev)
	if pr.Tracker != nil && !pr.Tracker.Show(ev, &p, c.Func) {
		return nil
	}
	pr.shown++
	if pr.JSON {
		return pr.json(ev, &p, c)
	}
	if !pr.header {
		pr.header = true
		fmt.Fprintf(&pr.buf, "%-16s %-3s %-20s %-18s %-32s %s\n", "TIME", "CPU", "PROCESS", "SKB", "FUNC", "PACKET")
	}
	fmt.Fprintf(&pr.buf, "%-16s %03d %-20s 0x%016x %-32s %s\n", ev.Time, ev.CPU, ev.Comm+":"+strconv.Itoa(ev.Pid), ev.Skb, funcName(c), pr.details(ev, &p))
	return nil
}

func funcName(c Candidate) string {
	if c.Module != "" {
		return c.Func + " [" + c.Module + "]"
	}
	return c.Func
}

// details is the packet column: the tuple where known, then len, dev,
// mark and the drop reason.
func (pr *Printer) details(ev *Event, p *Packet) string {
	var b strings.Builder
	if t := p.Tuple(); t != "" {
		b.WriteString(t)
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "len=%d", ev.Len)
	if ev.Ifindex > 0 {
		fmt.Fprintf(&b, " dev=%d", ev.Ifindex)
	}
	if ev.Mark != 0 {
		fmt.Fprintf(&b, " mark=%#x", ev.Mark)
	}
	if ev.HasReason {
		b.WriteString(" reason=" + pr.reasonName(ev))
	}
	return b.String()
}

// reasonName is the drop reason's enumerator name, or its number when
// this kernel's BTF does not name it.
func (pr *Printer) reasonName(ev *Event) string {
	for _, a := range pr.Plan.Defs[ev.Probe].Args {
		if a.Name == "reason" {
			if n, ok := a.Enum[ev.Reason]; ok {
				return n
			}
		}
	}
	return strconv.FormatInt(ev.Reason, 10)
}

// jsonHit is one shown event in --json: pointers as "0x…" strings,
// numbers as numbers, unknown fields left out.
type jsonHit struct {
	Time    string `json:"time"`
	CPU     int    `json:"cpu"`
	Comm    string `json:"comm"`
	Pid     int    `json:"pid"`
	Skb     string `json:"skb"`
	Func    string `json:"func"`
	Module  string `json:"module,omitempty"`
	Family  int    `json:"family,omitempty"`
	Src     string `json:"src,omitempty"`
	Dst     string `json:"dst,omitempty"`
	Proto   string `json:"proto,omitempty"`
	Sport   *int   `json:"sport,omitempty"`
	Dport   *int   `json:"dport,omitempty"`
	Len     uint32 `json:"len"`
	Ifindex int32  `json:"ifindex,omitempty"`
	Mark    uint32 `json:"mark,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

func (pr *Printer) json(ev *Event, p *Packet, c Candidate) error {
	h := jsonHit{
		Time: ev.Time, CPU: ev.CPU, Comm: ev.Comm, Pid: ev.Pid,
		Skb: fmt.Sprintf("0x%016x", ev.Skb), Func: c.Func, Module: c.Module,
		Len: ev.Len, Ifindex: max(ev.Ifindex, 0), Mark: ev.Mark,
	}
	if p.Family != 0 {
		h.Family, h.Src, h.Dst, h.Proto = p.Family, p.Src.String(), p.Dst.String(), ProtoName(p.Proto)
		if p.Ports {
			s, d := int(p.Sport), int(p.Dport)
			h.Sport, h.Dport = &s, &d
		}
	}
	if ev.HasReason {
		h.Reason = pr.reasonName(ev)
	}
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	pr.buf.Write(b)
	pr.buf.WriteByte('\n')
	return nil
}
