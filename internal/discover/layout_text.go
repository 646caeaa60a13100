package discover

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteLayout prints a layout in pahole's style: one member a line with
// "/* offset size */", "/* offset:bit size */" for bitfields, anonymous
// structs and unions indented in place, holes and the size at the end.
func WriteLayout(w io.Writer, l *Layout) error {
	bw := bufio.NewWriter(w)
	if l.Module != "" {
		fmt.Fprintf(bw, "%s { /* module %s */\n", l.Name, l.Module)
	} else {
		fmt.Fprintf(bw, "%s {\n", l.Name)
	}
	writeMembers(bw, l.Members, 1)
	fmt.Fprintf(bw, "\n\t/* size: %d, members: %d", l.Size, len(l.Members))
	if l.Padding > 0 {
		fmt.Fprintf(bw, ", padding: %d", l.Padding)
	}
	bw.WriteString(" */\n};\n")
	return bw.Flush()
}

// declWidth is where the offset comments start, as in pahole's output.
const declWidth = 48

func writeMembers(bw *bufio.Writer, ms []Member, depth int) {
	ind := strings.Repeat("\t", depth)
	for _, m := range ms {
		var line string
		if m.Members != nil {
			bw.WriteString(ind + m.Kind + " {\n")
			writeMembers(bw, m.Members, depth+1)
			line = ind + "}"
			if m.Name != "" {
				line += " " + m.Name
			}
			line += ";"
		} else {
			line = ind + m.Decl + ";"
		}
		bw.WriteString(line)
		// Tabs count as 8 columns when padding to the comment column.
		col := len(line) + 7*depth
		bw.WriteString(strings.Repeat(" ", max(1, declWidth-col)))
		if m.BitSize > 0 {
			fmt.Fprintf(bw, "/* %5d:%2d %2d */\n", m.Offset, m.Bit, m.Size)
		} else {
			fmt.Fprintf(bw, "/* %5d %5d */\n", m.Offset, m.Size)
		}
		if m.BitHole > 0 {
			fmt.Fprintf(bw, "\n%s/* XXX %d bit%s hole */\n", ind, m.BitHole, plural(m.BitHole))
			if m.Hole == 0 {
				bw.WriteByte('\n')
			}
		}
		if m.Hole > 0 {
			fmt.Fprintf(bw, "\n%s/* XXX %d byte%s hole */\n\n", ind, m.Hole, plural(m.Hole))
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
