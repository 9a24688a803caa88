package plots_test

import (
	"fmt"

	"github.com/elmneuron/elm/plots"
)

// The error band of MetricVsTauMax is the mean ± the sample standard deviation over seeds.
func ExampleMeanStd() {
	mean, std := plots.MeanStd([]float64{0.90, 0.92, 0.94})
	fmt.Printf("%.2f ± %.2f\n", mean, std)
	// Output: 0.92 ± 0.02
}

// The paper's published NeuronIO numbers, as a reference series for MetricVsParams.
func ExampleReadPaperReference() {
	ref, err := plots.ReadPaperReference("../../shared/fixtures/pretrained", "AUC")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ref.Name)
	for _, p := range ref.Points {
		fmt.Printf("%-13s %6d params  AUC %.4f\n", p.Label, p.Params, p.Value)
	}
	// Output:
	// paper, real NeuronIO (authors' published ELM models)
	// d_m=1           4601 params  AUC 0.9437
	// d_m=20          8002 params  AUC 0.9922
	// d_m=100 silu   54002 params  AUC 0.9946
}

// A figure is built from plain slices; in a notebook, c.Display() shows it inline and
// plots.WriteHTML writes it to a standalone page.
func ExampleTrainingCurves() {
	c, err := plots.TrainingCurves(plots.TrainingCurve{
		Steps: []int{100, 200, 300}, Loss: []float64{0.8, 0.5, 0.4},
		EvalSteps: []int{300}, EvalMetric: []float64{0.93},
	}, plots.TrainingOptions{LogLoss: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Title(), c.NumSeries())
	// Output: Training curves 2
}
