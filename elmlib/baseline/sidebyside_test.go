package baseline

import (
	"fmt"
	"testing"
	"time"

	"github.com/elmneuron/elm/elmlib"
)

// BenchmarkELMvsLSTM times training steps (batch 16, 10 classes, cross-entropy on the last
// step) of an ELM neuron (v1, d_m 100, elmlib's default implementation) and of an LSTM with
// at most as many parameters, side by side at the long-range tasks' lengths. The first step
// (graph compilation) is excluded; ms/step is the mean over the remaining b.N steps.
// Run with:
//
//	GOMLX_BACKEND=go:ops_sequential go test ./elmlib/baseline -run XXX \
//	  -bench ELMvsLSTM -benchtime 3x
func BenchmarkELMvsLSTM(b *testing.B) {
	for _, s := range benchShapes {
		elmCfg := elmlib.NewSynapseTraceConfig(s.inputs, 10, 100)
		nELM := elmlib.NumParams(elmCfg)
		lstmCfg := Config{Inputs: s.inputs, Hidden: HiddenForParams(s.inputs, 10, nELM),
			Classes: 10}
		src := sourceOf(randomBatch(s.steps, s.inputs))

		b.Run(fmt.Sprintf("T=%d/elm-%dparams", s.steps, nELM), func(b *testing.B) {
			m, err := elmlib.New(elmCfg)
			if err != nil {
				b.Fatal(err)
			}
			var first time.Time
			_, err = elmlib.Train(m, src, elmlib.TrainOptions{Steps: b.N + 1, Quiet: true,
				Loss: elmlib.LossCrossEntropyLast, LearningRate: 1e-3,
				OnStep: func(step int, _ float64) {
					if first.IsZero() {
						first = time.Now()
					}
				}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(time.Since(first).Milliseconds())/float64(b.N), "ms/step")
		})
		b.Run(fmt.Sprintf("T=%d/lstm-h%d-%dparams", s.steps, lstmCfg.Hidden, lstmCfg.NumParams()),
			func(b *testing.B) {
				m, err := NewClassifier(lstmCfg, 1e-3, 1)
				if err != nil {
					b.Fatal(err)
				}
				var first time.Time
				_, err = m.Train(src, b.N+1, func(int, float64) {
					if first.IsZero() {
						first = time.Now()
					}
				})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(time.Since(first).Milliseconds())/float64(b.N), "ms/step")
			})
	}
}
