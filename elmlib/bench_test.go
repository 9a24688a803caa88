package elmlib

import (
	"math/rand/v2"
	"testing"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib/internal/fastpath"
)

// randomNeuronIOBatch returns a random signed NeuronIO batch with spikes at rate p per
// input and step, and random targets: fastpath.SpikeBatch (the workload of
// bench_torch.py) with a fixed seed.
func randomNeuronIOBatch(size, steps int, p float64) *data.Batch {
	return fastpath.SpikeBatch(NeuronIOInputs, size, steps, p, rand.New(rand.NewPCG(1, 2)))
}

// BenchmarkPredictT500: forward (with trajectories) of each implementation, NeuronIO
// d_m 20, batch 8, T 500, spike rate 0.01. Compare the two in one run.
func BenchmarkPredictT500(b *testing.B) {
	for _, impl := range []Implementation{Reference, Fast} {
		b.Run(string(impl), func(b *testing.B) { benchPredict(b, impl) })
	}
}

func benchPredict(b *testing.B, impl Implementation) {
	m, err := New(NeuronIOSynapseTraceConfig(20))
	if err == nil {
		err = m.SetImplementation(impl)
	}
	if err != nil {
		b.Fatal(err)
	}
	batch := randomNeuronIOBatch(8, 500, 0.01)
	if _, err := m.Predict(batch); err != nil { // compile
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := m.Predict(batch); err != nil {
			b.Fatal(err)
		}
	}
}

type repeatSource struct{ b *data.Batch }

func (r repeatSource) Next() (*data.Batch, error) { return r.b, nil }

// BenchmarkTrainStepT500: one Adam step (forward, NeuronIO loss, backward) of each
// implementation, NeuronIO d_m 20, batch 8, T 500.
func BenchmarkTrainStepT500(b *testing.B) {
	for _, impl := range []Implementation{Reference, Fast} {
		b.Run(string(impl), func(b *testing.B) { benchTrain(b, impl) })
	}
}

func benchTrain(b *testing.B, impl Implementation) {
	m, err := New(NeuronIOSynapseTraceConfig(20))
	if err == nil {
		err = m.SetImplementation(impl)
	}
	if err != nil {
		b.Fatal(err)
	}
	src := repeatSource{randomNeuronIOBatch(8, 500, 0.01)}
	if _, err := Train(m, src, TrainOptions{Steps: 1, Quiet: true}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := Train(m, src, TrainOptions{Steps: 1 + b.N, Quiet: true}); err != nil {
		b.Fatal(err)
	}
}
