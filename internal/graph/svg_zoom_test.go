package graph

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// browserDOM opens svg in headless Chromium, with script run after the
// graph's own (a click, say), and returns the document as it then is.
func browserDOM(t *testing.T, svg []byte, script, hash string) string {
	t.Helper()
	bin := findChromium(t)
	dir := t.TempDir()
	page := bytes.Replace(svg, []byte("</svg>"), []byte("<script><![CDATA[\n"+script+"\n]]></script>\n</svg>"), 1)
	path := filepath.Join(dir, "graph.svg")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+path+hash)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, errb.String())
	}
	return out.String()
}

// frameState is how a frame is drawn in a DOM: x, width, hidden.
func frameState(t *testing.T, dom, name string) (x, w float64, hidden bool) {
	t.Helper()
	re := regexp.MustCompile(`<g class="f[^"]*" data-l="\d+" data-n="` + regexp.QuoteMeta(name) + `"( style="[^"]*")?><title>[^<]*</title><rect x="([\d.]+)" y="\d+" width="([\d.]+)"`)
	m := re.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no frame %s in the document", name)
	}
	x, _ = strconv.ParseFloat(m[2], 64)
	w, _ = strconv.ParseFloat(m[3], 64)
	return x, w, regexp.MustCompile(`display:\s*none`).MatchString(m[1])
}

const clickJS = `function click(name) {
  var g = [].slice.call(document.querySelectorAll("g.f")).filter(function (g) { return g.getAttribute("data-n") === name; })[0];
  g.querySelector("rect").dispatchEvent(new MouseEvent("click", {bubbles: true}));
}
`

// TestSVGZoomInChromium: a click on a frame spreads it over the whole
// width with its callees scaled alike and its callers full width below,
// hides the rest; Reset zoom puts every frame back; #search= highlights
// the matching frames and says their share.
func TestSVGZoomInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser (-short)")
	}
	c := captured(t, "openat2.txt", "do_sys_openat2")[0]
	svg := renderSVG(t, c.Root, SVGOptions{})
	x0, w0, _ := frameState(t, string(svg), "path_openat")
	cx0, cw0, _ := frameState(t, string(svg), "path_init")

	dom := browserDOM(t, svg, clickJS+`click("path_openat");`, "")
	if x, w, hidden := frameState(t, dom, "path_openat"); hidden || x != 10 || w != 1180 {
		t.Errorf("zoomed frame at x=%v w=%v hidden=%v, want the whole width", x, w, hidden)
	}
	if x, w, hidden := frameState(t, dom, "do_sys_openat2"); hidden || x != 10 || w != 1180 {
		t.Errorf("caller at x=%v w=%v hidden=%v, want the whole width", x, w, hidden)
	}
	k := 1180 / w0
	if x, w, hidden := frameState(t, dom, "path_init"); hidden || abs(x-(10+(cx0-x0)*k)) > 0.02 || abs(w-cw0*k) > 0.02 {
		t.Errorf("callee at x=%v w=%v hidden=%v, want scaled by %.2f", x, w, hidden, k)
	}
	if _, _, hidden := frameState(t, dom, "getname"); !hidden {
		t.Error("a frame outside the zoomed one is still shown")
	}
	if !regexp.MustCompile(`<text id="reset"[^>]*style="(display: ;)?"|<text id="reset" class="ctl" x="10" y="24" style="">`).MatchString(dom) {
		t.Errorf("Reset zoom not shown: %s", regexp.MustCompile(`<text id="reset"[^>]*>`).FindString(dom))
	}

	dom = browserDOM(t, svg, clickJS+`click("path_openat"); document.getElementById("reset").dispatchEvent(new MouseEvent("click", {bubbles: true}));`, "")
	for _, f := range []struct {
		name string
		x, w float64
	}{{"path_openat", x0, w0}, {"path_init", cx0, cw0}} {
		if x, w, hidden := frameState(t, dom, f.name); hidden || abs(x-f.x) > 0.01 || abs(w-f.w) > 0.01 {
			t.Errorf("after reset %s at x=%v w=%v hidden=%v, want %v %v", f.name, x, w, hidden, f.x, f.w)
		}
	}
	if _, _, hidden := frameState(t, dom, "getname"); hidden {
		t.Error("after reset a frame is still hidden")
	}

	dom = browserDOM(t, svg, "", "#search=^getname")
	m := regexp.MustCompile(`<text id="matched"[^>]*>(\d+) frames match \^getname: ([\d.]+)% of the time<`).FindStringSubmatch(dom)
	if m == nil || m[1] != "2" || m[2] != "9.6" {
		t.Errorf("search: %v", m)
	}
	if !regexp.MustCompile(`data-n="getname"><title>[^<]*</title><rect [^>]*fill="rgb\(190,80,230\)"`).MatchString(dom) {
		t.Error("the matching frame is not highlighted")
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
