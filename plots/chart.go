package plots

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// ChartClass is the CSS class of every chart container; the browser check finds charts by it.
const ChartClass = "elm-chart"

// RenderedAttr is the attribute a chart's script sets to "true" once echarts has drawn it.
const RenderedAttr = "data-rendered"

// Default size of a chart in pixels.
const (
	DefaultWidth  = 900
	DefaultHeight = 420
)

// Frame holds the options every figure shares. The zero value gives the figure's own title
// and the default size.
type Frame struct {
	// Title replaces the figure's default title when not empty.
	Title string
	// Subtitle is shown under the title.
	Subtitle string
	// Width and Height are the chart's size in pixels (default 900 x 420).
	Width, Height int
}

func (f Frame) size(defaultHeight int) (int, int) {
	w, h := f.Width, f.Height
	if w <= 0 {
		w = DefaultWidth
	}
	if h <= 0 {
		h = defaultHeight
	}
	return w, h
}

func (f Frame) title(def string) string {
	if f.Title != "" {
		return f.Title
	}
	return def
}

// Element is anything that can be placed in an HTML page: a [*Chart], a [Table], a
// [SweepSummary], or [HTML].
type Element interface {
	// HTML returns the element as an HTML fragment.
	HTML() string
}

// HTML is a raw HTML fragment usable as an [Element], e.g. a heading between charts.
type HTML string

// HTML returns the fragment itself.
func (h HTML) HTML() string { return string(h) }

// Chart is one drawn figure: an echarts option plus the size and id of its container.
// Build charts with the figure functions of this package.
type Chart struct {
	id            string
	title         string
	width, height int
	option        []byte
	series        int
}

// ID is the DOM id of the chart's container, unique across charts and processes.
func (c *Chart) ID() string { return c.id }

// Title is the chart's title.
func (c *Chart) Title() string { return c.title }

// Option returns the echarts option as JSON (what the chart's script passes to setOption).
func (c *Chart) Option() []byte { return bytes.Clone(c.option) }

// NumSeries is the number of echarts series in the option.
func (c *Chart) NumSeries() int { return c.series }

// HTML returns the chart's <div> and its self-contained inline <script>. The echarts bundle
// must be on the page already: [Setup] in a notebook, [WriteHTML] in a file.
func (c *Chart) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class=%q id=%q style="width:%dpx;height:%dpx;max-width:100%%">`,
		ChartClass, c.id, c.width, c.height)
	fmt.Fprintf(&b, `<p style="font:13px sans-serif;color:#666">Chart %q: needs JavaScript `+
		`(re-run the cells, or trust the notebook).</p></div>`+"\n", html.EscapeString(c.title))
	b.WriteString("<script>(function(){\n")
	fmt.Fprintf(&b, "var el=document.getElementById(%q);if(!el){return;}\n", c.id)
	b.WriteString(`if(typeof echarts==="undefined"){el.textContent="Chart not drawn: echarts ` +
		`is not loaded. Call plots.Setup() in the first cell and re-run.";` +
		`el.setAttribute("` + RenderedAttr + `","false");return;}` + "\n")
	b.WriteString(`el.textContent="";` + "\n")
	b.WriteString(`var chart=echarts.init(el,null,{renderer:"svg"});` + "\n")
	b.WriteString("chart.setOption(")
	b.Write(c.option)
	b.WriteString(");\n")
	b.WriteString(`el.setAttribute("` + RenderedAttr + `","true");` + "\n")
	b.WriteString("})();</script>\n")
	return b.String()
}

// Display shows the chart as the output of the current GoNB cell. Outside a notebook it does
// nothing.
func (c *Chart) Display() {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML(c.HTML())
	gonbui.Sync()
}

// newID returns a random DOM id; random rather than counted because every notebook cell is a
// new process, so a counter would repeat ids on one page.
func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("plots: no randomness for a chart id: %v", err))
	}
	return "elm-chart-" + hex.EncodeToString(b[:])
}

// newChart finalises an option map into a Chart: animation off, JSON encoded with HTML
// characters escaped (so the text is safe inside <script>).
func newChart(title string, width, height int, option map[string]any) (*Chart, error) {
	option["animation"] = false
	// go-echarts types axisLabel.interval as a string; echarts needs a number.
	for _, key := range []string{"xAxis", "yAxis"} {
		for _, a := range axisList(option, key) {
			if l, ok := a["axisLabel"].(map[string]any); ok {
				if s, ok := l["interval"].(string); ok {
					if _, err := strconv.Atoi(s); err == nil {
						l["interval"] = json.Number(s)
					}
				}
			}
		}
	}
	data, err := json.Marshal(option)
	if err != nil {
		return nil, fmt.Errorf("plots: encoding the option of chart %q: %w", title, err)
	}
	n := 0
	if s, ok := option["series"].([]any); ok {
		n = len(s)
	}
	return &Chart{id: newID(), title: title, width: width, height: height,
		option: data, series: n}, nil
}
