package fastpath

import (
	"math"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

func TestBucketLength(t *testing.T) {
	for i, c := range []struct{ n, want int }{
		{0, MinBucket}, {1, MinBucket}, {MinBucket, MinBucket}, {1025, 1152}, {1152, 1152},
		{1153, 1280}, {170588, 11 << 14}, {683460, 11 << 16},
	} {
		got := BucketLength(c.n)
		if got != c.want {
			t.Errorf("%d: BucketLength(%d) = %d, want %d", i, c.n, got, c.want)
		}
		if c.n > MinBucket && float64(got) > 1.125*float64(c.n) {
			t.Errorf("%d: BucketLength(%d) = %d pads more than 12.5%%", i, c.n, got)
		}
	}
}

// TestEventsRouting checks the synapse events of a small routed spec by hand: 4 inputs,
// 2 branches × 3 synapses reading inputs [0 1 1 | 2 3 0] with the last synapse masked.
func TestEventsRouting(t *testing.T) {
	spec := Spec{Variant: BranchELMv2, NumInput: 4, NumBranch: 2, SynPerBranch: 3,
		NumMemory: 1, Hidden: 1, Layers: 1, NumOutput: 1, Activation: "relu", Lambda: 5,
		DeltaT: 1, TauMin: 1, TauMax: 2, TraceTau: []float32{5, 5},
		Indices: []int32{0, 1, 1, 2, 3, 0}, Mask: []bool{true, true, true, true, true, false}}
	sparse := &data.Batch{Size: 2, Steps: 3, Channels: 4, Events: &data.Events{}}
	sparse.Events.Add(1, 0, 1, 1)  // t=1, seq 0, input 1 -> synapses 1, 2 (branch 0)
	sparse.Events.Add(2, 1, 0, -1) // t=2, seq 1, input 0 -> synapse 0 (branch 0); 5 masked
	sparse.Events.Add(0, 1, 3, 0)  // zero: no event
	dense := &data.Batch{Size: 2, Steps: 3, Channels: 4, Dense: sparse.DenseInput()}
	for name, b := range map[string]*data.Batch{"sparse": sparse, "dense": dense} {
		ev, err := BuildSynapseEvents(spec, b)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Count != 3 || ev.Len() != MinBucket || ev.Groups != 2 {
			t.Fatalf("%s: count %d, len %d, groups %d; want 3, %d, 2", name, ev.Count, ev.Len(),
				MinBucket, ev.Groups)
		}
		want := map[[2]int32]float32{{1, (1*2 + 0) * 2}: 1, {2, (1*2 + 0) * 2}: 1,
			{0, (2*2 + 1) * 2}: -1}
		for k := range ev.Count {
			key := [2]int32{ev.Syn[k], ev.Slot[k]}
			if want[key] != ev.Value[k] {
				t.Errorf("%s: unexpected event syn %d slot %d value %g", name, key[0], key[1],
					ev.Value[k])
			}
			delete(want, key)
		}
		if len(want) != 0 {
			t.Errorf("%s: missing events %v", name, want)
		}
		for k := ev.Count; k < ev.Len(); k++ {
			if ev.Value[k] != 0 {
				t.Fatalf("%s: padding entry %d has value %g", name, k, ev.Value[k])
			}
		}
	}
}

func TestEventsErrors(t *testing.T) {
	spec := NeuronIOSpec(ELMv1)
	r, err := NewRouter(spec)
	if err != nil {
		t.Fatal(err)
	}
	wrong := &data.Batch{Size: 1, Steps: 2, Channels: 10, Dense: make([]float32, 20)}
	if _, err := r.Events(wrong); err == nil || !strings.Contains(err.Error(), "10 channels") {
		t.Errorf("wrong channel count: error %v", err)
	}
	nan := &data.Batch{Size: 1, Steps: 1, Channels: 1278, Dense: make([]float32, 1278)}
	nan.Dense[7] = float32(math.NaN())
	if _, err := r.Events(nan); err == nil || !strings.Contains(err.Error(), "channel 7") {
		t.Errorf("NaN input: error %v", err)
	}
	bad := spec
	bad.TauMin, bad.TauMax = 5, 5
	if _, err := NewRouter(bad); err == nil || !strings.Contains(err.Error(), "TauMin") {
		t.Errorf("tau_min >= tau_max: error %v", err)
	}
	bad = spec
	bad.Indices = bad.Indices[:10]
	if _, err := NewRouter(bad); err == nil || !strings.Contains(err.Error(), "Indices has 10") {
		t.Errorf("short Indices: error %v", err)
	}
}
