package baseline

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/elmneuron/elm/data"
)

// randomBatch is a batch of 16 sequences of normal noise with random labels of 10 classes.
func randomBatch(steps, inputs int) *data.Batch {
	rng := rand.New(rand.NewPCG(1, 1))
	b := &data.Batch{Size: 16, Steps: steps, Channels: inputs,
		Dense: make([]float32, 16*steps*inputs), Labels: make([]int32, 16)}
	for i := range b.Dense {
		b.Dense[i] = float32(rng.NormFloat64())
	}
	for i := range b.Labels {
		b.Labels[i] = int32(rng.IntN(10))
	}
	return b
}

// The sequence lengths of the long-range tasks: row-by-row Fashion-MNIST (28 steps of 28
// values), pixel-by-pixel Fashion-MNIST (784 steps, 16 grey bins), Pathfinder-32 (1024 steps,
// 8 bins). Hidden width 64 (about 24k parameters at 16 inputs).
var benchShapes = []struct{ steps, inputs int }{{28, 28}, {784, 16}, {1024, 8}}

// BenchmarkTrainStep times one Adam step (forward, backward, update) on a batch of 16, after
// a first step that compiles the graph. Run with:
//
//	GOMLX_BACKEND=go:ops_sequential go test ./elmlib/baseline -run XXX \
//	  -bench TrainStep -benchtime 5x
func BenchmarkTrainStep(b *testing.B) {
	for _, layer := range []bool{false, true} {
		for _, s := range benchShapes {
			if layer && s.steps > 28 {
				continue // O(T²) gradient: minutes per step at 784 steps
			}
			name := fmt.Sprintf("cell/T=%d", s.steps)
			if layer {
				name = fmt.Sprintf("layer/T=%d", s.steps)
			}
			b.Run(name, func(b *testing.B) {
				m, err := NewClassifier(Config{Inputs: s.inputs, Hidden: 64, Classes: 10,
					UseLayer: layer}, 1e-3, 1)
				if err != nil {
					b.Fatal(err)
				}
				src := sourceOf(randomBatch(s.steps, s.inputs))
				if _, err := m.Train(src, 1, nil); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				if _, err := m.Train(src, b.N, nil); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/batch")
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*s.steps), "µs/step")
			})
		}
	}
}

// BenchmarkForward times the logits of a batch of 16 (evaluation), after compilation.
func BenchmarkForward(b *testing.B) {
	for _, s := range benchShapes {
		b.Run(fmt.Sprintf("cell/T=%d", s.steps), func(b *testing.B) {
			m, err := NewClassifier(Config{Inputs: s.inputs, Hidden: 64, Classes: 10}, 1e-3, 1)
			if err != nil {
				b.Fatal(err)
			}
			batch := randomBatch(s.steps, s.inputs)
			if _, err := m.Logits(batch); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := m.Logits(batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/batch")
		})
	}
}
