package discover

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// WriteFuncs prints a listing for people, one function a line: its
// prototype (or name and why it has none), the module in brackets, and
// its compiler clones indented under it. With skb the line starts with
// the sk_buff argument(s) to use as %N.
func WriteFuncs(w io.Writer, entries []*FuncEntry, skb bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, e := range entries {
		if skb {
			refs := e.SkbRefs()
			bw.WriteString(refs)
			bw.WriteString(strings.Repeat(" ", max(1, 6-len(refs))))
		}
		head := e.Prototype
		if head == "" {
			head = e.Name
		}
		bw.WriteString(head)
		if e.Module != "" {
			bw.WriteString(" [" + e.Module + "]")
		}
		var notes []string
		if e.IFUNC {
			notes = append(notes, "IFUNC: a probe here only sees the resolver")
		}
		if e.Copies > 1 {
			notes = append(notes, strconv.Itoa(e.Copies)+" functions of this name: probe MODULE:name or an address")
		}
		if !e.Probeable && len(e.Clones) > 0 {
			notes = append(notes, "only as compiler clones")
		}
		if e.NotLoaded {
			notes = append(notes, "module "+e.Module+" is not loaded: modprobe "+e.Module)
		}
		if e.Note != "" && (e.Probeable || e.Prototype == "") && e.Note != CloneNote {
			notes = append(notes, e.Note)
		}
		if len(notes) > 0 {
			bw.WriteString("  (" + strings.Join(notes, "; ") + ")")
		}
		bw.WriteByte('\n')
		for _, c := range e.Clones {
			bw.WriteString("    " + c + "  " + CloneNote + "\n")
		}
	}
	return bw.Flush()
}
