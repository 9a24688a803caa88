package plots

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/elmneuron/elm/plots/assets"
)

// EChartsMarker is a comment that starts the inline echarts script; tests count it to check
// that a page carries the bundle exactly once.
const EChartsMarker = "/* elm plots: Apache ECharts " + assets.EChartsVersion +
	", Apache-2.0, see plots/assets/LICENSE */"

var scriptClose = regexp.MustCompile(`(?i)</script`)

// EChartsScript returns the inline <script> that defines the global echarts object.
//
// The bundle runs inside a function whose define, module and exports parameters are
// undefined: echarts is a UMD bundle, and on pages that load RequireJS (Jupyter Notebook 6,
// nbconvert's HTML export) it would otherwise register itself as an anonymous AMD module
// and fail with "Mismatched anonymous define() module", leaving every chart blank.
// If echarts is already on the page the script does nothing.
func EChartsScript() string {
	code := scriptClose.ReplaceAllString(assets.EChartsJS, `<\/script`)
	var b strings.Builder
	b.Grow(len(code) + 300)
	b.WriteString("<script>")
	b.WriteString(EChartsMarker)
	b.WriteString("\n(function(define,module,exports){\n")
	b.WriteString("if(typeof window.echarts!==\"undefined\"){return;}\n")
	b.WriteString(code)
	b.WriteString("\n}).call(window);</script>\n")
	return b.String()
}

// Setup loads echarts into the notebook page. Call it once, in the first cell of a GoNB
// notebook, before any chart is displayed. It waits until GoNB has taken the 1.1 MB output
// (gonbui.Sync), because a large display sent just before the cell's program exits can be
// dropped silently. Outside a notebook it does nothing.
func Setup() {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML(EChartsScript() +
		`<p style="font:12px sans-serif;color:#666">Charts ready (Apache ECharts ` +
		assets.EChartsVersion + `, inlined; no network).</p>`)
	gonbui.Sync()
}

// WritePage writes a standalone HTML page with the given title and elements, in order. The
// echarts bundle is inlined once in the head; nothing is loaded over the network.
func WritePage(w io.Writer, title string, elems ...Element) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<title>%s</title>\n<style>%s</style>\n", html.EscapeString(title), pageCSS)
	bw.WriteString(EChartsScript())
	fmt.Fprintf(bw, "</head>\n<body>\n<h1>%s</h1>\n", html.EscapeString(title))
	for i, e := range elems {
		if e == nil {
			return fmt.Errorf("plots: page %q: element %d is nil", title, i)
		}
		bw.WriteString("<section>\n")
		bw.WriteString(e.HTML())
		bw.WriteString("</section>\n")
	}
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}

// WriteHTML writes the elements (charts, tables, ...) into a standalone HTML file at path,
// titled after the first chart. The file inlines echarts once and works offline.
func WriteHTML(path string, elems ...Element) error {
	title := "ELM figures"
	for _, e := range elems {
		if c, ok := e.(*Chart); ok && c != nil {
			title = c.Title()
			break
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plots: writing HTML: %w", err)
	}
	if err := WritePage(f, title, elems...); err != nil {
		f.Close()
		return fmt.Errorf("plots: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("plots: writing %s: %w", path, err)
	}
	return nil
}

const pageCSS = `body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;` +
	`margin:24px auto;max-width:960px;color:#222}` +
	`section{margin:18px 0 30px}h1{font-size:20px;font-weight:600}`

// Display shows elements (charts, tables, summaries) as outputs of the current GoNB cell, in
// order, and waits until GoNB has received them. Outside a notebook it does nothing.
func Display(elems ...Element) {
	if !gonbui.IsNotebook {
		return
	}
	for _, e := range elems {
		if e != nil {
			gonbui.DisplayHTML(e.HTML())
		}
	}
	gonbui.Sync()
}
