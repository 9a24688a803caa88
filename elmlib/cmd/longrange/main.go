// Command longrange compares the ELM neuron with a parameter-matched LSTM on long-range
// sequence tasks (package elmlib/seqtrain) at a budget set by flags, and writes the table of
// parameters, test accuracy and training time to a file (.md, .csv or .json).
//
//	longrange -tasks fashion-mnist-row,pathfinder32 -steps 3000 -train 20000 -test 2000 \
//		-taumax 10,100,1000 -out build/longrange/table.md
//
// Every task's results are also kept as JSON in -cache; a rerun with the same settings
// reads them instead of training again. Progress goes to stderr.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/elmneuron/elm/elmlib/seqtrain"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "longrange:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("longrange", flag.ContinueOnError)
	tasks := fs.String("tasks", "fashion-mnist-row,pathfinder32",
		"comma-separated tasks: "+strings.Join(seqtrain.TaskNames(), ", "))
	steps := fs.Int("steps", 2000, "optimiser steps per model")
	batch := fs.Int("batch", 0, "batch size (0: the task's)")
	lr := fs.Float64("lr", 0, "Adam learning rate (0: the task's)")
	seed := fs.Uint64("seed", 1, "seed of the batch order and the LSTM's initial weights")
	dataSeed := fs.Uint64("dataseed", 7, "seed of generated data (Pathfinder, ListOps)")
	train := fs.Int("train", 20000, "training examples per task")
	test := fs.Int("test", 2000, "test examples per task")
	models := fs.String("models", "ELM,LSTM", "models to compare (ELM, LSTM; empty: none)")
	hidden := fs.Int("hidden", 0, "LSTM hidden width (0: match the ELM's parameters)")
	tauMax := fs.String("taumax", "", "comma-separated τ_max values (ms) of an ELM sweep")
	out := fs.String("out", "build/longrange/table.md", "table file: .md, .csv or .json")
	cache := fs.String("cache", "build/longrange", "directory of the per-task result files")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch ext := strings.ToLower(filepath.Ext(*out)); ext {
	case ".md", ".csv", ".json":
	default:
		return fmt.Errorf("-out %s: unknown extension %q (want .md, .csv or .json)", *out, ext)
	}
	taus, err := floats(*tauMax)
	if err != nil {
		return fmt.Errorf("-taumax: %w", err)
	}
	kinds := []string{}
	for _, k := range strings.Split(*models, ",") {
		if k = strings.TrimSpace(k); k != "" {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 2 && kinds[0] != kinds[1] {
		kinds = nil // both, written as the notebook writes it, so that both share result files
	}
	var all []*seqtrain.Results
	for _, task := range strings.Split(*tasks, ",") {
		e := seqtrain.Experiment{Task: strings.TrimSpace(task), TrainExamples: *train,
			TestExamples: *test, DataSeed: *dataSeed, Models: kinds, LSTMHidden: *hidden,
			TauMax: taus, Budget: seqtrain.Budget{Steps: *steps, Batch: *batch, LR: *lr,
				Seed: *seed}}
		if !*quiet {
			e.Progress = progress(*steps)
		}
		res, err := e.RunCached(e.CachePath(*cache))
		if !*quiet {
			fmt.Fprintln(os.Stderr)
		}
		if err != nil {
			return err
		}
		all = append(all, res)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	if err := seqtrain.WriteTable(*out, all...); err != nil {
		return err
	}
	fmt.Print(seqtrain.Markdown(all...))
	fmt.Println("table written to", *out)
	return nil
}

// progress prints a line per model rewritten in place, every 10 steps.
func progress(steps int) seqtrain.Progress {
	return func(model string, step int, loss float64) {
		if step%10 == 0 || step == steps-1 {
			fmt.Fprintf(os.Stderr, "\r%-16s step %5d/%d  loss %.4f   ", model, step+1, steps, loss)
		}
	}
}

func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
