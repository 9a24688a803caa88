package views

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data/teacher"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/experiment"
)

func TestDynamicsFigures(t *testing.T) {
	cfg := teacher.DefaultConfig()
	cfg.NumSims, cfg.DurationMS = 1, 300
	sims, err := teacher.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := elmlib.New(elmlib.NeuronIOSynapseTraceConfig(4))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Dynamics(m, sims[0], 0, 250, DynamicsOptions{Units: []int{0, 3}, MaxColumns: 50})
	if err != nil {
		t.Fatal(err)
	}
	if n := d.Traces.NumSeries(); n != 2 {
		t.Errorf("traces of 2 selected units have %d series", n)
	}
	if len(d.Operating.Memory) != 4 || len(d.Operating.Drive) != 45 {
		t.Errorf("operating point sizes %d, %d", len(d.Operating.Memory), len(d.Operating.Drive))
	}
	// The heat map averages 250 steps into 50 columns of 5 bins: 2 units × 50 cells.
	var hm struct {
		Series []struct{ Data []any } `json:"series"`
	}
	if err := json.Unmarshal(d.Heatmap.Option(), &hm); err != nil {
		t.Fatal(err)
	}
	if n := len(hm.Series[0].Data); n != 100 {
		t.Errorf("heat map has %d cells, want 100", n)
	}

	imp, err := experiment.ImpulseResponse(m, experiment.ImpulseOptions{Branch: 2, Steps: 40})
	if err != nil {
		t.Fatal(err)
	}
	resp, leak, err := ImpulseFigures(imp, DynamicsOptions{MaxUnits: 3})
	if err != nil {
		t.Fatal(err)
	}
	// MaxUnits 3 of 4 units (τ increasing with the index): units 0, 1 and 3.
	if !strings.Contains(string(leak.Option()), "unit 1,") ||
		strings.Contains(string(leak.Option()), "unit 2,") {
		t.Errorf("MaxUnits 3 did not select units 0, 1, 3")
	}
	if resp.NumSeries() != 3 || leak.NumSeries() != 3 ||
		!strings.Contains(string(resp.Option()), "excitatory volley on branch 2 (50 synapses") {
		t.Errorf("impulse figures: %d and %d series, option %.300s", resp.NumSeries(),
			leak.NumSeries(), resp.Option())
	}
	if tab := ImpulseTable(imp); len(tab.Rows) != 4 || tab.Rows[0][1] != "1" {
		t.Errorf("impulse table rows %v", tab.Rows)
	}

	s, err := experiment.IntegrationSurface(m, experiment.SurfaceOptions{BranchA: 1,
		BranchB: 7, Min: -1, Max: 1, Points: 5})
	if err != nil {
		t.Fatal(err)
	}
	e, i, err := SurfaceFigures(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Title(), "branches 1 and 7") ||
		!strings.Contains(i.Title(), "Nonlinear part") {
		t.Errorf("surface titles %q, %q", e.Title(), i.Title())
	}

	ts, err := experiment.TauBeforeAfter(m)
	if err != nil {
		t.Fatal(err)
	}
	c, err := TauFigure(ts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c.Option()), "coincide") {
		t.Errorf("fixed-τ histogram does not say the two coincide")
	}
	tab := TauTable(&experiment.Timescales{Initial: []float64{2, 10}, Trained: []float64{3, 10}})
	if len(tab.Rows) != 2 || tab.Rows[0][3] != "1.50" || tab.Rows[1][3] != "1.00" {
		t.Errorf("τ table rows %v", tab.Rows)
	}
}
