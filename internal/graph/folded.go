package graph

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteFolded writes the tree under root as folded stacks, the input of
// flamegraph.pl, inferno and speedscope: one line per call path,
// "root;callee;…;leaf N", N the self time of the last frame in
// nanoseconds. Paths with no self time are left out (their time is in
// their callees' lines), so the values add up to the root's time.
func WriteFolded(w io.Writer, root *Node) error {
	bw := bufio.NewWriter(w)
	var walk func(n *Node, path string)
	walk = func(n *Node, path string) {
		name := strings.ReplaceAll(n.Name, ";", ":")
		if path != "" {
			path += ";"
		}
		path += name
		if self := n.Self(); self > 0 {
			fmt.Fprintf(bw, "%s %d\n", path, self.Nanoseconds())
		}
		for _, c := range n.Children {
			walk(c, path)
		}
	}
	walk(root, "")
	return bw.Flush()
}
