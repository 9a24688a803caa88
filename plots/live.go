package plots

import (
	"fmt"
	"html"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Live is a notebook output block that is replaced in place on every update (GoNB's
// transient display id), for progress that changes while a cell runs. Outside a notebook
// updates do nothing. The last update is what the saved notebook keeps.
type Live struct {
	id string
}

// NewLive returns a live output block; nothing is shown until the first Update.
func NewLive() *Live {
	return &Live{id: "elm-live-" + newID()}
}

// ID is the block's display id.
func (l *Live) ID() string { return l.id }

// Update replaces the block's content with e.
func (l *Live) Update(e Element) {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.UpdateHTML(l.id, e.HTML())
}

// SweepSummary is the state of a parameter sweep, rendered as a small HTML panel. Use it with
// [Live] to show a sweep's progress in place:
//
//	live := plots.NewLive()
//	... on every change: live.Update(plots.SweepSummary{...})
type SweepSummary struct {
	// Name names the sweep.
	Name string
	// Total, Done, Running and Failed count runs; Done excludes Failed.
	Total, Done, Running, Failed int
	// Metric names the metric used for "best so far", e.g. "held-out spike AUC".
	Metric string
	// BestRun names the best finished run so far ("" when none has finished).
	BestRun string
	// BestValue is the best run's metric.
	BestValue float64
	// Elapsed is the wall time since the sweep started.
	Elapsed time.Duration
	// Errors holds the most recent failure messages, shown under the panel.
	Errors []string
}

// HTML renders the summary: a progress bar, the run counts and the best run so far.
func (s SweepSummary) HTML() string {
	var b strings.Builder
	name := s.Name
	if name == "" {
		name = "Sweep"
	}
	pending := max(s.Total-s.Done-s.Failed-s.Running, 0)
	b.WriteString(`<div class="elm-sweep" style="font:13px -apple-system,'Segoe UI',` +
		`Helvetica,Arial,sans-serif;max-width:640px;margin:6px 0">`)
	fmt.Fprintf(&b, `<div style="font-weight:600;margin-bottom:4px">%s: %d of %d runs finished`+
		`</div>`, html.EscapeString(name), s.Done+s.Failed, s.Total)
	b.WriteString(`<div style="display:flex;height:10px;background:#eee;border-radius:3px;` +
		`overflow:hidden;margin-bottom:6px">`)
	for _, seg := range []struct {
		n     int
		color string
	}{{s.Done, Palette[2]}, {s.Failed, Palette[1]}, {s.Running, Palette[5]}} {
		if s.Total > 0 && seg.n > 0 {
			fmt.Fprintf(&b, `<div style="width:%.2f%%;background:%s"></div>`,
				100*float64(seg.n)/float64(s.Total), seg.color)
		}
	}
	b.WriteString(`</div>`)
	t := Table{Header: []string{"done", "running", "failed", "pending", "elapsed", "best so far"},
		Rows: [][]string{{fmt.Sprint(s.Done), fmt.Sprint(s.Running), fmt.Sprint(s.Failed),
			fmt.Sprint(pending), s.Elapsed.Round(time.Second).String(), s.best()}}}
	b.WriteString(t.HTML())
	for _, e := range s.Errors {
		fmt.Fprintf(&b, `<div style="color:%s;font-size:12px">failed: %s</div>`, Palette[1],
			html.EscapeString(e))
	}
	b.WriteString("</div>\n")
	return b.String()
}

func (s SweepSummary) best() string {
	if s.BestRun == "" {
		return "–"
	}
	metric := s.Metric
	if metric == "" {
		metric = "metric"
	}
	return fmt.Sprintf("%s: %s %.4g", s.BestRun, metric, s.BestValue)
}

// Progress is a live training-progress line: a small SVG curve of a metric (e.g. the loss)
// against the step, with the latest value, updated in place while a cell runs. It has no
// script, so it also shows in untrusted notebooks. Add may be called from a training
// callback; it is safe for concurrent use.
type Progress struct {
	// MinInterval is the least time between two notebook updates (default 250 ms); the
	// final step and Done always update.
	MinInterval time.Duration

	mu            sync.Mutex
	live          *Live
	title, metric string
	total         int
	steps         []int
	values        []float64
	start, last   time.Time
}

// NewProgress returns a progress line titled title for a metric over totalSteps steps
// (0 if unknown).
func NewProgress(title, metric string, totalSteps int) *Progress {
	if metric == "" {
		metric = "loss"
	}
	return &Progress{live: NewLive(), title: title, metric: metric, total: totalSteps,
		start: time.Now()}
}

// Add records the metric's value at step and refreshes the notebook output, at most once
// per MinInterval. Non-finite values are recorded and reported in the text, not drawn.
func (p *Progress) Add(step int, value float64) {
	p.mu.Lock()
	p.steps = append(p.steps, step)
	p.values = append(p.values, value)
	interval := p.MinInterval
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	now := time.Now()
	show := now.Sub(p.last) >= interval || (p.total > 0 && step >= p.total)
	if show {
		p.last = now
	}
	p.mu.Unlock()
	if show {
		p.live.Update(p)
	}
}

// Done shows the final state and waits until GoNB has received it.
func (p *Progress) Done() {
	p.live.Update(p)
	if gonbui.IsNotebook {
		gonbui.Sync()
	}
}

// Len is the number of recorded values.
func (p *Progress) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.values)
}

