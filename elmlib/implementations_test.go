package elmlib

import (
	"fmt"
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// TestFastEqualsReference runs both implementations on the same NeuronIO-sized models
// (random signed spikes, learnable τ_m) and compares outputs, trajectories and the
// gradient of every parameter. Both compute the same function; only the float32
// summation order differs.
func TestFastEqualsReference(t *testing.T) {
	for _, cfg := range []Config{learnable(NeuronIOSynapseTraceConfig(5)),
		learnable(NeuronIOBranchTraceConfig(3))} {
		t.Run(string(cfg.Variant()), func(t *testing.T) {
			b := randomNeuronIOBatch(2, 20, 0.02)
			target := tensors.FromFlatDataAndDimensions(make([]float32, 2*20*2), 2, 20, 2)
			keys := []string{KeyProtoWS, KeyProtoTauM, MLPKey(0, "weight"),
				MLPKey(0, "bias"), MLPKey(1, "weight"), MLPKey(1, "bias"), KeyWYWeight, KeyWYBias}
			var preds []*Prediction
			var grads []map[string][]float32
			for _, impl := range []Implementation{Reference, Fast} {
				m, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if err := m.SetImplementation(impl); err != nil {
					t.Fatal(err)
				}
				p, err := m.Predict(b)
				if err != nil {
					t.Fatal(err)
				}
				_, g := lossAndGrads(t, m, b, target, keys)
				preds, grads = append(preds, p), append(grads, g)
			}
			compare := func(what string, a, b []float32, tol float64) {
				worst := 0.0
				for i := range a {
					worst = max(worst, math.Abs(float64(a[i]-b[i]))/(1+math.Abs(float64(a[i]))))
				}
				if !(worst <= tol) || len(a) != len(b) {
					t.Errorf("%s: max relative difference %.3g (tolerance %.3g)", what, worst, tol)
				}
			}
			compare("y", preds[0].Y.Data, preds[1].Y.Data, 1e-5)
			compare("m", preds[0].M.Data, preds[1].M.Data, 1e-5)
			compare("branch", preds[0].Branch.Data, preds[1].Branch.Data, 1e-5)
			for _, k := range keys {
				compare(fmt.Sprintf("grad %s", k), grads[0][k], grads[1][k], 1e-4)
			}
		})
	}
}

func learnable[C SynapseTraceConfig | BranchTraceConfig](c C) Config {
	switch v := any(c).(type) {
	case SynapseTraceConfig:
		v.LearnTauM = true
		return v
	case BranchTraceConfig:
		v.LearnTauM = true
		return v
	}
	return nil
}
