package graph

import (
	"fmt"
	"io"
)

// svgScript makes a flame graph explorable in any browser, offline: a
// click on a frame zooms to it (its callers stay, full width, below it),
// "Reset zoom" or Escape goes back, "Search" (or Ctrl-F) highlights the
// frames whose name matches a regular expression and says what share of
// the time they hold. Opening FILE.svg#search=REGEX searches at once. The
// layout constants come from WriteSVG: %[1]d the margin, %[2]f the drawing
// width, %[3]f the width of a label's character.
const svgScript = `<script type="text/ecmascript"><![CDATA[
(function () {
  var M = %[1]d, S = %[2]f, CW = %[3]f, NS = "http://www.w3.org/2000/svg";
  var frames = [].slice.call(document.querySelectorAll("g.f"));
  var reset = document.getElementById("reset"), search = document.getElementById("search"), matched = document.getElementById("matched");
  frames.forEach(function (g) {
    var r = g.querySelector("rect");
    g._x = +r.getAttribute("x"); g._w = +r.getAttribute("width"); g._l = +g.getAttribute("data-l");
    g._fill = r.getAttribute("fill");
  });
  function fit(n, w) {
    var k = Math.floor((w - 5) / CW);
    return k >= n.length ? n : k < 3 ? "" : n.slice(0, k - 2) + "..";
  }
  function place(g, x, w) {
    var r = g.querySelector("rect"), t = g.querySelector("text");
    r.setAttribute("x", x.toFixed(2)); r.setAttribute("width", w.toFixed(2));
    if (!t) {
      t = document.createElementNS(NS, "text");
      t.setAttribute("y", +r.getAttribute("y") + 12);
      g.appendChild(t);
    }
    t.setAttribute("x", (x + 3).toFixed(2));
    t.textContent = fit(g.getAttribute("data-n"), w);
    g.style.display = "";
  }
  function zoom(z) {
    var x0 = z._x, w0 = z._w, k = S / w0, e = 1e-6;
    frames.forEach(function (g) {
      if (g._l < z._l && g._x <= x0 + e && g._x + g._w >= x0 + w0 - e) place(g, M, S);
      else if (g._l >= z._l && g._x >= x0 - e && g._x + g._w <= x0 + w0 + e) place(g, M + (g._x - x0) * k, g._w * k);
      else g.style.display = "none";
    });
    reset.style.display = "";
  }
  function unzoom() {
    frames.forEach(function (g) { place(g, g._x, g._w); });
    reset.style.display = "none";
  }
  function find(src) {
    var re;
    try { re = new RegExp(src); } catch (err) { matched.textContent = "not a regular expression: " + src; return; }
    var hits = [];
    frames.forEach(function (g) {
      var on = re.test(g.getAttribute("data-n"));
      g.querySelector("rect").setAttribute("fill", on ? "rgb(190,80,230)" : g._fill);
      if (on) hits.push(g);
    });
    // Nested matches hold time already counted in the outer one.
    var sum = 0;
    hits.forEach(function (g) {
      for (var i = 0; i < hits.length; i++) {
        var a = hits[i];
        if (a._l < g._l && a._x <= g._x + 1e-6 && a._x + a._w >= g._x + g._w - 1e-6) return;
      }
      sum += g._w;
    });
    matched.textContent = hits.length + " frames match " + src + ": " + (100 * sum / S).toFixed(1) + "%% of the time";
    search.textContent = "Clear search";
    search.classList.add("on");
  }
  function clearSearch() {
    frames.forEach(function (g) { g.querySelector("rect").setAttribute("fill", g._fill); });
    matched.textContent = ""; search.textContent = "Search"; search.classList.remove("on");
  }
  function ask() {
    var s = window.prompt("Highlight the functions matching (regular expression):", "");
    if (s) find(s);
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target, g = t.closest ? t.closest("g.f") : null;
    if (g) zoom(g);
    else if (t === reset) unzoom();
    else if (t === search) { if (search.classList.contains("on")) clearSearch(); else ask(); }
  });
  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "f") { ev.preventDefault(); ask(); }
    if (ev.key === "Escape") { unzoom(); clearSearch(); }
  });
  var h = decodeURIComponent(location.hash || "");
  if (h.indexOf("#search=") === 0) find(h.slice(8));
})();
]]></script>
`

// writeSVGControls writes the zoom and search controls and the script
// that drives them.
func writeSVGControls(w io.Writer, width, height int) {
	fmt.Fprintf(w, "<text id=\"reset\" class=\"ctl\" x=\"%d\" y=\"24\" style=\"display:none\">Reset zoom</text>\n", svgMargin)
	fmt.Fprintf(w, "<text id=\"search\" class=\"ctl\" x=\"%d\" y=\"24\" text-anchor=\"end\">Search</text>\n", width-svgMargin)
	fmt.Fprintf(w, "<text id=\"matched\" class=\"sub\" x=\"%d\" y=\"%d\" text-anchor=\"end\"></text>\n", width-svgMargin, height-8)
	fmt.Fprintf(w, svgScript, svgMargin, float64(width-2*svgMargin), svgCharW)
}
