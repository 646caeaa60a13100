package graph

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

var pngOut = flag.String("png", "", "TestSVGInChromium: also copy the screenshot here (docs/graph-example.png)")

// captured returns the calls of fn in a testdata capture.
func captured(t testing.TB, file, fn string) []*Call {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := NewBuilder(fn)
	var calls []*Call
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if c := b.AddText(sc.Text()); c != nil {
			calls = append(calls, c)
		}
	}
	return calls
}

func renderSVG(t testing.TB, root *Node, opt SVGOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSVG(&buf, root, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var rectRE = regexp.MustCompile(`<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="16"`)

func TestSVG(t *testing.T) {
	c := captured(t, "openat2.txt", "do_sys_openat2")[0]
	svg := renderSVG(t, c.Root, SVGOptions{Subtitle: Describe(c)})
	titles := svgTitles(t, svg)
	for _, want := range []string{
		"do_sys_openat2: 566.508 us, 100.0% of do_sys_openat2; self 21.380 us",
		"getname: 54.609 us, 9.6% of do_sys_openat2, 9.6% of do_sys_openat2; self 3.612 us",
		"getname_flags.part.0: 50.997 us, 9.0% of do_sys_openat2, 93.4% of getname; self 7.705 us",
		"path_openat: ",
	} {
		if !hasPrefix(titles, want) {
			t.Errorf("no frame titled %q…", want)
		}
	}
	// Width is time: the root spans the drawing, getname its share of it.
	rects := rectRE.FindAllSubmatch(svg, -1)
	if len(rects) < 50 {
		t.Fatalf("%d frames drawn", len(rects))
	}
	if w, _ := strconv.ParseFloat(string(rects[0][2]), 64); w != 1180 {
		t.Errorf("root frame %v px wide, want 1180", w)
	}
	if w, _ := strconv.ParseFloat(string(rects[1][2]), 64); w < 113.5 || w > 114 {
		t.Errorf("getname frame %v px wide, want 9.6%% of 1180", w)
	}
	for _, want := range []string{`class="f hot"`, "hottest path (", "call 1: do_sys_openat2, CPU 1"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

// TestSVGEscapes: names and titles never break the XML.
func TestSVGEscapes(t *testing.T) {
	root := &Node{Name: `a<b>&"c"`, Total: 10, Calls: 1, Children: []*Node{
		{Name: "ctl\x01\xffx", Total: 5, Calls: 1},
	}}
	titles := svgTitles(t, renderSVG(t, root, SVGOptions{Subtitle: "it's <fine> & \x07"}))
	if !hasPrefix(titles, `a<b>&"c": `) || !hasPrefix(titles, "ctl??x: ") {
		t.Errorf("titles %q", titles)
	}
}

func TestSVGEmptyAndDeep(t *testing.T) {
	svgTitles(t, renderSVG(t, &Node{Name: "f"}, SVGOptions{}))
	deep := &Node{Name: "f", Total: 100, Calls: 1}
	n := deep
	for i := range 200 {
		c := &Node{Name: fmt.Sprintf("g%d", i), Total: n.Total, Calls: 1}
		n.Children = []*Node{c}
		n = c
	}
	svg := renderSVG(t, deep, SVGOptions{})
	if got := len(svgTitles(t, svg)); got != 201 {
		t.Errorf("%d frames, want 201", got)
	}
	if !bytes.Contains(svg, []byte("f › … › ")) {
		t.Error("a long hottest path is not shortened in the middle")
	}
}

func TestColour(t *testing.T) {
	for _, name := range []string{"do_sys_openat2", "getname", "path_openat", "_raw_spin_lock", "x"} {
		c := colour(name)
		if c != colour(name) {
			t.Fatalf("colour of %s changes", name)
		}
		var r, g, b int
		if _, err := fmt.Sscanf(c, "rgb(%d,%d,%d)", &r, &g, &b); err != nil {
			t.Fatal(err)
		}
		if r < 200 || g >= r || b >= g {
			t.Errorf("%s: %s is not a warm colour", name, c)
		}
	}
}

// TestSVGInChromium renders a flame graph in headless Chromium and checks
// the screenshot shows it: many colours, mostly warm, little blank.
func TestSVGInChromium(t *testing.T) {
	bin := findChromium(t)
	c := captured(t, "net-ping.txt", "ip_finish_output2")[0]
	svg := renderSVG(t, c.Root, SVGOptions{Subtitle: Describe(c)})
	dir := t.TempDir()
	svgPath := filepath.Join(dir, "graph.svg")
	if err := os.WriteFile(svgPath, svg, 0o644); err != nil {
		t.Fatal(err)
	}
	height := regexp.MustCompile(`height="(\d+)" viewBox`).FindSubmatch(svg)
	shot := filepath.Join(dir, "graph.png")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot,
		"--window-size=1200,"+string(height[1]), "file://"+svgPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colours := map[uint32]bool{}
	var all, blank, warm int
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			all++
			colours[r<<16|g<<8|b] = true
			if r > 245 && g > 240 && b > 230 {
				blank++ // white or the page's cream background
			}
			if r > 190 && g < r-20 && b < g {
				warm++
			}
		}
	}
	t.Logf("%dx%d screenshot: %d colours, %.0f%% background, %.0f%% warm frames",
		bounds.Dx(), bounds.Dy(), len(colours), 100*float64(blank)/float64(all), 100*float64(warm)/float64(all))
	if len(colours) < 50 || warm < all/5 || blank > all*3/4 {
		t.Errorf("the screenshot looks blank or wrong: %d colours, %d of %d pixels background, %d warm", len(colours), blank, all, warm)
	}
	if *pngOut != "" {
		b, err := os.ReadFile(shot)
		if err == nil {
			err = os.WriteFile(*pngOut, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// findChromium returns the browser (scripts/deps.sh installs it). Tests
// never install anything: without it they skip, or fail under CI=true.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium (scripts/deps.sh installs it; CI=true: required)")
	}
	t.Skip("no chromium (scripts/deps.sh installs it)")
	return ""
}

func BenchmarkWriteSVG(b *testing.B) {
	c := captured(b, "net-ping.txt", "ip_finish_output2")[0]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteSVG(&buf, c.Root, SVGOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}
