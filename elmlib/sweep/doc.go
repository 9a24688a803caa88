// Package sweep runs hyperparameter sweeps of ELM models: a base configuration plus axes to
// vary, expanded to the cartesian product of runs, executed on a local worker pool or as a
// Slurm job array, with every finished run kept in a results store on disk that survives
// interruption.
//
// # Sweeps and runs
//
// A Sweep is a base configuration (a JSON object), a run kind and an ordered list of axes.
// The axes a sweep may vary are listed in one table in axes.go (AxisNames lists them): it maps an axis
// name (tau_max, learn_tau, tau_m, d_m, mlp_hidden, mlp_layers, lambda, variant, routing,
// seed) to the field(s) of the configuration it sets. Sweep.Expand resolves every
// combination into a Run whose ID is a hash of its kind and resolved configuration (so the
// same configuration always has the same ID, in any sweep) and whose Name lists its axis
// values ("tau_max=25,seed=1"). Unknown axis names, empty axes, repeated values, values of
// the wrong type and configurations rejected by the validation hook are errors naming the
// axis, the run and the value.
//
// # Run kinds
//
// A run kind is a RunFunc registered by name with RegisterRunKind. The training kind
// ("train an ELM on teacher data with a budget and evaluate") is registered by the code
// that wires elmlib's training into sweeps, both in the notebook's process and in the
// elmsweep command (elmlib/cmd/elmsweep), which runs array tasks on Slurm. The kind
// "synthetic" (SyntheticRun) is registered by this package: a cheap deterministic stand-in
// that exercises the machinery; its metrics are made up and mean nothing about neurons.
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
// The axis table assumes the JSON field names of elmlib's configuration listed in axes.go;
// if elmlib names a field differently, that table is the one place to change. The constant
// τ_m axis sets a τ_m range 1e-3 ms wide (tau_m, tau_m+1e-3) because the configuration has
// no separate constant-τ field. Stray temporary files of killed writers are not deleted
// (a concurrent writer may still own them). Slurm accounting is not used: job state comes
// from squeue, so it is only visible while Slurm keeps finished jobs (MinJobAge); the store
// is the record of what finished.
package sweep
