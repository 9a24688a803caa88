package main

import "github.com/elmneuron/elm/elmlib/experiment"

// registerKinds registers the run kinds this command can execute, in addition to
// "synthetic" (registered by package sweep). Every kind a sweep submitted to Slurm uses must
// be registered here, with the same name as in the process that plans the sweep.
func registerKinds() {
	// "teacher": train a NeuronIO-shaped ELM on the teacher neuron and evaluate it.
	experiment.RegisterSweepKinds()
}
