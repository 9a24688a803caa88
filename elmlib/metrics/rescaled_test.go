package metrics

import (
	"math"
	"testing"
)

// RescaledSoma maps the prediction onto the target's mean and std over all simulations
// and leaves the original untouched. Target {1, 3, 5, 7}: mean 4, population std √5;
// prediction {0, 1, 2, 3} is an affine image of it, so the rescaled copy equals the target.
func TestRescaledSoma(t *testing.T) {
	pr := &Predictions{SomaTrue: [][]float64{{1, 3}, {5, 7}},
		SomaPred: [][]float64{{0, 1}, {2, 3}}}
	out, err := pr.RescaledSoma()
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	for i, row := range out.SomaPred {
		for j, v := range row {
			if math.Abs(v-pr.SomaTrue[i][j]) > tol {
				t.Errorf("rescaled[%d][%d] = %g, want %g", i, j, v, pr.SomaTrue[i][j])
			}
		}
	}
	if pr.SomaPred[1][1] != 3 {
		t.Errorf("original prediction changed to %g", pr.SomaPred[1][1])
	}
}
