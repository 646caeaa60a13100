package discover

import (
	"bufio"
	"io"
	"strings"

	"github.com/surftrace/surftrace/internal/ftrace"
	"github.com/surftrace/surftrace/internal/suggest"
)

// EventEntry is one trace event of a listing.
type EventEntry struct {
	Name   string       `json:"name"` // "sched/sched_switch"
	Fields []EventField `json:"fields,omitempty"`
	// Note says why the fields are missing (a saved list has names only).
	Note string `json:"note,omitempty"`
}

// EventField is one of an event's own fields (the common_* header left
// out): the names an `e` expression's filter may use.
type EventField struct {
	Name   string `json:"name"`
	Type   string `json:"type"` // "char[16]", "pid_t", "__data_loc char[]"
	Offset int    `json:"offset"`
	Size   int    `json:"size"`
	Signed bool   `json:"signed,omitempty"`
}

// Decl declares the field as C: "char prev_comm[16]".
func (f EventField) Decl() string {
	if i := strings.IndexByte(f.Type, '['); i >= 0 {
		return strings.TrimSpace(f.Type[:i]) + " " + f.Name + f.Type[i:]
	}
	return f.Type + " " + f.Name
}

// MatchEvent reports whether "subsys/event" matches pattern: against the
// whole name when the pattern has a '/' (or perf's ':'), else against
// the event's or the subsystem's name, so that `-e 'tcp_*'` and
// `-e sched` both mean what they say.
func MatchEvent(pattern, name string) bool {
	pattern = strings.Replace(pattern, ":", "/", 1)
	if strings.Contains(pattern, "/") {
		return Match(pattern, name)
	}
	sys, ev, _ := strings.Cut(name, "/")
	return Match(pattern, ev) || Match(pattern, sys)
}

// ListEvents keeps the events (sorted "subsys/event" names) matching
// pattern and reads each one's fields with format (nil: names only, as
// from a saved available_events). It wraps ErrNoMatch with the closest
// names.
func ListEvents(names []string, pattern string, format func(sys, ev string) (*ftrace.Format, error)) ([]*EventEntry, error) {
	if pattern == "" {
		pattern = "*"
	}
	if err := ValidPattern(strings.Replace(pattern, ":", "/", 1)); err != nil {
		return nil, err
	}
	var out []*EventEntry
	for _, n := range names {
		if !MatchEvent(pattern, n) {
			continue
		}
		e := &EventEntry{Name: n}
		if format == nil {
			e.Note = "fields unknown (a saved event list has names only)"
		} else {
			sys, ev, _ := strings.Cut(n, "/")
			f, err := format(sys, ev)
			if err != nil {
				e.Note = err.Error()
			} else {
				for _, fl := range f.Fields {
					if !fl.Common {
						e.Fields = append(e.Fields, EventField{Name: fl.Name, Type: fl.Type, Offset: fl.Offset, Size: fl.Size, Signed: fl.Signed})
					}
				}
			}
		}
		out = append(out, e)
	}
	if len(out) == 0 {
		hint := ""
		if name := unglob(strings.Replace(pattern, ":", "/", 1)); !strings.ContainsAny(pattern, "*?[") || len(name) >= 3 {
			hint = suggest.DidYouMeanTail(suggest.Closest(name, eventCandidates(names, pattern), 4))
		}
		return nil, errorf(ErrNoMatch, "no trace event matches %q%s", pattern, hint)
	}
	return out, nil
}

// eventCandidates offers whole names when the pattern names a subsystem
// too, else the events' own names.
func eventCandidates(names []string, pattern string) []string {
	if strings.ContainsAny(pattern, "/:") {
		return names
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, n[strings.IndexByte(n, '/')+1:])
	}
	return out
}

// WriteEvents prints one event a line, as a prototype of its fields:
// "sched/sched_switch(char prev_comm[16], pid_t prev_pid, …)".
func WriteEvents(w io.Writer, entries []*EventEntry) error {
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		bw.WriteString(e.Name)
		if e.Fields != nil {
			var fs []string
			for _, f := range e.Fields {
				fs = append(fs, f.Decl())
			}
			bw.WriteString("(" + strings.Join(fs, ", ") + ")")
		}
		if e.Note != "" && e.Fields == nil && !strings.HasPrefix(e.Note, "fields unknown") {
			bw.WriteString("  (" + e.Note + ")")
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
