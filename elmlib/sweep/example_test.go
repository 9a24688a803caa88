package sweep_test

import (
	"context"
	"fmt"
	"os"

	"github.com/elmneuron/elm/elmlib/sweep"
)

// A sweep over τ_max and learnable τ_m with the synthetic run kind, run on two workers and
// run again: the second time every result comes from the store.
func Example() {
	dir, _ := os.MkdirTemp("", "sweep-example-")
	defer os.RemoveAll(dir)

	sw := sweep.Sweep{
		Name: "ablation",
		Kind: sweep.SyntheticKind,
		Base: []byte(`{"model": {"variant": "elm_v1_synapse_trace",
			"config": {"memory_tau_min": 1, "num_memory": 4}}, "seed": 0}`),
		Axes: []sweep.Axis{
			{Name: "tau_max", Values: []any{2, 25, 150}},
			{Name: "learn_tau", Values: []any{false, true}},
		},
	}
	runs, err := sw.Expand()
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := sweep.OpenStore(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := sweep.LocalOptions{Workers: 2, BestBy: sweep.BestBy{Metric: "score", Maximize: true}}
	for range 2 {
		rep, err := sweep.RunLocal(context.Background(), st, sw.Name, runs, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		p := rep.Progress
		fmt.Printf("%d/%d done, %d from the store, best %s\n", p.Done, p.Total, p.Skipped,
			p.Best.Name)
	}
	// Output:
	// 6/6 done, 0 from the store, best tau_max=150,learn_tau=false
	// 6/6 done, 6 from the store, best tau_max=150,learn_tau=false
}
