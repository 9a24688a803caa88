package plots

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ImageOptions configures [GreyImage].
type ImageOptions struct {
	Frame
	// Min and Max map to black and white; both 0 uses the image's own range.
	Min, Max float64
	// Label is shown as the subtitle when Frame.Subtitle is empty, e.g. "label: connected".
	Label string
}

// GreyImage draws a grey-level image (a Pathfinder or Fashion-MNIST sample) as a heat map,
// row 0 at the top.
//
// pixels is [height, width] row-major.
func GreyImage(pixels []float64, height, width int, o ImageOptions) (*Chart, error) {
	const fig = "GreyImage"
	if height <= 0 || width <= 0 {
		return nil, fmt.Errorf("plots: %s: size %d x %d must be positive", fig, height, width)
	}
	if len(pixels) != height*width {
		return nil, fmt.Errorf("plots: %s: %d pixels for a %d x %d image (want %d)", fig,
			len(pixels), height, width, height*width)
	}
	if err := checkFinite(fig, "pixels", pixels); err != nil {
		return nil, err
	}
	lo, hi := o.Min, o.Max
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range pixels {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	data := make([]opts.HeatMapData, len(pixels))
	for k, v := range pixels {
		data[k] = opts.HeatMapData{Value: []any{k % width, k / width, num(v)}}
	}
	cols, rows := make([]string, width), make([]string, height)
	for i := range cols {
		cols[i] = fmt.Sprint(i)
	}
	for i := range rows {
		rows[i] = fmt.Sprint(i)
	}

	title := o.title(fmt.Sprintf("Image %d x %d", height, width))
	f := o.Frame
	if f.Subtitle == "" {
		f.Subtitle = o.Label
	}
	w, h := o.size(440)
	if o.Width <= 0 {
		w = 400
	}
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(globals(f, title, w, h, false, "item")...)
	hm.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: "column (pixel)", kind: "category", data: cols,
			interval: labelInterval(width)}.x()),
		charts.WithYAxisOpts(axis{name: "row (pixel)", kind: "category", data: rows,
			inverse: true, gap: 35, interval: labelInterval(height)}.y()))
	hm.AddSeries("grey level", data)
	m, err := optionOf(hm)
	if err != nil {
		return nil, err
	}
	m["visualMap"] = []any{map[string]any{
		"type": "continuous", "min": num(lo), "max": num(hi), "show": false,
		"inRange": map[string]any{"color": stopsAny(greyStops)},
	}}
	top := 50
	if f.Subtitle != "" {
		top = 70
	}
	setGrid(m, map[string]any{"left": 50, "right": 20, "top": top, "bottom": 50})
	return newChart(title, w, h, m)
}

// labelInterval shows about 8 tick labels on a pixel axis of n pixels.
func labelInterval(n int) string {
	return fmt.Sprint(max(0, (n+7)/8-1))
}
