// Package sweep runs hyperparameter sweeps of ELM models: a base configuration plus axes to
// vary, expanded to the cartesian product of runs, executed on a local worker pool or as a
// Slurm job array, with every finished run kept in a results store on disk that survives
// interruption.
//
// # Sweeps and runs
//
// A Sweep is a base configuration (a JSON object), a run kind and an ordered list of axes.
// A run configuration holds elmlib's model configuration under "model", in the form
// elmlib.MarshalConfig writes ({"variant": ..., "config": {...}}; BaseConfig builds one),
// a top-level "seed", and whatever else its run kind reads (training budget, data).
//
// The axes a sweep may vary are listed in one table in axes.go (AxisNames, AxisDoc):
//
//	tau_max     model.config.memory_tau_max, ms
//	learn_tau   model.config.learn_memory_tau
//	tau_m       model.config.constant_tau_m, ms (one τ_m for all units)
//	d_m         model.config.num_memory
//	mlp_hidden  model.config.mlp_hidden_size (0: 2·d_m)
//	mlp_layers  model.config.mlp_num_layers (0: no hidden layer)
//	lambda      model.config.lambda_value
//	variant     model.variant: "v1" (ELM v1) or "v2" (Branch-ELM v2), or elmlib's names;
//	            the trace time constant (tau_s_value / tau_b_value) is renamed to match
//	routing     model.config.input_to_synapse_routing: "neuronio", "random" or "none"
//	seed        seed, model.config.init_seed and model.config.routing_seed
//
// Sweep.Expand resolves every combination into a Run whose ID is a hash of its kind and
// resolved configuration (the same configuration has the same ID in any sweep, so stored
// results are reused) and whose Name lists its axis values ("tau_max=25,seed=1"). Unknown
// axis names, empty axes, repeated values, values of the wrong type, two runs with the same
// configuration and configurations that fail validation are errors naming the sweep, the
// axis, the run and the value; validation is Sweep.Validate, else the run kind's validator,
// by default ValidateModel (elmlib's validation of "model"), whose errors name the field.
//
// # Run kinds
//
// A run kind is a RunFunc registered by name with RegisterRunKind. The training kind
// ("train an ELM on teacher data with a budget and evaluate") is registered by the code
// that wires elmlib's training into sweeps, both in the notebook's process and in the
// elmsweep command (elmlib/cmd/elmsweep/kinds.go), which runs array tasks on Slurm. The
// kind "synthetic" (SyntheticRun) is registered by this package: a cheap deterministic
// stand-in that exercises the machinery; its metrics are made up and mean nothing.
//
// # Running
//
// RunLocal executes the runs the store does not hold yet on a bounded pool of goroutines
// and reports Progress (done, running, failed, best so far by a metric) through a callback.
// SubmitSlurm writes a batch script for them (one array task per run, each calling
// "elmsweep run") and submits it with sbatch; SlurmJob.Wait polls squeue and the store, and
// SlurmJob.Collect reads the results from the same store.
//
// # Results store
//
// A Store is a directory:
//
//	store.json           format name and version (StoreVersion)
//	runs/<id>.json       the specification of every planned run (kind, name, configuration)
//	results/<id>.json    one result per finished run, with a SHA-256 checksum of its payload
//	plan.json            the run IDs of the most recently planned sweep, in order
//	slurm/<submission>/  batch script, run list, task logs and job ID of each submission
//
// Every file is written to a temporary file, fsynced and then linked or renamed into place,
// so a killed process leaves either a complete file or none (plus, at worst, a stray
// temporary file that is ignored). A result that fails to parse or whose checksum does not
// match is reported as a Problem, moved aside to results/<id>.json.corrupt-<n> and its run
// is run again; it is never trusted. A finished successful result is never overwritten, so
// two workers that run the same configuration at once keep the first. A store or file
// written with another format version is refused with an error that names both versions.
//
// # Limitations
//
// The axis table follows elmlib's configuration JSON names; if they change, axes.go is the
// one place to follow them. Numbers are written in one spelling (25.0 becomes 25) before
// hashing; other differences in spelling (a field present with its default value or
// absent) give different IDs. Stray temporary files of killed writers are not deleted
// (a concurrent writer may still own them). Slurm accounting is not used: job state comes
// from squeue, so it is only visible while Slurm keeps finished jobs (MinJobAge); the store
// is the record of what finished.
package sweep
