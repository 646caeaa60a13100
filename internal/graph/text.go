package graph

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// micros formats d in microseconds with three decimals, as the tracer does.
func micros(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%d.%03d", d/time.Microsecond, d%time.Microsecond)
}

// percent is part's share of whole, "100.0%" when whole is zero.
func percent(part, whole time.Duration) string {
	if whole <= 0 {
		return "100.0%"
	}
	return fmt.Sprintf("%.1f%%", float64(part)*100/float64(whole))
}

// Describe is the one-line heading of a call: which, by whom, where, when, how long.
func Describe(c *Call) string {
	var b strings.Builder
	fmt.Fprintf(&b, "call %d: %s", c.Seq, c.Root.Name)
	if c.PID >= 0 {
		if c.Comm != "" {
			fmt.Fprintf(&b, ", %s-%d", c.Comm, c.PID)
		} else {
			fmt.Fprintf(&b, ", pid %d", c.PID)
		}
	}
	if c.CPU >= 0 {
		fmt.Fprintf(&b, ", CPU %d", c.CPU)
	}
	if c.Time >= 0 {
		fmt.Fprintf(&b, ", at %d.%06d", c.Time/time.Second, c.Time%time.Second/time.Microsecond)
	}
	fmt.Fprintf(&b, ", %s us", micros(c.Root.Total))
	return b.String()
}

// WriteTree writes the tree of one call as indented text: every function with
// its total and self time in microseconds and its share of its parent and of
// the root.
func WriteTree(w io.Writer, c *Call) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# %s\n", Describe(c))
	fmt.Fprintf(bw, "%12s %12s %7s %7s  %s\n", "total(us)", "self(us)", "parent", "root", "function")
	var walk func(n, parent *Node, prefix, branch string)
	walk = func(n, parent *Node, prefix, branch string) {
		p := n.Total
		if parent != nil {
			p = parent.Total
		}
		fmt.Fprintf(bw, "%12s %12s %7s %7s  %s%s%s%s\n", micros(n.Total), micros(n.Self()),
			percent(n.Total, p), percent(n.Total, c.Root.Total), prefix, branch, n.Name, irqTag(n))
		if parent != nil {
			if branch == "└─ " {
				prefix += "   "
			} else {
				prefix += "│  "
			}
		}
		for i, ch := range n.Children {
			br := "├─ "
			if i == len(n.Children)-1 {
				br = "└─ "
			}
			walk(ch, n, prefix, br)
		}
	}
	walk(c.Root, nil, "", "")
	bw.WriteString("\n")
	return bw.Flush()
}

func irqTag(n *Node) string {
	if n.IRQ {
		return " [irq]"
	}
	return ""
}

// WalkHeader names the columns WriteWalk prints.
const WalkHeader = "# call depth total_us self_us function\n"

// WriteWalk writes the calls of one tree in the order they were made, one
// line each: the call's number, the depth, total and self microseconds and the
// function. Flat, for grep and awk.
func WriteWalk(w io.Writer, c *Call) error {
	bw := bufio.NewWriter(w)
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		fmt.Fprintf(bw, "%d %d %s %s %s%s\n", c.Seq, depth, micros(n.Total), micros(n.Self()), n.Name, irqTag(n))
		for _, ch := range n.Children {
			walk(ch, depth+1)
		}
	}
	walk(c.Root, 0)
	return bw.Flush()
}
