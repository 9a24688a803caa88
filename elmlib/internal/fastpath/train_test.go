package fastpath

import (
	"math/rand/v2"
	"testing"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// TestAdamStepsReduceLoss trains a small routed model with the Adam executable
// (context variables, optimizer update in the graph) on one fixed batch: the loss after 30
// steps must be clearly below the first step's, and the variables must have changed.
func TestAdamStepsReduceLoss(t *testing.T) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		t.Fatal(err)
	}
	rc := newRandomCase(300, ELMv1, "neuronio", "relu", 1, false, true)
	spec := rc.spec
	rng := rand.New(rand.NewPCG(3, 4))
	ctx := context.New()
	SetContextParams(ctx, spec, InitialParams(spec, rng), true)
	b := SpikeBatch(spec.NumInput, 4, 30, 0.2, rng)
	ev, err := BuildSynapseEvents(spec, b)
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewModeExec(backend, ctx, spec, 4, 30, ModeTrain)
	if err != nil {
		t.Fatal(err)
	}
	before, err := tensors.CopyFlatData[float32](ctx.GetVariable("w_y.weight").MustValue())
	if err != nil {
		t.Fatal(err)
	}
	var first, last float32
	for i := range 30 {
		out, err := exec.Exec(ModeArgs(ev, b)...)
		if err != nil {
			t.Fatal(err)
		}
		loss := tensors.ToScalar[float32](out[0])
		if i == 0 {
			first = loss
		}
		last = loss
	}
	after, err := tensors.CopyFlatData[float32](ctx.GetVariable("w_y.weight").MustValue())
	if err != nil {
		t.Fatal(err)
	}
	if !(last < 0.9*first) {
		t.Errorf("loss went from %g to %g in 30 Adam steps, want a clear decrease", first, last)
	}
	if before[0] == after[0] {
		t.Errorf("w_y.weight[0] unchanged (%g) after training", before[0])
	}
}
