package plots

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Synthetic inputs for every figure, deterministic by seed. They only need to look like the
// real thing; the tests check what the figures make of them.

func sampleRaster() ([][]int32, int) {
	r := rand.New(rand.NewPCG(1, 2))
	spikes := make([][]int32, 1278)
	for i := range spikes {
		for t := 0; t < 500; t++ {
			if r.Float64() < 0.01 {
				spikes[i] = append(spikes[i], int32(t))
			}
		}
	}
	return spikes, 639
}

func sampleComparison() Comparison {
	n := 400
	c := Comparison{TeacherMV: make([]float64, n), ModelMV: make([]float64, n),
		SpikeProb: make([]float64, n)}
	for t := 0; t < n; t++ {
		v := -72 + 6*math.Sin(float64(t)/23) + 3*math.Sin(float64(t)/7)
		c.TeacherMV[t] = v
		c.ModelMV[t] = v + 0.8*math.Sin(float64(t)/5)
		c.SpikeProb[t] = 1 / (1 + math.Exp(-(v+66)*1.5))
		if v > -63.5 && (t == 0 || c.TeacherMV[t-1] <= -63.5) {
			c.TeacherSpikes = append(c.TeacherSpikes, t)
		}
	}
	return c
}

// logspace returns n values spaced evenly in log between lo and hi.
func logspace(lo, hi float64, n int) []float64 { return LogBins(lo, hi, n-1) }

// sampleMemory is a leaky integration of a noisy drive by units with τ_m in [1, 150] ms:
// m_t = κ m_{t-1} + (1-κ) x_t, κ = exp(-1/τ). Returned as [time][unit].
func sampleMemory(steps, units int) ([][]float64, []float64) {
	tau := logspace(1, 150, units)
	r := rand.New(rand.NewPCG(3, 4))
	m := make([][]float64, steps)
	prev := make([]float64, units)
	for t := range m {
		x := math.Sin(float64(t)/30) + 0.8*r.NormFloat64()
		m[t] = make([]float64, units)
		for u := range m[t] {
			k := math.Exp(-1 / tau[u])
			m[t][u] = k*prev[u] + (1-k)*x
		}
		prev = m[t]
	}
	return m, tau
}

func sampleImpulse(steps int, tau []float64) [][]float64 {
	resp := make([][]float64, steps)
	for t := range resp {
		resp[t] = make([]float64, len(tau))
		for u, v := range tau {
			resp[t][u] = math.Exp(-float64(t) / v)
		}
	}
	return resp
}

func sampleCurve() TrainingCurve {
	var c TrainingCurve
	for s := 1; s <= 300; s++ {
		c.Steps = append(c.Steps, s)
		c.Loss = append(c.Loss, 0.25+0.5*math.Exp(-float64(s)/60)+0.02*math.Sin(float64(s)))
		if s%30 == 0 {
			c.EvalSteps = append(c.EvalSteps, s)
			c.EvalMetric = append(c.EvalMetric, 0.98-0.3*math.Exp(-float64(s)/80))
		}
	}
	return c
}

func sampleVariants() []Variant {
	taus := []float64{2, 5, 10, 25, 50, 150, 500}
	var out []Variant
	for vi, name := range []string{"Branch-ELM, learnable τ_m", "Branch-ELM, fixed τ_m"} {
		v := Variant{Name: name, X: taus}
		for _, tm := range taus {
			base := 0.97 - 0.25*math.Exp(-tm/(20+10*float64(vi)))
			v.Values = append(v.Values, []float64{base - 0.01, base, base + 0.012})
		}
		out = append(out, v)
	}
	return out
}

func sampleSurface() Surface {
	var s Surface
	for i := 0; i <= 20; i++ {
		s.X = append(s.X, -1+0.1*float64(i))
		s.Y = append(s.Y, -1+0.1*float64(i))
	}
	for _, y := range s.Y {
		row := make([]float64, len(s.X))
		for i, x := range s.X {
			row[i] = math.Max(0, x+y) - 0.5*math.Max(0, x-0.3)*math.Max(0, y-0.3)
		}
		s.Z = append(s.Z, row)
	}
	s.XName, s.YName, s.ZName = "branch 3 drive (a.u.)", "branch 17 drive (a.u.)",
		"Δm of unit 5 (a.u.)"
	return s
}

func sampleImage() ([]float64, int, int) {
	px := make([]float64, 28*28)
	for r := 0; r < 28; r++ {
		for c := 0; c < 28; c++ {
			d := math.Hypot(float64(r)-14, float64(c)-14)
			px[r*28+c] = math.Max(0, 1-math.Abs(d-8)/3)
		}
	}
	return px, 28, 28
}

