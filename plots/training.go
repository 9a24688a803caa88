package plots

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// TrainingCurve is the record of one training run.
type TrainingCurve struct {
	// Steps and Loss are the training loss at each recorded step.
	Steps []int
	Loss  []float64
	// EvalSteps and EvalMetric are the held-out metric (e.g. spike AUC) at each evaluation.
	EvalSteps  []int
	EvalMetric []float64
}

// TrainingOptions configures [TrainingCurves].
type TrainingOptions struct {
	Frame
	// LossName names the loss axis (default "training loss").
	LossName string
	// MetricName names the held-out metric axis (default "held-out spike AUC").
	MetricName string
	// LogLoss draws the loss on a log axis (values must be > 0).
	LogLoss bool
}

// TrainingCurves draws the training loss (left axis) and the held-out metric (right axis)
// against the training step.
func TrainingCurves(c TrainingCurve, o TrainingOptions) (*Chart, error) {
	const fig = "TrainingCurves"
	if len(c.Steps) != len(c.Loss) {
		return nil, fmt.Errorf("plots: %s: %d steps for %d loss values", fig, len(c.Steps),
			len(c.Loss))
	}
	if len(c.EvalSteps) != len(c.EvalMetric) {
		return nil, fmt.Errorf("plots: %s: %d eval steps for %d metric values", fig,
			len(c.EvalSteps), len(c.EvalMetric))
	}
	if len(c.Loss) == 0 && len(c.EvalMetric) == 0 {
		return nil, fmt.Errorf("plots: %s: the curve has no loss and no metric values", fig)
	}
	if err := checkFinite(fig, "Loss", c.Loss); err != nil {
		return nil, err
	}
	if err := checkFinite(fig, "EvalMetric", c.EvalMetric); err != nil {
		return nil, err
	}
	lossKind := "value"
	if o.LogLoss {
		lossKind = "log"
		for i, v := range c.Loss {
			if v <= 0 {
				return nil, fmt.Errorf("plots: %s: LogLoss needs positive losses; Loss[%d] = %v",
					fig, i, v)
			}
		}
	}
	lossName, metricName := o.LossName, o.MetricName
	if lossName == "" {
		lossName = "training loss"
	}
	if metricName == "" {
		metricName = "held-out spike AUC"
	}

	title := o.title("Training curves")
	w, h := o.size(DefaultHeight)
	line := charts.NewLine()
	line.SetGlobalOptions(globals(o.Frame, title, w, h, true, "axis")...)
	line.SetGlobalOptions(
		charts.WithXAxisOpts(axis{name: "training step", kind: "value"}.x()),
		charts.WithYAxisOpts(axis{name: lossName, kind: lossKind, scale: true}.y()))
	right := axis{name: metricName, kind: "value", scale: true, position: "right", gap: 50}.y()
	right.SplitLine = &opts.SplitLine{Show: opts.Bool(false)}
	line.ExtendYAxis(right)

	line.AddSeries(lossName, lineData(ints(c.Steps), c.Loss),
		lineSeriesOpts(Palette[0], 1.4, false)...)
	so := append(lineSeriesOpts(Palette[1], 1.8, false),
		charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 6,
			ShowSymbol: opts.Bool(true), YAxisIndex: 1}))
	line.AddSeries(metricName, lineData(ints(c.EvalSteps), c.EvalMetric), so...)

	m, err := optionOf(line)
	if err != nil {
		return nil, err
	}
	setGrid(m, map[string]any{"left": 75, "right": 75, "top": 60, "bottom": 75})
	return newChart(title, w, h, m)
}

func ints(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, v := range xs {
		out[i] = float64(v)
	}
	return out
}
