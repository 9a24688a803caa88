package browsercheck

import (
	"strings"
	"testing"
)

func TestNetworkRefs(t *testing.T) {
	page := `<html><head><script src="https://cdn.example/echarts.js"></script>` +
		`<link rel="stylesheet" href="//fonts.example/a.css">` +
		`<style>@import "http://x.example/b.css"; body{background:url('https://y.example/i.png')}` +
		`</style><script src="file:///usr/share/javascript/requirejs/require.min.js"></script>` +
		`</head><body><a href="https://arxiv.org/abs/2306.16922">paper</a>` +
		`<img src="data:image/png;base64,AAAA"><script>var u="https://in.text/only";</script>` +
		`</body></html>`
	got := NetworkRefs(page)
	want := []string{"https://cdn.example/echarts.js", "//fonts.example/a.css",
		"https://y.example/i.png", "http://x.example/b.css"}
	if len(got) != len(want) {
		t.Fatalf("refs %v, want %v", got, want)
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, " "), w) {
			t.Errorf("refs %v lack %s", got, w)
		}
	}
}

func TestCharts(t *testing.T) {
	dom := `<body><div class="elm-chart" id="a" data-rendered="true"><div><svg><path/>` +
		`<path/></svg></div></div><div class="x elm-chart" id="b"><p>no</p></div>` +
		`<div class="elm-chart" id="c" data-rendered="true"><canvas></canvas></div>` +
		`<svg><path/></svg></body>`
	cs := Charts(dom)
	if len(cs) != 3 {
		t.Fatalf("%d charts, want 3: %+v", len(cs), cs)
	}
	want := []Chart{{ID: "a", Rendered: true, SVGs: 1, Paths: 2},
		{ID: "b"}, {ID: "c", Rendered: true, Canvases: 1}}
	for i, c := range cs {
		if c != want[i] {
			t.Errorf("chart %d = %+v, want %+v", i, c, want[i])
		}
	}
	if !cs[0].OK() || cs[1].OK() || !cs[2].OK() {
		t.Errorf("OK = %v %v %v, want true false true", cs[0].OK(), cs[1].OK(), cs[2].OK())
	}
	r := &Report{Page: "p.html", Charts: cs, ConsoleErrors: ConsoleErrors(
		"[1:2:INFO:CONSOLE(3)] \"Uncaught Error: Mismatched anonymous define() module\"\nok\n")}
	err := r.Err()
	if err == nil || !strings.Contains(err.Error(), "chart b not drawn") ||
		!strings.Contains(err.Error(), "Mismatched anonymous define") ||
		!strings.Contains(err.Error(), "2 problem(s)") {
		t.Errorf("Err() = %v", err)
	}
}