// figureCase is one figure built from sample data, with what its option must contain.
type figureCase struct {
	name    string
	build   func() (*Chart, error)
	series  int      // number of echarts series
	axes    []string // axis names that must appear
	visual  bool     // has a visualMap
	seriesT string   // type of the first series
}

func figureCases(t *testing.T) []figureCase {
	spikes, nExc := sampleRaster()
	mem, tau := sampleMemory(300, 12)
	ref, err := ReadPaperReference(fixturesPretrained, "AUC")
	if err != nil {
		t.Fatal(err)
	}
	ours := ParamSeries{Name: "ours, teacher neuron", Points: []ParamPoint{
		{Params: 3000, Value: 0.91, Label: "d_m=5"}, {Params: 4200, Value: 0.95, Label: "d_m=10"},
		{Params: 7800, Value: 0.97, Label: "d_m=20"}}}
	before := logspace(1, 150, 20)
	after := make([]float64, len(before))
	for i, v := range before {
		after[i] = v * math.Exp(0.4*math.Sin(float64(i)))
	}
	px, h, w := sampleImage()
	return []figureCase{
		{"InputRaster", func() (*Chart, error) {
			return InputRaster(spikes, nExc, RasterOptions{PerPopulation: 30})
		}, 2, []string{"time (ms)", "input index"}, false, "scatter"},
		{"TeacherVsModel", func() (*Chart, error) {
			return TeacherVsModel(sampleComparison(), CompareOptions{})
		}, 4, []string{"soma (mV)", "spike prob.", "time (ms)"}, false, "line"},
		{"MemoryTraces", func() (*Chart, error) {
			return MemoryTraces(mem, tau, MemoryOptions{})
		}, 12, []string{"time (ms)", "memory m_t (a.u.)"}, true, "line"},
		{"MemoryHeatmap", func() (*Chart, error) {
			return MemoryHeatmap(mem, tau, MemoryOptions{MaxColumns: 100})
		}, 1, []string{"time (ms; mean over 3-bin blocks)", "memory unit by τ_m (ms)"}, true,
			"heatmap"},
		{"TrainingCurves", func() (*Chart, error) {
			return TrainingCurves(sampleCurve(), TrainingOptions{LogLoss: true})
		}, 2, []string{"training step", "training loss", "held-out spike AUC"}, false, "line"},
		{"MetricVsTauMax", func() (*Chart, error) {
			return MetricVsTauMax(sampleVariants(), SweepOptions{})
		}, 6, []string{"τ_max (ms)", "held-out spike AUC"}, false, "line"},
		{"MetricVsParams", func() (*Chart, error) {
			return MetricVsParams([]ParamSeries{ours, ref}, ParamOptions{})
		}, 2, []string{"trainable parameters", "spike AUC"}, false, "line"},
		{"TauHistogram", func() (*Chart, error) {
			return TauHistogram(before, after, HistOptions{Bins: 12})
		}, 2, []string{"τ_m (ms, log scale)", "memory units"}, false, "line"},
		{"ImpulseResponses", func() (*Chart, error) {
			return ImpulseResponses(sampleImpulse(200, tau[:6]), tau[:6], MemoryOptions{})
		}, 6, []string{"time (ms)", "response (a.u.)"}, true, "line"},
		{"IntegrationSurface", func() (*Chart, error) {
			return IntegrationSurface(sampleSurface(), SurfaceOptions{})
		}, 1, []string{"branch 3 drive (a.u.)", "branch 17 drive (a.u.)"}, true, "heatmap"},
		{"GreyImage", func() (*Chart, error) {
			return GreyImage(px, h, w, ImageOptions{Label: "label: 3 (dress)"})
		}, 1, []string{"column (pixel)", "row (pixel)"}, true, "heatmap"},
	}
}

// fixturesPretrained is the authors' published models, next to the repository.
const fixturesPretrained = "../../shared/fixtures/pretrained"

func decodeOption(t *testing.T, c *Chart) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.Option(), &m); err != nil {
		t.Fatalf("%s: option is not JSON: %v", c.Title(), err)
	}
	return m
}

// axisNames collects the names of all x and y axes of an option.
func axisNames(m map[string]any) []string {
	var out []string
	for _, key := range []string{"xAxis", "yAxis"} {
		for _, a := range axisList(m, key) {
			if n, ok := a["name"].(string); ok && n != "" {
				out = append(out, n)
			}
		}
	}
	return out
}

