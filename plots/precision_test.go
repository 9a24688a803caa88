package plots

import "testing"

func TestLabelPrecision(t *testing.T) {
	for i, c := range []struct {
		lo, hi float64
		want   int
	}{
		{0, 100, 0},      // span 100: whole numbers
		{-3, 3, 2},       // span 6: 3 significant digits need 2 decimals
		{-0.15, 0.32, 3}, // span 0.47
		{0, 0.001, 5},    // span 1e-3
		{0, 1e-12, 6},    // capped
		{1, 1, 0},        // empty span
		{-8.58, 8.58, 1}, // span 17.2
		{0, 12345.0, 0},  // large span
	} {
		if got := labelPrecision(c.lo, c.hi); got != c.want {
			t.Errorf("case %d: labelPrecision(%g, %g) = %d, want %d", i, c.lo, c.hi, got, c.want)
		}
	}
	s := Surface{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{-0.1, 0.2}, {0, 0.3}},
		XName: "a", YName: "b", ZName: "z"}
	ch, err := IntegrationSurface(s, SurfaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vm := decodeOption(t, ch)["visualMap"].([]any)[0].(map[string]any)
	if p, _ := vm["precision"].(float64); p != 3 {
		t.Errorf("surface colour bar precision %v, want 3 for values in [-0.1, 0.3]", vm["precision"])
	}
}
