package main

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// needTool skips the test when tool is missing, or fails it when ELM_REQUIRE_TOOLS=1
// (.ci/run sets it, so CI cannot pass by skipping).
func needTool(t *testing.T, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("ELM_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s not found and ELM_REQUIRE_TOOLS=1 (run .ci/install)", tool)
		}
		t.Skipf("%s not found (run .ci/install)", tool)
	}
	return path
}

func TestStaticRemoteRefs(t *testing.T) {
	got := staticRemoteRefs(mustRead(t, "testdata/html/remote.html"))
	want := []string{
		"<script src=https://cdn.invalid/echarts.min.js>",
		"<link href=//fonts.invalid/css>",
		"css url('http://assets.invalid/bg.png",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("remote.html: got %q, want %q", got, want)
	}
	// Links, comments, URLs inside scripts and file:// assets are not network loads.
	if got := staticRemoteRefs(mustRead(t, "testdata/html/good.html")); len(got) != 0 {
		t.Errorf("good.html: got %q, want none", got)
	}
}

func TestInstrument(t *testing.T) {
	page := []byte("<html><HEAD lang=en><title>x</title></head><body>a</body></html>")
	got := string(instrument(page))
	head := strings.Index(got, "__nbrunErrors = []")
	title := strings.Index(got, "<title>")
	tail := strings.Index(got, `pre.id = "nbrun-result"`)
	body := strings.LastIndex(got, "</body>")
	if !(head > 0 && head < title && title < tail && tail < body) {
		t.Errorf("scripts misplaced: head %d title %d tail %d </body> %d", head, title, tail, body)
	}
	// A fragment without head or body still gets both scripts.
	frag := string(instrument([]byte("<div>x</div>")))
	if !strings.HasPrefix(frag, "<script>") || !strings.HasSuffix(frag, "</script>") {
		t.Errorf("fragment: got %q…", shorten(frag, 40))
	}
}

func TestJudge(t *testing.T) {
	str := func(s string) *string { return &s }
	rep := &pageReport{
		Charts: []chartInfo{
			{ID: "ok", Rendered: str("true"), SVG: 1, Marks: 30},
			{ID: "canvas", Rendered: str("true"), Canvas: 1},
			{ID: "never", Rendered: nil},
			{ID: "false", Rendered: str("false"), SVG: 0},
			{ID: "bare", Rendered: str("true")},
			{ID: "blank", Rendered: str("true"), SVG: 1},
		},
		Errors: []string{"Uncaught ReferenceError: x is not defined"},
		Inits:  7,
		Resources: []string{"file:///usr/share/javascript/requirejs/require.min.js",
			"https://a.invalid/x.js"},
	}
	got := judge("n", rep, nil)
	var texts []string
	for _, p := range got {
		if p.Notebook != "n" || p.Cell != -1 {
			t.Errorf("problem %v: want notebook n, cell -1", p)
		}
		texts = append(texts, p.Kind+": "+p.Text)
	}
	want := []string{
		"network: the page tried to load assets over the network:\nhttps://a.invalid/x.js",
		"browser: Uncaught ReferenceError: x is not defined",
		`chart: chart 3 (id "never") was not rendered: data-rendered is absent`,
		`chart: chart 4 (id "false") was not rendered: data-rendered is "false"`,
		`chart: chart 5 (id "bare") has no <svg> or <canvas> inside`,
		`chart: chart 6 (id "blank") has an empty <svg> (no path, text, rect or circle)`,
		"chart: the page calls echarts.init 7 times but has 6 chart containers " +
			"(class elm-chart or data-rendered)",
	}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	// Chromium's console log is the fallback when the injected recorder saw nothing.
	got = judge("n", &pageReport{}, []string{"CONSOLE(3)] Uncaught SyntaxError"})
	if len(got) != 1 || got[0].Text != "CONSOLE(3)] Uncaught SyntaxError" {
		t.Errorf("console fallback: got %v", got)
	}
}

func TestBrowserCheckPages(t *testing.T) {
	b := &browser{bin: needTool(t, "chromium"), width: 800, timeout: 2 * time.Minute}
	dir := t.TempDir()
	copyTo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, mustRead(t, "testdata/html/"+name), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	good := copyTo("good.html")
	rep, problems, err := b.check("good", good)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 || len(rep.Charts) != 2 {
		t.Fatalf("good.html: got %d charts and problems %v; want 2 charts, no problems",
			len(rep.Charts), problems)
	}
	c1, c2 := rep.Charts[0], rep.Charts[1]
	if c1.ID != "c1" || c1.SVG != 1 || c1.Marks != 1 || c1.W != 300 || c1.H != 150 ||
		c2.ID != "c2" || c2.Canvas != 1 {
		t.Errorf("good.html charts: got %+v, %+v", c1, c2)
	}
	if _, err := os.Stat(filepath.Join(dir, ".nbrun-check-good.html")); !os.IsNotExist(err) {
		t.Errorf("the instrumented copy was left behind (stat: %v)", err)
	}

	shot := filepath.Join(dir, "good.png")
	if err := b.screenshot(good, shot, int(rep.Height)); err != nil {
		t.Fatal(err)
	}
	paths, err := cropCharts(shot, filepath.Join(dir, "good"), rep.Charts)
	if err != nil || len(paths) != 2 {
		t.Fatalf("cropCharts: %v, %v; want 2 PNGs", paths, err)
	}
	f, err := os.Open(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// 300x150 plus an 8-px white margin; the chart's black line from (0,150) to (150,20)
	// passes through (75,85) of the chart, which is (83,93) of the PNG.
	if b := img.Bounds(); b.Dx() != 316 || b.Dy() != 166 {
		t.Errorf("chart PNG is %dx%d, want 316x166", b.Dx(), b.Dy())
	}
	dark := func(x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r+g+b < 3*0x8000
	}
	if dark(2, 2) || !(dark(83, 92) || dark(83, 93) || dark(83, 94)) {
		t.Errorf("chart PNG: margin dark %v, line pixel dark %v; want false, true",
			dark(2, 2), dark(83, 93))
	}

	_, problems, err = b.check("broken", copyTo("broken.html"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Kind+": "+p.Text)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		"network: the page tried to load assets over the network:\n" +
			"<img> https://assets.invalid/pixel.png",
		"Uncaught ReferenceError: undefinedFunction is not defined",
		"failed to load <img> https://assets.invalid/pixel.png",
		`chart: chart 1 (id "throws") was not rendered: data-rendered is absent`,
		`chart: chart 2 (id "no-echarts") was not rendered: data-rendered is "false"`,
		`chart: chart 3 (id "empty-svg") has an empty <svg>`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("broken.html: problems lack %q; got:\n%s", want, all)
		}
	}

	rep, problems, err = b.check("remote", copyTo("remote.html"))
	if err != nil || rep != nil || len(problems) != 1 || problems[0].Kind != "network" ||
		!strings.Contains(problems[0].Text, "(not loaded)") {
		t.Errorf("remote.html: got report %v, problems %v, err %v; want one network problem "+
			"and no page load", rep, problems, err)
	}
}