func TestFigures(t *testing.T) {
	for i, fc := range figureCases(t) {
		c, err := fc.build()
		if err != nil {
			t.Fatalf("case %d %s: %v", i, fc.name, err)
		}
		m := decodeOption(t, c)
		series := seriesList(m)
		if len(series) != fc.series || c.NumSeries() != fc.series {
			t.Errorf("case %d %s: %d series (NumSeries %d), want %d", i, fc.name,
				len(series), c.NumSeries(), fc.series)
		}
		if got := series[0]["type"]; got != fc.seriesT {
			t.Errorf("case %d %s: first series type %v, want %s", i, fc.name, got, fc.seriesT)
		}
		names := strings.Join(axisNames(m), " | ")
		for _, want := range fc.axes {
			if !strings.Contains(names, want) {
				t.Errorf("case %d %s: axis names %q lack %q", i, fc.name, names, want)
			}
		}
		title, _ := m["title"].(map[string]any)
		if text, _ := title["text"].(string); text == "" || text != c.Title() {
			t.Errorf("case %d %s: title %q, chart title %q", i, fc.name, text, c.Title())
		}
		if m["animation"] != false {
			t.Errorf("case %d %s: animation = %v, want false", i, fc.name, m["animation"])
		}
		if _, ok := m["visualMap"]; ok != fc.visual {
			t.Errorf("case %d %s: has visualMap %v, want %v", i, fc.name, ok, fc.visual)
		}
		for _, s := range series {
			if d, ok := s["data"].([]any); !ok || len(d) == 0 {
				if s["name"] != "teacher spikes" {
					t.Errorf("case %d %s: series %v has no data", i, fc.name, s["name"])
				}
			}
		}
	}
}

// TestRasterCountsSpikes checks that the raster draws exactly the spikes of the inputs it
// selects: with PerPopulation covering every input, all spikes appear.
func TestRasterCountsSpikes(t *testing.T) {
	spikes := [][]int32{{1, 5}, {2}, {}, {0, 3, 4}}
	c, err := InputRaster(spikes, 2, RasterOptions{PerPopulation: 10})
	if err != nil {
		t.Fatal(err)
	}
	s := seriesList(decodeOption(t, c))
	exc, inh := len(s[0]["data"].([]any)), len(s[1]["data"].([]any))
	if exc != 3 || inh != 3 {
		t.Errorf("raster has %d excitatory and %d inhibitory spikes, want 3 and 3", exc, inh)
	}
	if !strings.HasPrefix(s[0]["name"].(string), "excitatory (2 of 2") {
		t.Errorf("first series is %q", s[0]["name"])
	}
}

