package neuronio_test

import (
	"fmt"

	"github.com/elmneuron/elm/data/neuronio"
)

// Load a NeuronIO file and look at one simulation; then stream training windows.
func Example() {
	f, err := neuronio.LoadFile("testdata/small.p")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := f.Simulations[0]
	fmt.Printf("%d simulations of %d ms, %d inputs (%d excitatory)\n", len(f.Simulations),
		f.DurationMS, len(s.InputSpikes), s.NumExcitatory)
	fmt.Printf("output spikes in bins %v, soma at 0 ms %.2f mV\n", s.OutputSpikes, s.SomaMV[0])

	src, err := neuronio.NewWindowSource(neuronio.SourceConfig{
		Files: []string{"testdata/small.p", "testdata/py3.p"}, BatchSize: 4, Window: 500, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := src.Next()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("batch %d × %d ms × %d inputs\n", b.Size, b.Steps, b.Channels)
	// Output:
	// 3 simulations of 1000 ms, 1278 inputs (639 excitatory)
	// output spikes in bins [0 517 578 912], soma at 0 ms 20.00 mV
	// batch 4 × 500 ms × 1278 inputs
}
