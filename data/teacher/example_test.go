package teacher_test

import (
	"fmt"

	"github.com/elmneuron/elm/data/teacher"
)

// Generate a small teacher data set: 2 simulations of 1 s.
func ExampleGenerate() {
	cfg := teacher.DefaultConfig()
	cfg.NumSims, cfg.DurationMS = 2, 1000
	sims, err := teacher.Generate(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := sims[0]
	fmt.Println(len(sims), "simulations,", len(s.InputSpikes), "inputs,",
		s.NumExcitatory, "excitatory,", len(s.SomaMV), "soma samples")
	fmt.Printf("soma at t = 0: %.1f mV\n", s.SomaMV[0])
	// Output:
	// 2 simulations, 1278 inputs, 639 excitatory, 1000 soma samples
	// soma at t = 0: -70.0 mV
}
