// Package experiment holds the workflows a notebook runs on NeuronIO-shaped data: load or
// generate the teacher data set, train an ELM (or resume it from its checkpoint), fit the
// linear baseline, evaluate both with the authors' protocol, and look inside a trained
// model (memory trajectories, impulse responses, the MLP's integration surface).
//
// Every function persists what is expensive: the teacher data set in its cache, trained
// models in their checkpoint directory (with the training history beside them), the linear
// baseline as JSON. GoNB runs each notebook cell as a new program, so a later cell calls the
// same function again and gets the stored result back in a second instead of recomputing.
//
// Usage:
//
//	d, err := experiment.TeacherData(experiment.DataOptions{CacheDir: "cache"})
//	run, err := experiment.TrainNeuronIO(elmlib.NeuronIOSynapseTraceConfig(20), d,
//		experiment.RunOptions{Dir: "runs/dm20", Steps: 1500})
//	res, err := experiment.Evaluate(experiment.ModelPredictor(run.Model), d.Test)
package experiment
