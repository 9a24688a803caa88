package plots

import "testing"

// The memory figures label time from StartMS, so that they line up with TeacherVsModel
// drawn for the same window.
func TestMemoryFiguresStartMS(t *testing.T) {
	m := [][]float64{{0.1, -0.2}, {0.3, 0.4}, {0.5, 0.6}}
	tau := []float64{2, 50}
	o := MemoryOptions{StartMS: 4200}
	tr, err := MemoryTraces(m, tau, o)
	if err != nil {
		t.Fatal(err)
	}
	x := decodeOption(t, tr)["xAxis"].([]any)[0].(map[string]any)
	if x["min"] != 4200.0 || x["max"] != 4203.0 {
		t.Errorf("traces x axis [%v, %v], want [4200, 4203] (3 bins of 1 ms)", x["min"], x["max"])
	}
	first := decodeOption(t, tr)["series"].([]any)[0].(map[string]any)["data"].([]any)[0]
	if p := first.(map[string]any)["value"].([]any); p[0] != 4200.0 {
		t.Errorf("first point at t = %v, want 4200", p[0])
	}
	hm, err := MemoryHeatmap(m, tau, o)
	if err != nil {
		t.Fatal(err)
	}
	labels := decodeOption(t, hm)["xAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if labels[0] != "4200" || labels[2] != "4202" {
		t.Errorf("heat map time labels %v, want 4200, 4201, 4202", labels)
	}
}
