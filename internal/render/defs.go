package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/surftrace/surftrace/internal/probe"
	"github.com/surftrace/surftrace/internal/vocab"
)

// ReadDefs reads probe definitions as `surftrace -S` prints them or as
// kprobe_events and uprobe_events list them ("p:GROUP/EVENT TARGET
// NAME=FETCH[:TYPE] …"), so that a saved trace can be split on the names
// its events really have. Other lines ("e:…", "f0 filter: …", comments)
// are skipped.
func ReadDefs(r io.Reader) ([]*probe.Def, error) {
	var defs []*probe.Def
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || len(f[0]) < 3 || (f[0][0] != 'p' && f[0][0] != 'r') {
			continue
		}
		head, ok := strings.CutPrefix(f[0][1:], ":")
		if !ok {
			// r[MAXACTIVE]:GROUP/EVENT
			i := strings.IndexByte(f[0], ':')
			if i < 0 {
				continue
			}
			head = f[0][i+1:]
		}
		_, event, ok := strings.Cut(head, "/")
		if !ok || event == "" {
			return nil, fmt.Errorf("line %d: %q is not GROUP/EVENT", n, head)
		}
		d := &probe.Def{Kind: probe.Kprobe, Name: event, Target: f[1]}
		if f[0][0] == 'r' {
			d.Kind = probe.Kretprobe
		}
		for _, a := range f[2:] {
			name, fetch, ok := strings.Cut(a, "=")
			if !ok || name == "" {
				return nil, fmt.Errorf("line %d: argument %q is not NAME=FETCH", n, a)
			}
			typ := ""
			if i := strings.LastIndexByte(fetch, ':'); i >= 0 && !strings.HasSuffix(fetch, ")") {
				typ = fetch[i+1:]
			}
			d.Args = append(d.Args, probe.Arg{Name: name, Fetch: fetch, Type: typ, Display: vocab.DisplayForName(name)})
		}
		defs = append(defs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read definitions: %w", err)
	}
	return defs, nil
}
