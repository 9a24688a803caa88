package plots

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/elmneuron/elm/plots/assets"
	"github.com/elmneuron/elm/plots/browsercheck"
)

// allElements builds every figure plus the HTML-only elements, for the example page.
func allElements(t *testing.T) ([]*Chart, []Element) {
	t.Helper()
	var chartsOut []*Chart
	var elems []Element
	for _, fc := range figureCases(t) {
		c, err := fc.build()
		if err != nil {
			t.Fatalf("%s: %v", fc.name, err)
		}
		chartsOut = append(chartsOut, c)
		elems = append(elems, c)
	}
	p := NewProgress("Training Branch-ELM d_m 20", "loss", 300)
	for i, s := range sampleCurve().Steps {
		p.Add(s, sampleCurve().Loss[i])
	}
	elems = append(elems,
		Table{Caption: "ELM vs LSTM on sequential Fashion-MNIST (short budget)",
			Header: []string{"model", "parameters", "accuracy (%)", "training time"},
			Rows: [][]string{{"ELM d_m 100", "53,402", "81.2", "3m10s"},
				{"LSTM 64", "17,290", "77.9", "4m02s"}},
			Note: "Test numbers after 2 epochs on 2 CPU cores."},
		SweepSummary{Name: "τ_max sweep", Total: 14, Done: 9, Running: 2, Failed: 1,
			Metric: "AUC", BestRun: "tau_max=150/seed=1", BestValue: 0.9712,
			Elapsed: 95 * time.Second, Errors: []string{"tau_max=2/seed=2: loss is NaN"}},
		p)
	return chartsOut, elems
}

func TestChartHTML(t *testing.T) {
	chs, _ := allElements(t)
	ids := map[string]bool{}
	for _, c := range chs {
		h := c.HTML()
		if ids[c.ID()] {
			t.Errorf("duplicate chart id %s", c.ID())
		}
		ids[c.ID()] = true
		for _, want := range []string{`class="elm-chart" id="` + c.ID() + `"`,
			`renderer:"svg"`, `el.setAttribute("data-rendered","true")`,
			`typeof echarts==="undefined"`, "echarts is not loaded", `"animation":false`} {
			if !strings.Contains(h, want) {
				t.Errorf("%s: chart HTML lacks %q", c.Title(), want)
			}
		}
		if strings.Contains(h, "http://") || strings.Contains(h, "https://") {
			t.Errorf("%s: chart HTML references a URL", c.Title())
		}
		if strings.Count(strings.ToLower(h), "</script") != 1 {
			t.Errorf("%s: chart HTML has %d </script>, want 1 (its own)", c.Title(),
				strings.Count(strings.ToLower(h), "</script"))
		}
	}
}

