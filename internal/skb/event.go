package skb

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors of ParseEvent.
var (
	// ErrNotEvent: a trace_pipe line that is not one of the run's events
	// (a lost-events notice, another tracer's line).
	ErrNotEvent = errors.New("not an skb event")
	// ErrNoSkb: an event whose sk_buff pointer is NULL; some functions
	// take an optional skb (ip_route_output_key_hash).
	ErrNoSkb = errors.New("event without an skb")
)

// Event is one hit of a probe: the trace line's header and the fetched
// sk_buff fields, as the kernel printed them.
type Event struct {
	Comm string
	Pid  int
	CPU  int
	Time string // seconds, as the kernel printed them
	// Probe is N of the event sN: the index into Plan.Defs.
	Probe int

	Skb, Head, Data uint64
	NH              uint16 // skb->network_header, from head
	Len             uint32
	// Proto is skb->protocol as read from memory: a big-endian
	// EtherType read little-endian (ETH_P_IP reads 0x0008).
	Proto   uint16
	Mark    uint32
	Ifindex int32
	// Reason is the drop reason when the function takes one.
	Reason    int64
	HasReason bool

	Pkt   [windowBytes]byte
	PktOK bool // false when the window read faulted
}

// ParseEvent reads one trace_pipe line of an skb probe:
//
//	COMM-PID [(TGID)] [CPU] FLAGS TIMESTAMP: sN: (LOC) skb=0x… head=0x… … pkt={0x…,…}
//
// It wraps ErrNotEvent for lines of another shape.
func ParseEvent(line []byte, ev *Event) error {
	*ev = Event{}
	// The event name follows "TIMESTAMP: "; find ": s<digits>: ".
	i := 0
	for {
		j := bytes.Index(line[i:], []byte(": s"))
		if j < 0 {
			return ErrNotEvent
		}
		i += j
		k := i + 3
		for k < len(line) && line[k] >= '0' && line[k] <= '9' {
			k++
		}
		if k > i+3 && k+1 < len(line) && line[k] == ':' && line[k+1] == ' ' {
			n, _ := strconv.Atoi(string(line[i+3 : k]))
			ev.Probe = n
			if err := parseHeader(string(line[:i]), ev); err != nil {
				return err
			}
			return parseArgs(string(line[k+2:]), ev)
		}
		i = k
	}
}

// parseHeader reads "COMM-PID [(TGID)] [CPU] FLAGS TIMESTAMP".
func parseHeader(h string, ev *Event) error {
	sp := strings.LastIndexByte(h, ' ')
	ev.Time = h[sp+1:]
	// The CPU is the last "[digits]" before the timestamp.
	cpuEnd := strings.LastIndex(h, "] ")
	if cpuEnd < 0 {
		return fmt.Errorf("%w: no [CPU] in %q", ErrNotEvent, h)
	}
	cpuStart := strings.LastIndexByte(h[:cpuEnd], '[')
	if cpuStart < 0 {
		return fmt.Errorf("%w: no [CPU] in %q", ErrNotEvent, h)
	}
	cpu, err := strconv.Atoi(h[cpuStart+1 : cpuEnd])
	if err != nil {
		// The flags may be bracketed on some kernels; the CPU comes first.
		return fmt.Errorf("%w: bad CPU in %q", ErrNotEvent, h)
	}
	ev.CPU = cpu
	task := strings.TrimSpace(h[:cpuStart])
	if k := strings.LastIndex(task, " ("); k >= 0 && strings.HasSuffix(task, ")") {
		task = strings.TrimSpace(task[:k]) // the (TGID) column
	}
	dash := strings.LastIndexByte(task, '-')
	if dash < 0 {
		return fmt.Errorf("%w: no COMM-PID in %q", ErrNotEvent, h)
	}
	ev.Comm = task[:dash]
	ev.Pid, _ = strconv.Atoi(task[dash+1:])
	return nil
}

// parseArgs reads "(LOC) name=value …". Every value is one word: numbers
// and the {…} array have no spaces.
func parseArgs(s string, ev *Event) error {
	if strings.HasPrefix(s, "(") {
		if k := strings.Index(s, ") "); k >= 0 {
			s = s[k+2:]
		}
	}
	var seen int
	for _, f := range strings.Fields(s) {
		name, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		if name == "pkt" {
			ev.PktOK = words(val, &ev.Pkt)
			seen++
			continue
		}
		v, ok := num(val)
		switch name {
		case "skb":
			ev.Skb = v
		case "head":
			ev.Head = v
		case "data":
			ev.Data = v
		case "nh":
			ev.NH = uint16(v)
		case "len":
			ev.Len = uint32(v)
		case "proto":
			ev.Proto = uint16(v)
		case "mark":
			ev.Mark = uint32(v)
		case "ifindex":
			ev.Ifindex = int32(v) // the kernel's int, printed as s32 or u32
		case "reason":
			ev.Reason, ev.HasReason = int64(int32(v)), ok
		default:
			continue
		}
		if !ok {
			continue // a faulted read: the field stays zero
		}
		seen++
	}
	if seen == 0 {
		return fmt.Errorf("%w: no skb fields in %q", ErrNotEvent, s)
	}
	if ev.Skb == 0 {
		return ErrNoSkb
	}
	return nil
}

// num parses a decimal, negative decimal or 0x number.
func num(s string) (uint64, bool) {
	if strings.HasPrefix(s, "-") {
		v, err := strconv.ParseInt(s, 10, 64)
		return uint64(v), err == nil
	}
	v, err := strconv.ParseUint(s, 0, 64)
	return v, err == nil
}

// words fills dst from "{0x…,0x…}", each u64 stored little-endian as it
// lay in memory.
func words(s string, dst *[windowBytes]byte) bool {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return false
	}
	parts := strings.Split(s[1:len(s)-1], ",")
	if len(parts) != windowWords {
		return false
	}
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 0, 64)
		if err != nil {
			return false
		}
		for b := 0; b < 8; b++ {
			dst[i*8+b] = byte(v >> (8 * b))
		}
	}
	return true
}
