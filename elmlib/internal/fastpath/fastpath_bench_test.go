package fastpath

import (
	"math/rand/v2"
	"testing"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// benchMode times one mode on the NeuronIO workload (B 8, spike p 0.01) at T steps.
func benchMode(b *testing.B, variant Variant, steps int, mode Mode) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		b.Fatal(err)
	}
	spec := NeuronIOSpec(variant)
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.New()
	SetContextParams(ctx, spec, InitialParams(spec, rng), false)
	batch := SpikeBatch(spec.NumInput, 8, steps, 0.01, rng)
	ev, err := BuildSynapseEvents(spec, batch)
	if err != nil {
		b.Fatal(err)
	}
	exec, err := NewModeExec(backend, ctx, spec, 8, steps, mode)
	if err != nil {
		b.Fatal(err)
	}
	args := ModeArgs(ev, batch)
	if _, err := exec.Exec(args...); err != nil { // compile + warm-up
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		out, err := exec.Exec(args...)
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range out {
			t.FinalizeAll()
		}
	}
}

func BenchmarkForwardT500(b *testing.B) { benchMode(b, ELMv1, 500, ModeForward) }
func BenchmarkFwdBwdT500(b *testing.B)  { benchMode(b, ELMv1, 500, ModeFwdBwd) }
func BenchmarkTrainT500(b *testing.B)   { benchMode(b, ELMv1, 500, ModeTrain) }
func BenchmarkFwdBwdT2000(b *testing.B) { benchMode(b, ELMv1, 2000, ModeFwdBwd) }
func BenchmarkFwdBwdT1000(b *testing.B) { benchMode(b, ELMv1, 1000, ModeFwdBwd) }
func BenchmarkTrainV2T500(b *testing.B) { benchMode(b, BranchELMv2, 500, ModeTrain) }

// BenchmarkEventsT500 times the Go-side conversion of a batch into synapse events.
func BenchmarkEventsT500(b *testing.B) {
	spec := NeuronIOSpec(ELMv1)
	batch := SpikeBatch(spec.NumInput, 8, 500, 0.01, rand.New(rand.NewPCG(1, 2)))
	r, err := NewRouter(spec)
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		if _, err := r.Events(batch); err != nil {
			b.Fatal(err)
		}
	}
}
