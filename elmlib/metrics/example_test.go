package metrics_test

import (
	"fmt"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib/metrics"
)

// The AUC of five scores with a tie between a positive and a negative (see TestROCCurveTies
// for the hand computation).
func ExampleROCAUC() {
	scores := []float64{0.1, 0.4, 0.35, 0.8, 0.4}
	spike := []bool{false, false, true, true, true}
	auc, err := metrics.ROCAUC(scores, spike)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("AUC %.4f\n", auc)
	// Output: AUC 0.7500
}

// Evaluate a toy "model" with the authors' protocol. The model sees one window at a time and
// guesses a spike probability and a voltage from its inputs: it predicts a spike one step
// after an excitatory input and a voltage that rises with recent input.
func ExampleEvaluate() {
	sims := make([]*data.Simulation, 2)
	for i := range sims {
		s := &data.Simulation{Duration: 1200, NumExcitatory: 1,
			InputSpikes: make([][]int32, 2), SomaMV: make([]float32, 1200)}
		for t := 0; t < 1200; t++ {
			s.SomaMV[t] = -70
			if t%97 == 10*i {
				s.InputSpikes[0] = append(s.InputSpikes[0], int32(t))
			}
			if t%97 == 10*i+1 {
				s.OutputSpikes = append(s.OutputSpikes, int32(t))
				s.SomaMV[t] = -60
			}
		}
		sims[i] = s
	}
	model := func(b *data.Batch) (spikeProb, somaMV []float32, err error) {
		x := b.DenseInput() // [Size, Steps, Channels]
		spikeProb = make([]float32, b.Size*b.Steps)
		somaMV = make([]float32, b.Size*b.Steps)
		for k := 0; k < b.Size; k++ {
			for s := 0; s < b.Steps; s++ {
				in := float32(0)
				if s > 0 {
					in = x[(k*b.Steps+s-1)*b.Channels] // excitatory input one step earlier
				}
				spikeProb[k*b.Steps+s] = 0.1 + 0.8*in
				somaMV[k*b.Steps+s] = -70 + 10*in
			}
		}
		return spikeProb, somaMV, nil
	}
	res, err := metrics.Evaluate(sims, model, metrics.AuthorsProtocol())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("simulations %d, AUC %.3f, TP@0.25%%FP %.3f, RMSE %.3f mV, EV %.3f\n",
		res.Simulations, res.AUC, res.TPRAtFPR[0], res.SomaRMSE, res.SomaExplainedVariance)
	// Output: simulations 2, AUC 1.000, TP@0.25%FP 1.000, RMSE 0.000 mV, EV 1.000
}