// Progress SVG geometry in px.
const (
	progW, progH        = 560, 120
	progLeft, progRight = 60, 10
	progTop, progBottom = 8, 22
	progMaxPoints       = 600
)

// HTML renders the progress line.
func (p *Progress) HTML() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<div class="elm-progress" style="font:12px -apple-system,'Segoe UI',` +
		`Helvetica,Arial,sans-serif;margin:4px 0">`)
	n := len(p.values)
	status := "waiting for the first step"
	if n > 0 {
		step, v := p.steps[n-1], p.values[n-1]
		of := ""
		if p.total > 0 {
			of = fmt.Sprintf(" of %d", p.total)
		}
		status = fmt.Sprintf("step %d%s · %s %.5g · %s", step, of, p.metric, v,
			time.Since(p.start).Round(time.Second))
		if bad := p.nonFinite(); bad >= 0 {
			status += fmt.Sprintf(" · %s not finite at step %d", p.metric, p.steps[bad])
		}
	}
	fmt.Fprintf(&b, `<div><b>%s</b> %s</div>`, html.EscapeString(p.title),
		html.EscapeString(status))
	b.WriteString(p.svg())
	b.WriteString("</div>\n")
	return b.String()
}

func (p *Progress) nonFinite() int {
	for i, v := range p.values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// svg draws the finite values as a polyline with the value range on the left and the step
// range below.
func (p *Progress) svg() string {
	var xs []int
	var ys []float64
	stride := max(1, (len(p.values)+progMaxPoints-1)/progMaxPoints)
	for i := 0; i < len(p.values); i += stride {
		if v := p.values[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs, ys = append(xs, p.steps[i]), append(ys, v)
		}
	}
	if last := len(p.values) - 1; last >= 0 && last%stride != 0 {
		if v := p.values[last]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs, ys = append(xs, p.steps[last]), append(ys, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg width="%d" height="%d" `+
		`role="img" aria-label="%s">`, progW, progH, html.EscapeString(p.metric))
	x0, x1 := progLeft, progW-progRight
	y0, y1 := progTop, progH-progBottom
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#bbb"/>`,
		x0, y0, x1-x0, y1-y0)
	if len(ys) == 0 {
		b.WriteString("</svg>")
		return b.String()
	}
	lo, hi := ys[0], ys[0]
	for _, v := range ys {
		lo, hi = min(lo, v), max(hi, v)
	}
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	sLo, sHi := xs[0], xs[len(xs)-1]
	if p.total > 0 {
		sHi = max(sHi, p.total)
	}
	if sHi == sLo {
		sHi = sLo + 1
	}
	px := func(s int) float64 {
		return float64(x0) + float64(x1-x0)*float64(s-sLo)/float64(sHi-sLo)
	}
	py := func(v float64) float64 { return float64(y1) - float64(y1-y0)*(v-lo)/(hi-lo) }
	fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="`, Palette[0])
	for i := range xs {
		fmt.Fprintf(&b, "%.1f,%.1f ", px(xs[i]), py(ys[i]))
	}
	b.WriteString(`"/>`)
	text := `<text x="%d" y="%d" font-size="10" fill="#555" text-anchor="%s">%s</text>`
	fmt.Fprintf(&b, text, x0-4, y0+9, "end", fmt.Sprintf("%.4g", hi))
	fmt.Fprintf(&b, text, x0-4, y1, "end", fmt.Sprintf("%.4g", lo))
	fmt.Fprintf(&b, text, x0, progH-6, "start", fmt.Sprintf("step %d", sLo))
	fmt.Fprintf(&b, text, x1, progH-6, "end", fmt.Sprintf("step %d", sHi))
	b.WriteString("</svg>")
	return b.String()
}
