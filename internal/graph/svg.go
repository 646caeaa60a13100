package graph

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strings"
	"time"
)

// SVGOptions describes one flame graph.
type SVGOptions struct {
	Title    string // the heading; the root's name when empty
	Subtitle string // a second line under it (who, where, how long)
	Width    int    // pixels; 1200 when zero
}

// Flame graph geometry, in pixels. Labels use a monospace font whose advance
// is about 0.6 of its size, which decides how many characters fit a frame.
const (
	svgMargin   = 10
	svgRowH     = 17
	svgFrameH   = 16
	svgHeadH    = 78
	svgFootH    = 24
	svgFontSize = 11
	svgCharW    = 6.7
	svgMinW     = 0.3 // narrower frames are not drawn; their time stays in the parent
)

// WriteSVG draws the tree under root as a flame graph: the root at the bottom,
// callees stacked above their caller in call order, each as wide as its time.
// Colours are warm and fixed per function name, so one function looks the
// same in every graph. The hottest path (the costliest child at every level)
// is outlined and spelled out under the title. Every frame has a <title>
// that browsers show on hover: function, time, shares, self time.
func WriteSVG(w io.Writer, root *Node, opt SVGOptions) error {
	if opt.Width <= 0 {
		opt.Width = 1200
	}
	if opt.Title == "" {
		opt.Title = root.Name
	}
	hot := map[*Node]bool{}
	path := root.Hottest()
	for _, n := range path {
		hot[n] = true
	}
	depth := maxDepth(root)
	height := svgHeadH + depth*svgRowH + svgFootH
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%d" height="%d" viewBox="0 0 %d %d">
<style>
text { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: %dpx; fill: #000; }
.title { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 17px; font-weight: bold; }
.sub { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 12px; fill: #555; }
.f:hover rect { stroke: #000; stroke-width: 1; }
.hot rect { stroke: #6b1600; stroke-width: 1.5; }
.hot text { font-weight: bold; }
.f { cursor: pointer; }
.ctl { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 12px; fill: #8a2a00; cursor: pointer; text-decoration: underline; }
</style>
<rect x="0" y="0" width="%d" height="%d" fill="#fffaf2"/>
`, opt.Width, height, opt.Width, height, svgFontSize, opt.Width, height)
	fmt.Fprintf(bw, "<text class=\"title\" x=\"%d\" y=\"24\" text-anchor=\"middle\">%s</text>\n", opt.Width/2, esc(opt.Title))
	if opt.Subtitle != "" {
		fmt.Fprintf(bw, "<text class=\"sub\" x=\"%d\" y=\"44\" text-anchor=\"middle\">%s</text>\n", opt.Width/2, esc(opt.Subtitle))
	}
	fmt.Fprintf(bw, "<text class=\"sub\" x=\"%d\" y=\"64\">%s</text>\n", svgMargin, esc(hotLine(path, opt.Width)))
	d := &drawer{w: bw, root: root, hot: hot, base: float64(svgHeadH + (depth-1)*svgRowH)}
	span := float64(opt.Width - 2*svgMargin)
	d.scale = span / float64(max(root.Total, 1))
	d.frame(root, nil, svgMargin, span, 0)
	fmt.Fprintf(bw, "<text class=\"sub\" x=\"%d\" y=\"%d\">width = time: %s us in all; hover a frame for its time and share, click to zoom; outlined = hottest path</text>\n",
		svgMargin, height-8, micros(root.Total))
	writeSVGControls(bw, opt.Width, height)
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

type drawer struct {
	w     *bufio.Writer
	root  *Node
	hot   map[*Node]bool
	base  float64 // y of the root row
	scale float64 // pixels per nanosecond
}

// frame draws n at x with width wid and its children above it. Children are
// laid left to right in call order and never drawn past their parent's edge.
func (d *drawer) frame(n, parent *Node, x, wid float64, level int) {
	if wid < svgMinW {
		return
	}
	y := d.base - float64(level*svgRowH)
	class := "f"
	if d.hot[n] {
		class = "f hot"
	}
	fmt.Fprintf(d.w, "<g class=\"%s\" data-l=\"%d\" data-n=\"%s\"><title>%s</title><rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" rx=\"2\" fill=\"%s\"/>",
		class, level, esc(n.Name), esc(d.note(n, parent)), x, y, wid, svgFrameH, colour(n.Name))
	if label := fit(n.Name, wid); label != "" {
		fmt.Fprintf(d.w, "<text x=\"%.2f\" y=\"%.0f\">%s</text>", x+3, y+12, esc(label))
	}
	d.w.WriteString("</g>\n")
	cx, end := x, x+wid
	for _, c := range n.Children {
		cw := min(float64(c.Total)*d.scale, end-cx)
		d.frame(c, n, cx, cw, level+1)
		cx += max(cw, 0)
	}
}

// note is a frame's hover text.
func (d *drawer) note(n, parent *Node) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s us, %s of %s", n.Name, micros(n.Total), percent(n.Total, d.root.Total), d.root.Name)
	if parent != nil {
		fmt.Fprintf(&b, ", %s of %s", percent(n.Total, parent.Total), parent.Name)
	}
	fmt.Fprintf(&b, "; self %s us", micros(n.Self()))
	if n.Calls > 1 {
		fmt.Fprintf(&b, "; %d calls, %s us each on average", n.Calls, micros(n.Total/time.Duration(n.Calls)))
	}
	if n.IRQ {
		b.WriteString("; in an interrupt")
	}
	return b.String()
}

// hotLine spells out the hottest path; when it is too long for the width
// the middle gives way to "…", keeping the root and the hot end.
func hotLine(path []*Node, width int) string {
	last := path[len(path)-1]
	head := fmt.Sprintf("hottest path (%s in %s): ", percent(last.Total, path[0].Total), last.Name)
	limit := int(float64(width-2*svgMargin)/7.2) - len([]rune(head))
	names := namesOf(path)
	for cut := 1; len([]rune(strings.Join(names, " › "))) > limit && len(path)-cut > 2; cut++ {
		// Drop the frame just after the root, then the next, and so on.
		names = append([]string{path[0].Name, "…"}, namesOf(path[1+cut:])...)
	}
	return head + strings.Join(names, " › ")
}

func namesOf(ns []*Node) []string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.Name
	}
	return s
}

// fit returns the label that fits a frame wid pixels wide: the name, the
// name cut with "..", or nothing.
func fit(name string, wid float64) string {
	n := int((wid - 5) / svgCharW)
	switch {
	case n >= len(name):
		return name
	case n < 3:
		return ""
	default:
		return name[:n-2] + ".."
	}
}

// colour picks a warm colour (reds, oranges, ambers) from a hash of the
// name, so a function keeps its colour across graphs.
func colour(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	v := h.Sum32()
	hue := 2 + 46*float64(v&0xff)/255        // red to amber, never green
	sat := 0.72 + 0.2*float64(v>>8&0xff)/255 // saturated enough to tell apart
	lig := 0.56 + 0.12*float64(v>>16&0xff)/255
	r, g, b := hsl(hue, sat, lig)
	return fmt.Sprintf("rgb(%d,%d,%d)", r, g, b)
}

// hsl converts a hue in degrees, saturation and lightness in [0,1] to RGB.
func hsl(h, s, l float64) (int, int, int) {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g = c, x
	case h < 120:
		r, g = x, c
	case h < 180:
		g, b = c, x
	case h < 240:
		g, b = x, c
	case h < 300:
		r, b = x, c
	default:
		r, b = c, x
	}
	to := func(v float64) int { return int(math.Round((v + m) * 255)) }
	return to(r), to(g), to(b)
}

func maxDepth(n *Node) int {
	d := 0
	for _, c := range n.Children {
		d = max(d, maxDepth(c))
	}
	return d + 1
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// esc makes s safe as XML character data: escapes, and '?' for what XML 1.0
// cannot hold at all (control characters, invalid UTF-8).
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0xfffe || r == 0xffff {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	return xmlEscaper.Replace(s)
}
