package vm

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
)

// The guest's markers, each at the start of a line of the results port:
//
//	@@@BOOTED <uptime> <release>   /init started
//	@@@BEGIN <name> up=<uptime>    a scenario's output follows
//	@@@END <name> rc=<status> up=<uptime>   its shell's exit status
//	@@@STATE <name> … @@@ENDSTATE  what it left in tracefs, one per line
//	@@@WARN <text>                 set-up trouble (a module that did not load)
//	@@@DONE <uptime>               all scenarios ran
//	@@@DMESG … @@@ENDDMESG         the kernel log, at the end
const markerPrefix = "@@@"

// Scenario is one scenario's result as the guest reported it.
type Scenario struct {
	Name string
	// Output is everything the script printed, line by line.
	Output []string
	// RC is the script's exit status (124 or 143 when the guest's timeout
	// killed it), -1 when it never ended.
	RC int
	// Ended says the END marker was seen; Stated that the state block was.
	Ended, Stated bool
	// Seconds is how long it ran, by the guest's clock (0 if unknown).
	Seconds float64
	// Leftovers are the tracefs entries present after the scenario
	// ("kprobe_events: p:…", "instance: …"); empty is clean.
	Leftovers []string
}

// Report is the whole run as the guest reported it.
type Report struct {
	Booted    bool
	BootUp    float64 // guest uptime in seconds when /init started
	Release   string  // the guest's uname -r
	Done      bool
	DoneUp    float64
	Warnings  []string
	Scenarios []*Scenario
	Dmesg     []string // the guest's kernel log, when it got that far
	// Files are what the guest captured (@@@FILE blocks), by name, still
	// gzipped; Captured says the capture ran to its end.
	Files    map[string][]byte
	Captured bool
}

// Scenario returns the named scenario's result, or nil if it never began.
func (r *Report) Scenario(name string) *Scenario {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// ParseResults reads the results port's text. It never fails: a run cut
// short leaves the last scenario without Ended, which callers report.
func ParseResults(out []byte) *Report {
	r := &Report{}
	var cur *Scenario
	var begun float64
	inState, inDmesg := false, false
	var file string
	var b64 strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !strings.HasPrefix(line, markerPrefix) {
			switch {
			case file != "":
				b64.WriteString(line)
			case inDmesg:
				r.Dmesg = append(r.Dmesg, line)
			case inState && cur != nil:
				if line != "" {
					cur.Leftovers = append(cur.Leftovers, line)
				}
			case cur != nil && !cur.Ended:
				cur.Output = append(cur.Output, line)
			}
			continue
		}
		f := strings.Fields(strings.TrimPrefix(line, markerPrefix))
		if len(f) == 0 {
			continue
		}
		arg := func(i int) string {
			if i < len(f) {
				return f[i]
			}
			return ""
		}
		switch f[0] {
		case "BOOTED":
			r.Booted = true
			r.BootUp, _ = strconv.ParseFloat(arg(1), 64)
			r.Release = arg(2)
		case "BEGIN":
			cur = &Scenario{Name: arg(1), RC: -1}
			begun = upArg(arg(2))
			r.Scenarios = append(r.Scenarios, cur)
			inState = false
		case "END":
			if cur != nil && cur.Name == arg(1) {
				cur.Ended = true
				if rc, ok := strings.CutPrefix(arg(2), "rc="); ok {
					cur.RC, _ = strconv.Atoi(rc)
				}
				if end := upArg(arg(3)); end > 0 && begun > 0 {
					cur.Seconds = end - begun
				}
			}
		case "STATE":
			inState = cur != nil && cur.Name == arg(1)
		case "ENDSTATE":
			if inState {
				cur.Stated = true
			}
			inState = false
		case "WARN":
			r.Warnings = append(r.Warnings, strings.TrimSpace(strings.TrimPrefix(line, markerPrefix+"WARN")))
		case "FILE":
			file = arg(1)
			b64.Reset()
		case "ENDFILE":
			if data, err := base64.StdEncoding.DecodeString(b64.String()); err == nil && file != "" {
				if r.Files == nil {
					r.Files = map[string][]byte{}
				}
				r.Files[file] = data
			}
			file = ""
		case "CAPTURED":
			r.Captured = true
		case "DMESG":
			inDmesg = true
		case "ENDDMESG":
			inDmesg = false
		case "DONE":
			r.Done = true
			r.DoneUp, _ = strconv.ParseFloat(arg(1), 64)
		}
	}
	return r
}

// upArg reads an "up=SECONDS" marker argument; 0 when absent.
func upArg(a string) float64 {
	v, ok := strings.CutPrefix(a, "up=")
	if !ok {
		return 0
	}
	f, _ := strconv.ParseFloat(v, 64)
	return f
}
