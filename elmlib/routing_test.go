package elmlib

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestRoutingSixInputs(t *testing.T) {
	// fixtures/README.md: with 6 inputs and 3 × 3 the NeuronIO indices are
	// [0,3,1, 1,4,2, 2,5,5] and the mask [1,1,1, 1,1,1, 1,1,0].
	cfg := NewSynapseTraceConfig(6, 2, 4)
	cfg.Routing, cfg.NumBranch, cfg.SynapsesPerBranch = RoutingNeuronIO, 3, 3
	r, err := NewRouting(cfg)
	if err != nil {
		t.Fatal(err)
	}
	wantIn := []int64{0, 3, 1, 1, 4, 2, 2, 5, 5}
	wantValid := []bool{true, true, true, true, true, true, true, true, false}
	if !reflect.DeepEqual(r.Input, wantIn) || !reflect.DeepEqual(r.Valid, wantValid) {
		t.Errorf("routing = %v %v, want %v %v", r.Input, r.Valid, wantIn, wantValid)
	}
}

func TestRoutingNeuronIO(t *testing.T) {
	r, err := NewRouting(NeuronIOSynapseTraceConfig(20))
	if err != nil {
		t.Fatal(err)
	}
	// REFERENCE-NOTES section 6: 218 masked, 4282 valid, branch 0 reads 0, 639, 1, 640, ...
	if len(r.Input) != 4500 || r.NumValid() != 4282 {
		t.Errorf("%d synapses, %d valid; want 4500 and 4282", len(r.Input), r.NumValid())
	}
	if got := r.Input[:6]; !reflect.DeepEqual(got, []int64{0, 639, 1, 640, 2, 641}) {
		t.Errorf("branch 0 reads %v", got)
	}
	for b, want := range map[int]int{41: 89, 42: 60, 43: 31, 44: 2} {
		n := 0
		for _, v := range r.Valid[b*100 : (b+1)*100] {
			if v {
				n++
			}
		}
		if n != want {
			t.Errorf("branch %d has %d valid slots, want %d", b, n, want)
		}
	}
	path := filepath.Join(sharedDir, "fixtures", "pretrained", "num_memory_20", "state_dict.json")
	sd, err := ReadStateDictJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := sd["input_to_synapse_indices"].I64; !reflect.DeepEqual(got, r.Input) {
		t.Errorf("indices differ from the published checkpoint")
	}
	if got := sd["valid_indices_mask"].Bool; !reflect.DeepEqual(got, r.Valid) {
		t.Errorf("mask differs from the published checkpoint")
	}
}

func TestRoutingNoneAndRandom(t *testing.T) {
	r, err := NewRouting(NewBranchTraceConfig(6, 2, 4))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Input, []int64{0, 1, 2, 3, 4, 5}) || r.NumValid() != 6 {
		t.Errorf("no routing: %v %v", r.Input, r.Valid)
	}
	cfg := NewSynapseTraceConfig(10, 2, 4)
	cfg.Routing, cfg.NumBranch, cfg.SynapsesPerBranch, cfg.RoutingSeed = RoutingRandom, 4, 50, 7
	a, _ := NewRouting(cfg)
	b, _ := NewRouting(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Error("random routing with one seed differs between calls")
	}
	seen := map[int64]bool{}
	for _, i := range a.Input {
		if i < 0 || i >= 10 {
			t.Fatalf("random routing index %d outside [0, 10)", i)
		}
		seen[i] = true
	}
	if len(seen) != 10 || a.NumValid() != 200 {
		t.Errorf("200 random draws over 10 inputs hit %d inputs, %d valid",
			len(seen), a.NumValid())
	}
	cfg.RoutingSeed = 8
	if c, _ := NewRouting(cfg); reflect.DeepEqual(a.Input, c.Input) {
		t.Error("random routing ignores RoutingSeed")
	}
}
