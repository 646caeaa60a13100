package disasm

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// FormatOptions chooses what a listing shows.
type FormatOptions struct {
	Bytes    bool // the encoding of each instruction
	NoSource bool // leave out file:line and source text even with DWARF
}

// Format writes the listing the way gdb's `disassemble /s` reads: a header,
// notes, then one instruction per line as `ADDR <+OFF>: TEXT <target>  #
// note`, source lines interleaved where they change.
func (l *Listing) Format(w io.Writer, opts FormatOptions) error {
	bw := bufio.NewWriter(w)
	where := "kernel"
	if l.Module != "" {
		where = "kernel module " + l.Module
	}
	if l.Object != "" {
		where = l.Object
	}
	fmt.Fprintf(bw, "Dump of %s in %s, %#x-%#x (%d bytes)", l.Name, where, l.Addr, l.Addr+l.Size, l.Size)
	if l.Object != "" {
		fmt.Fprintf(bw, ", file offset %#x", l.FileOffset)
	}
	bw.WriteString(":\n")
	for _, n := range l.Notes {
		fmt.Fprintf(bw, "note: %s\n", n)
	}
	src := newSourceCache()
	var last SourcePos
	for i, in := range l.Insts {
		if p, ok := l.Lines[i]; ok && !opts.NoSource && p != last {
			src.write(bw, p)
			last = p
		}
		writeInst(bw, in, fmt.Sprintf("<+%d>", in.Off), opts)
	}
	fmt.Fprintf(bw, "End of dump. Probe an instruction with %s.\n", l.probeHint())
	return bw.Flush()
}

func (l *Listing) probeHint() string {
	if l.Object != "" {
		return fmt.Sprintf("'P %s:%s+OFF'", l.Object, l.Name)
	}
	name := l.Name
	if l.Module != "" {
		name = l.Module + ":" + name
	}
	if l.NotProbeable {
		return fmt.Sprintf("'p %s+OFF' (refused here: see the notes)", name)
	}
	return fmt.Sprintf("'p %s+OFF'", name)
}

// Format writes each range of the line's code with every instruction
// labelled FUNC+OFF, the form `p`/`P` probes take.
func (ll *LineListing) Format(w io.Writer, opts FormatOptions) error {
	bw := bufio.NewWriter(w)
	plural := "s"
	if len(ll.Ranges) == 1 {
		plural = ""
	}
	fmt.Fprintf(bw, "Code for %s:%d", ll.File, ll.Line)
	if ll.Object != "" {
		fmt.Fprintf(bw, " in %s", ll.Object)
	}
	fmt.Fprintf(bw, ": %d range%s\n", len(ll.Ranges), plural)
	src := newSourceCache()
	if !opts.NoSource {
		src.write(bw, SourcePos{ll.File, ll.Line})
	}
	for _, r := range ll.Ranges {
		if r.Func != "" {
			fmt.Fprintf(bw, "%s+%d..+%d (%#x-%#x)", r.Func, r.Lo-r.FuncAddr, r.Hi-r.FuncAddr, r.Lo, r.Hi)
			if ll.Object != "" {
				fmt.Fprintf(bw, ", function at file offset %#x", r.FuncFile)
			}
			bw.WriteString(":\n")
		} else {
			fmt.Fprintf(bw, "%#x-%#x (no function symbol covers it):\n", r.Lo, r.Hi)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(bw, "note: %s\n", n)
		}
		for _, in := range r.Insts {
			label := fmt.Sprintf("<%#x>", in.Addr)
			if r.Func != "" {
				label = fmt.Sprintf("<%s+%d>", r.Func, in.Addr-r.FuncAddr)
			}
			writeInst(bw, in, label, opts)
		}
	}
	return bw.Flush()
}

func writeInst(bw *bufio.Writer, in Inst, label string, opts FormatOptions) {
	fmt.Fprintf(bw, "   %#x %s:\t", in.Addr, label)
	if opts.Bytes {
		fmt.Fprintf(bw, "%-21s\t", fmt.Sprintf("% x", in.Bytes))
	}
	bw.WriteString(in.Text)
	switch {
	case in.MemRef != 0 && in.Target != "":
		fmt.Fprintf(bw, "\t# %#x <%s>", in.MemRef, in.Target)
	case in.MemRef != 0:
		fmt.Fprintf(bw, "\t# %#x", in.MemRef)
	case in.Target != "":
		fmt.Fprintf(bw, " <%s>", in.Target)
	}
	if in.Note != "" {
		fmt.Fprintf(bw, "\t# %s", in.Note)
	}
	bw.WriteByte('\n')
}

// sourceCache reads source files once, for interleaving their lines.
type sourceCache map[string][]string

func newSourceCache() sourceCache { return sourceCache{} }

// write prints "file:line" and the line's text when the file is readable.
func (c sourceCache) write(bw *bufio.Writer, p SourcePos) {
	lines, ok := c[p.File]
	if !ok {
		if b, err := os.ReadFile(p.File); err == nil {
			lines = strings.Split(string(b), "\n")
		}
		c[p.File] = lines
	}
	if p.Line >= 1 && p.Line <= len(lines) {
		fmt.Fprintf(bw, "%s:%d\t%s\n", p.File, p.Line, strings.TrimRight(lines[p.Line-1], " \t\r"))
		return
	}
	fmt.Fprintf(bw, "%s:%d\n", p.File, p.Line)
}
