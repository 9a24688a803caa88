package main

// registerKinds registers the run kinds this command can execute, in addition to
// "synthetic" (registered by package sweep). Every kind a sweep submitted to Slurm uses must
// be registered here, with the same name as in the process that plans the sweep.
func registerKinds() {
	// TODO(lead): register elmlib's training kind here once its training API exists:
	// sweep.RegisterRunKind("train", <elmlib train-and-evaluate RunFunc>, <elmlib validate>).
}
