package graph

import "time"

// Node is one function in a call tree: Total is its inclusive time as the
// kernel measured it, Calls how many calls were merged into it (1 in the tree
// of a single call).
type Node struct {
	Name     string
	Total    time.Duration
	Calls    int
	IRQ      bool // entered right after an interrupt mark (`==========>`)
	Children []*Node
}

// Self is the time spent in the function itself: its total less its
// children's. Tracing overhead makes it a little larger than the truth.
func (n *Node) Self() time.Duration {
	s := n.Total
	for _, c := range n.Children {
		s -= c.Total
	}
	return max(s, 0)
}

// Size counts the nodes of the tree under n, n included.
func (n *Node) Size() int {
	k := 1
	for _, c := range n.Children {
		k += c.Size()
	}
	return k
}

// hotShare is the smallest share of the root a frame needs to continue the
// hottest path: below it the path would only wander through noise.
const hotShare = 0.05

// Hottest returns the path from n down its costliest children: at each level
// the child with the largest total, as long as it holds at least 5% of n's
// time. The flame graph draws it outlined.
func (n *Node) Hottest() []*Node {
	path := []*Node{n}
	for cur := n; len(cur.Children) > 0; {
		best := cur.Children[0]
		for _, c := range cur.Children[1:] {
			if c.Total > best.Total {
				best = c
			}
		}
		if float64(best.Total) < hotShare*float64(n.Total) {
			break
		}
		path = append(path, best)
		cur = best
	}
	return path
}

// Call is one completed call of the traced function.
type Call struct {
	Seq  int // 1 for the first call seen
	Root *Node
	CPU  int           // where it started, -1 if unknown
	PID  int           // -1 if unknown
	Comm string        // "" if unknown
	Time time.Duration // its start since boot (funcgraph-abstime), -1 if unknown
}

// Merge adds the tree under src into dst, matching children by name along the
// path from the root, as a flame graph of many calls wants. dst must describe
// the same function as src.
func Merge(dst, src *Node) {
	dst.Total += src.Total
	dst.Calls += src.Calls
	for _, sc := range src.Children {
		var dc *Node
		for _, c := range dst.Children {
			if c.Name == sc.Name {
				dc = c
				break
			}
		}
		if dc == nil {
			dc = &Node{Name: sc.Name, IRQ: sc.IRQ}
			dst.Children = append(dst.Children, dc)
		}
		Merge(dc, sc)
	}
}

// Clone copies the tree under n, so merging into the copy leaves n intact.
func (n *Node) Clone() *Node {
	c := &Node{Name: n.Name, Total: n.Total, Calls: n.Calls, IRQ: n.IRQ}
	if len(n.Children) > 0 {
		c.Children = make([]*Node, len(n.Children))
		for i, ch := range n.Children {
			c.Children[i] = ch.Clone()
		}
	}
	return c
}
