// Package seqtrain compares the ELM neuron with an LSTM on the long-range sequence
// classification tasks of data/seqtasks (sequential Fashion-MNIST, Pathfinder, Path-X,
// ListOps): it builds the ELM configuration of each task from seqtasks.TaskConfigs, trains
// the ELM and a parameter-matched LSTM (elmlib/baseline) on the same batches for the same
// number of steps, and records parameters, test accuracy, training time and per-step cost.
// It also sweeps the ELM's largest memory timescale τ_max.
//
// # Usage
//
//	exp := seqtrain.Experiment{Task: "fashion-mnist-row", TrainExamples: 4096,
//		TestExamples: 512, Budget: seqtrain.Budget{Steps: 300}}
//	res, err := exp.RunCached(exp.CachePath("build/longrange")) // a file hit skips training
//	if err != nil { ... }
//	fmt.Print(seqtrain.Markdown(res))
//
// Both models read the same seeded stream of training batches (Set.Shuffled), use Adam
// with the same constant learning rate, and are scored by the same evaluation code: the
// class with the largest logit at the last step, over the whole test set.
//
// # Limitations
//
//   - The learning rate is constant: the paper anneals it with a cosine schedule, which the
//     LSTM baseline does not offer, so neither model uses one here.
//   - Input dropout (TaskConfig.InputDrop, used for SHD) is not applied.
//   - SHD and SHD-Adding need the converted data files (seqtasks.ReadSHD); Experiment does
//     not load them by name. Build a Task from their Sets with NewTask instead.
//   - Training time includes graph compilation (recurrences are unrolled, so compilation
//     grows with the sequence length); StepMillis excludes the first step to show the
//     steady per-step cost. Times depend on the machine's load.
//   - One seed per model and τ_max value: differences of a few points are within the
//     seed-to-seed spread at these budgets.
package seqtrain
