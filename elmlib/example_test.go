package elmlib_test

import (
	"fmt"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib"
)

// A Branch-ELM v2 with 4 inputs on 2 branches, driven by one spike on input 0. The
// branch trace decays by κ_b = exp(-Δt/τ_b) per step.
func ExampleModel_Predict() {
	cfg := elmlib.NewBranchTraceConfig(4, 1, 3)
	cfg.NumBranch, cfg.SynapsesPerBranch = 2, 2
	m, err := elmlib.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := &data.Batch{Size: 1, Steps: 5, Channels: 4, Dense: make([]float32, 5*4)}
	b.Dense[0] = 1 // step 0, input 0
	p, err := m.Predict(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("y:", p.Y.Shape, "m:", p.M.Shape, "branch:", p.Branch.Shape)
	// b_0 = w_s·x = 0.5, then b_1 = κ_b·b_0 = 0.5·exp(-1/5).
	fmt.Printf("branch 0 trace: %.4f %.4f\n", p.Branch.At(0, 0, 0), p.Branch.At(0, 1, 0))
	fmt.Println("parameters:", m.NumParams())
	// Output:
	// y: [1 5 1] m: [1 5 3] branch: [1 5 2]
	// branch 0 trace: 0.5000 0.4094
	// parameters: 65
}

// Configuration errors name the field and its value.
func ExampleSynapseTraceConfig_Validate() {
	cfg := elmlib.NeuronIOSynapseTraceConfig(20)
	cfg.TauMMin = 200
	fmt.Println(cfg.Validate())
	// Output:
	// elmlib: config field TauMMin = 200: must be < TauMMax (150)
}