// TestMemoryOrderAndColours checks that traces are drawn in increasing τ_m, coloured from
// the dark end of viridis (shortest τ) to the bright end (longest).
func TestMemoryOrderAndColours(t *testing.T) {
	m := [][]float64{{1, 2, 3}, {0.5, 1, 2}}
	tau := []float64{100, 1, 10}
	c, err := MemoryTraces(m, tau, MemoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := seriesList(decodeOption(t, c))
	wantNames := []string{"unit 1, τ_m 1 ms", "unit 2, τ_m 10 ms", "unit 0, τ_m 100 ms"}
	wantColors := []string{viridisStops[0], rampColor(viridisStops, 0.5),
		viridisStops[len(viridisStops)-1]}
	for i := range s {
		if s[i]["name"] != wantNames[i] {
			t.Errorf("series %d name %v, want %s", i, s[i]["name"], wantNames[i])
		}
		col := s[i]["lineStyle"].(map[string]any)["color"]
		if col != wantColors[i] {
			t.Errorf("series %d colour %v, want %s", i, col, wantColors[i])
		}
	}
	vm := decodeOption(t, c)["visualMap"].([]any)[0].(map[string]any)
	if vm["min"] != 0.0 || vm["max"] != 2.0 || len(vm["seriesIndex"].([]any)) != 0 {
		t.Errorf("τ colour bar min %v max %v seriesIndex %v, want log10 range 0..2 and no "+
			"series", vm["min"], vm["max"], vm["seriesIndex"])
	}
}

// TestHeatmapAveragesBlocks checks the column averaging: 5 steps into at most 2 columns
// gives blocks of 3 and 2 steps.
func TestHeatmapAveragesBlocks(t *testing.T) {
	m := [][]float64{{1}, {2}, {3}, {10}, {20}}
	c, err := MemoryHeatmap(m, []float64{5}, MemoryOptions{MaxColumns: 2})
	if err != nil {
		t.Fatal(err)
	}
	data := seriesList(decodeOption(t, c))[0]["data"].([]any)
	want := []float64{2, 15}
	for i, d := range data {
		v := d.(map[string]any)["value"].([]any)[2].(float64)
		if v != want[i] {
			t.Errorf("column %d = %v, want %v", i, v, want[i])
		}
	}
}

// TestBandIsMeanPlusMinusStd checks the error band of MetricVsTauMax against MeanStd and a
// hand-computed case: values 1, 2, 3 have mean 2 and sample std 1.
func TestBandIsMeanPlusMinusStd(t *testing.T) {
	mean, std := MeanStd([]float64{1, 2, 3})
	if mean != 2 || std != 1 {
		t.Fatalf("MeanStd(1,2,3) = %v, %v; want 2, 1", mean, std)
	}
	c, err := MetricVsTauMax([]Variant{{Name: "v", X: []float64{50, 10},
		Values: [][]float64{{1, 2, 3}, {5}}}}, SweepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := seriesList(decodeOption(t, c))
	point := func(si, k int) []any {
		return s[si]["data"].([]any)[k].(map[string]any)["value"].([]any)
	}
	// Sorted by τ_max: point 0 is τ 10 (one seed, no spread), point 1 is τ 50.
	if p := point(0, 1); p[0] != 50.0 || p[1] != 1.0 {
		t.Errorf("lower edge at τ 50 = %v, want [50 1]", p)
	}
	if p := point(1, 1); p[1] != 2.0 {
		t.Errorf("band width at τ 50 = %v, want 2", p[1])
	}
	if p := point(2, 0); p[0] != 10.0 || p[1] != 5.0 {
		t.Errorf("mean at τ 10 = %v, want [10 5]", p)
	}
	if p := point(1, 0); p[1] != 0.0 {
		t.Errorf("band width with one seed = %v, want 0", p[1])
	}
	if s[0]["stack"] != s[1]["stack"] || s[2]["stack"] != nil {
		t.Errorf("band series stacks %v %v, mean stack %v", s[0]["stack"], s[1]["stack"],
			s[2]["stack"])
	}
}

// TestHistogram checks bin counting on hand-picked values, including the upper edge.
func TestHistogram(t *testing.T) {
	edges := LogBins(1, 100, 2) // 1, 10, 100
	if math.Abs(edges[1]-10) > 1e-12 {
		t.Fatalf("LogBins middle edge %v, want 10", edges[1])
	}
	got := Histogram([]float64{1, 5, 9.99, 10.5, 50, 100, 200, 0.5}, edges)
	if got[0] != 3 || got[1] != 3 {
		t.Errorf("counts %v, want [3 3]", got)
	}
}

// TestPaperReference checks the published numbers read from the fixtures against the values
// in their eval_results.json and model_stats.json files.
func TestPaperReference(t *testing.T) {
	s, err := ReadPaperReference(fixturesPretrained, "AUC")
	if err != nil {
		t.Fatal(err)
	}
	want := []ParamPoint{
		{4601, 0.9436784290388297, "d_m=1"},
		{8002, 0.9921568089858758, "d_m=20"},
		{54002, 0.9945643001416385, "d_m=100 silu"},
	}
	if len(s.Points) != len(want) {
		t.Fatalf("%d points, want %d: %+v", len(s.Points), len(want), s.Points)
	}
	for i, p := range s.Points {
		if p != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, p, want[i])
		}
	}
	if !s.Reference || !strings.Contains(s.Name, "paper, real NeuronIO") {
		t.Errorf("series %q reference=%v; want the paper's label", s.Name, s.Reference)
	}
	rmse, err := ReadPaperReference(fixturesPretrained, "soma_RMSE")
	if err != nil {
		t.Fatal(err)
	}
	if rmse.Points[2].Value != 0.5641973492016029 {
		t.Errorf("best model soma RMSE %v, want 0.5641973492016029", rmse.Points[2].Value)
	}
}