func TestEChartsAsset(t *testing.T) {
	sum := sha256.Sum256([]byte(assets.EChartsJS))
	if hex.EncodeToString(sum[:]) != assets.EChartsSHA256 {
		t.Errorf("embedded echarts.min.js sha256 %x, want %s", sum, assets.EChartsSHA256)
	}
	// The licence files must sit beside the copy, unchanged from the npm package.
	lic, err := os.ReadFile(filepath.Join("assets", "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lic, []byte("Apache License")) || !bytes.Contains(lic,
		[]byte("Version 2.0, January 2004")) || string(lic) != assets.License {
		t.Error("assets/LICENSE is not the Apache License 2.0 text embedded as License")
	}
	notice, err := os.ReadFile(filepath.Join("assets", "NOTICE"))
	if err != nil || !bytes.Contains(notice, []byte("Apache ECharts")) {
		t.Errorf("assets/NOTICE: %v %q", err, notice)
	}
	if !strings.Contains(assets.LicenseD3, "Mike Bostock") {
		t.Error("LICENSE-d3 is not d3's licence")
	}
	// The SVG renderer must be in the bundle (echarts.simple lacks it).
	if !strings.Contains(assets.EChartsJS, "SVGRenderer") &&
		!strings.Contains(assets.EChartsJS, "svg") {
		t.Error("embedded echarts has no SVG renderer")
	}
	s := EChartsScript()
	if !strings.HasPrefix(s, "<script>"+EChartsMarker) ||
		!strings.Contains(s, "(function(define,module,exports){") ||
		strings.Count(strings.ToLower(s), "</script") != 1 {
		t.Error("EChartsScript is not one wrapped inline script")
	}
}

func TestWriteHTML(t *testing.T) {
	_, elems := allElements(t)
	path := filepath.Join(t.TempDir(), "figures.html")
	if err := WriteHTML(path, elems...); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	if n := strings.Count(page, EChartsMarker); n != 1 {
		t.Errorf("echarts marker appears %d times, want 1", n)
	}
	// A distinctive piece of the bundle itself, not only our marker.
	probe := assets.EChartsJS[len(assets.EChartsJS)/2 : len(assets.EChartsJS)/2+200]
	if n := strings.Count(page, probe); n != 1 {
		t.Errorf("echarts bundle inlined %d times, want 1", n)
	}
	if refs := browsercheck.NetworkRefs(page); len(refs) != 0 {
		t.Errorf("page references network assets: %v", refs)
	}
	if strings.Contains(page, "<script src") {
		t.Error("page loads an external script")
	}
	if n := strings.Count(page, `class="elm-chart"`); n != 11 {
		t.Errorf("page has %d chart containers, want 11", n)
	}
	for _, want := range []string{"ELM vs LSTM", "τ_max sweep", "10 of 14 runs finished",
		"best so far",
		"tau_max=150/seed=1: AUC 0.9712", "loss is NaN", "<polyline", "step 300 of 300"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if err := WriteHTML(filepath.Join(t.TempDir(), "no", "such", "dir.html"), elems...); err == nil {
		t.Error("WriteHTML into a missing directory succeeded")
	}
}

func TestTableEscapes(t *testing.T) {
	h := Table{Caption: "<b>x</b>", Header: []string{"a", "b"},
		Rows: [][]string{{"<script>"}}}.HTML()
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>x") {
		t.Errorf("table does not escape text: %s", h)
	}
	if strings.Count(h, "<td") != 2 {
		t.Errorf("short row not padded to 2 cells: %s", h)
	}
}

func TestProgress(t *testing.T) {
	p := NewProgress("run", "loss", 0)
	if !strings.Contains(p.HTML(), "waiting for the first step") {
		t.Error("empty progress text")
	}
	p.Add(1, 2.0)
	p.Add(2, 1.0)
	p.Add(3, math.NaN())
	h := p.HTML()
	for _, want := range []string{"step 3 · loss NaN", "loss not finite at step 3", "<polyline",
		">2</text>", ">1</text>"} {
		if !strings.Contains(h, want) {
			t.Errorf("progress HTML lacks %q: %s", want, h)
		}
	}
	if p.Len() != 3 {
		t.Errorf("Len %d, want 3", p.Len())
	}
	// Outside a notebook these are no-ops and must not block.
	p.Done()
	NewLive().Update(HTML("<p>x</p>"))
	Setup()
}

// TestChromium writes the example page with every figure, loads it in headless Chromium and
// checks that each chart drew an SVG and set data-rendered="true". It also checks the
// RequireJS case (a page with an AMD define before echarts) and the missing-echarts message.
func TestChromium(t *testing.T) {
	if _, err := browsercheck.Find(); err != nil {
		t.Skipf("skipping the browser check: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	chs, elems := allElements(t)
	page := filepath.Join(dir, "figures.html")
	if err := WriteHTML(page, elems...); err != nil {
		t.Fatal(err)
	}
	r, err := browsercheck.Check(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); err != nil {
		t.Error(err)
	}
	if len(r.Charts) != len(chs) {
		t.Errorf("browser found %d charts, want %d", len(r.Charts), len(chs))
	}
	for i, c := range r.Charts {
		if i < len(chs) && c.ID != chs[i].ID() {
			t.Errorf("chart %d id %s, want %s", i, c.ID, chs[i].ID())
		}
		if c.SVGs != 1 || c.Paths < 3 {
			t.Errorf("chart %s: %d svg, %d paths; want 1 svg with paths", c.ID, c.SVGs, c.Paths)
		}
	}
	if shot := os.Getenv("PLOTS_SCREENSHOT"); shot != "" {
		if err := browsercheck.Screenshot(ctx, page, shot, 1000, 6200); err != nil {
			t.Error(err)
		}
		if err := WriteHTML(strings.TrimSuffix(shot, ".png")+".html", elems...); err != nil {
			t.Error(err)
		}
	}

	// RequireJS pages (Notebook 6, nbconvert export) define an AMD loader before echarts.
	amd := `<!DOCTYPE html><html><head><meta charset="utf-8"><script>` +
		`function define(){throw new Error("Mismatched anonymous define() module")}` +
		`define.amd={};</script>` + EChartsScript() + "</head><body>" + chs[0].HTML() +
		"</body></html>"
	amdPage := filepath.Join(dir, "amd.html")
	if err := os.WriteFile(amdPage, []byte(amd), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = browsercheck.Check(ctx, amdPage)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Err(); err != nil || len(r.Charts) != 1 {
		t.Errorf("with an AMD define on the page: %d charts, %v", len(r.Charts), err)
	}

	// Without echarts the chart says so and is not marked rendered.
	bare := filepath.Join(dir, "bare.html")
	if err := os.WriteFile(bare, []byte("<html><body>"+chs[0].HTML()+"</body></html>"),
		0o644); err != nil {
		t.Fatal(err)
	}
	r, err = browsercheck.Check(ctx, bare)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Charts) != 1 || r.Charts[0].OK() || r.Err() == nil ||
		!strings.Contains(r.DOM, "echarts is not loaded") ||
		!strings.Contains(r.DOM, `data-rendered="false"`) {
		t.Errorf("page without echarts: charts %+v, problems %v", r.Charts, r.Problems())
	}
}