func TestBadInput(t *testing.T) {
	mem, tau := sampleMemory(10, 3)
	nan := math.NaN()
	cases := []struct {
		build func() (*Chart, error)
		want  string
	}{
		{func() (*Chart, error) { return InputRaster(nil, 0, RasterOptions{}) }, "no inputs"},
		{func() (*Chart, error) { return InputRaster([][]int32{{1}}, 2, RasterOptions{}) },
			"numExcitatory 2 outside 0..1"},
		{func() (*Chart, error) { return InputRaster([][]int32{{-3}}, 1, RasterOptions{}) },
			"input 0 spikes at negative bin -3"},
		{func() (*Chart, error) {
			return TeacherVsModel(Comparison{TeacherMV: []float64{1, 2}, ModelMV: []float64{1}},
				CompareOptions{})
		}, "ModelMV has 1 values, TeacherMV has 2"},
		{func() (*Chart, error) {
			return TeacherVsModel(Comparison{TeacherMV: []float64{1, nan}}, CompareOptions{})
		}, "TeacherMV[1] = NaN"},
		{func() (*Chart, error) {
			return TeacherVsModel(Comparison{TeacherMV: []float64{1}, SpikeProb: []float64{1.5}},
				CompareOptions{})
		}, "SpikeProb[0] = 1.5"},
		{func() (*Chart, error) {
			return TeacherVsModel(Comparison{TeacherMV: []float64{1}, TeacherSpikes: []int{4}},
				CompareOptions{})
		}, "TeacherSpikes[0] = bin 4, outside 0..0"},
		{func() (*Chart, error) { return MemoryTraces(mem, tau[:2], MemoryOptions{}) },
			"2 τ_m values for 3 memory units"},
		{func() (*Chart, error) {
			return MemoryTraces(mem, []float64{1, 0, 3}, MemoryOptions{})
		}, "tauM[1] = 0 ms"},
		{func() (*Chart, error) {
			return MemoryHeatmap([][]float64{{1, 2}, {3}}, []float64{1, 2}, MemoryOptions{})
		}, "m row 1 has 1 values, row 0 has 2"},
		{func() (*Chart, error) {
			return MemoryTraces(mem, tau, MemoryOptions{Units: []int{0, 7}})
		}, "Units[1] = 7, outside 0..2"},
		{func() (*Chart, error) {
			return ImpulseResponses([][]float64{{1, -1}}, []float64{1, 2},
				MemoryOptions{LogY: true})
		}, "LogY needs positive values"},
		{func() (*Chart, error) {
			return TrainingCurves(TrainingCurve{Steps: []int{1, 2}, Loss: []float64{1}},
				TrainingOptions{})
		}, "2 steps for 1 loss values"},
		{func() (*Chart, error) {
			return TrainingCurves(TrainingCurve{Steps: []int{1}, Loss: []float64{math.Inf(1)}},
				TrainingOptions{})
		}, "Loss[0] = +Inf"},
		{func() (*Chart, error) { return MetricVsTauMax(nil, SweepOptions{}) }, "no variants"},
		{func() (*Chart, error) {
			return MetricVsTauMax([]Variant{{Name: "a", X: []float64{0}, Values: [][]float64{{1}}}},
				SweepOptions{})
		}, `variant "a": X[0] = 0`},
		{func() (*Chart, error) {
			return MetricVsTauMax([]Variant{{Name: "a", X: []float64{5}, Values: [][]float64{{}}}},
				SweepOptions{})
		}, `variant "a" has no value at τ_max 5`},
		{func() (*Chart, error) {
			return MetricVsParams([]ParamSeries{{Name: "x", Points: []ParamPoint{{Params: 0,
				Value: 1, Label: "p"}}}}, ParamOptions{})
		}, `point "p": params 0`},
		{func() (*Chart, error) { return TauHistogram(nil, nil, HistOptions{}) }, "no τ_m values"},
		{func() (*Chart, error) { return TauHistogram([]float64{-1}, nil, HistOptions{}) },
			"before[0] = -1 ms"},
		{func() (*Chart, error) {
			return IntegrationSurface(Surface{X: []float64{1, 2}, Y: []float64{1},
				Z: [][]float64{{1, 2, 3}}}, SurfaceOptions{})
		}, "Z has 3 columns, want len(X) = 2"},
		{func() (*Chart, error) { return GreyImage(make([]float64, 5), 2, 3, ImageOptions{}) },
			"5 pixels for a 2 x 3 image"},
	}
	for i, c := range cases {
		chart, err := c.build()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: got %v (chart %v), want error containing %q", i, err, chart != nil,
				c.want)
		}
	}
}

func TestPaperReferenceErrors(t *testing.T) {
	if _, err := ReadPaperReference(t.TempDir(), "AUC"); err == nil ||
		!strings.Contains(err.Error(), "no */eval_results.json") {
		t.Errorf("empty dir: %v", err)
	}
	_, err := ReadPaperReference(fixturesPretrained, "accuracy")
	if err == nil || !strings.Contains(err.Error(), `no test_results "accuracy" (has AUC,`) {
		t.Errorf("unknown metric: %v", err)
	}
}
