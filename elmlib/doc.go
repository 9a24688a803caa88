// Package elmlib implements the Expressive Leaky Memory (ELM) neuron of Spieler et al.
// (ICLR 2024, arXiv 2306.16922) in GoMLX on the pure-Go backend: configuration,
// parameters, forward pass, training, checkpoints and import of the authors' published
// models.
//
// # Variants
//
// Each cell has its own configuration type, so the two cannot be confused:
//
//   - SynapseTraceConfig (Variant SynapseTrace): ELM v1, one trace per synapse and memory
//     gain λ(1-κ_m). All of the authors' published NeuronIO models are this cell; the
//     paper calls it "Branch-ELM" when it has branches.
//   - BranchTraceConfig (Variant BranchTrace): Branch-ELM v2, the authors' later
//     implementation, with one trace per branch and memory gain 1-exp(-Δt·λ/τ_m).
//
// The equations are written once, in forward.go. Defaults equal the authors' code:
// τ_s = τ_b = 5 ms, τ_m in [1, 1000] ms ([1, 150] for the NeuronIO constructors), λ = 5,
// Δt = 1 ms, w_s = 0.5, hidden width 2·d_m, relu, one hidden layer, τ_m fixed.
//
// # Usage
//
//	cfg := elmlib.NeuronIOSynapseTraceConfig(20) // 1278 inputs, 45 × 100 synapses, 8002 params
//	m, err := elmlib.New(cfg)                      // or elmlib.ImportPyTorch(".../x.pt")
//	if err != nil { ... }
//	pred, err := m.Predict(batch)                  // batch *data.Batch, [size, steps, 1278]
//	spikeLogit := pred.Y.At(0, t, 0)               // pred.M, pred.Branch: trajectories
//
//	report, err := elmlib.Train(m, source, elmlib.TrainOptions{
//		Steps: 10000, Loss: elmlib.LossNeuronIO, Cosine: true,
//		CheckpointDir: "runs/dm20",                // resumes from here if interrupted
//		OnStep: func(step int, loss float64) { /* update a live chart */ },
//	})
//	m2, err := elmlib.Load("runs/dm20")            // latest checkpoint; error if none
//
// Parameters live in a GoMLX context (Model.Context) under Scope, named by the authors'
// state-dict keys; StateDict and LoadStateDict convert to and from that layout, and
// Model.ForwardGraph builds the forward pass into a graph of one's own.
//
// # Limitations
//
//   - The recurrence is unrolled over time (GoMLX has no loop op here): graph size and
//     compile time grow linearly with the number of steps, and each (batch, steps) shape
//     compiles its own graph.
//   - Two implementations compute the same function (Model.SetImplementation): Fast (the
//     default; synapse events, hoisted linear parts, hand-written backward through the
//     memory loop; needs MLPLayers ≥ 1) and Reference, the per-step textbook pass on
//     dense input that the tests hold Fast to. Model.ForwardGraph always builds Reference.
//   - Computation is float32 only.
//   - LossMSE regresses output 0 on Batch.Soma, the only per-step target data.Batch has.
//   - Train does not replay its data source on resume; random routing draws from Go's PCG
//     and the linear layers' initial values differ from PyTorch's for the same seed.
//   - The GoMLX backend defaults to go:ops_sequential (see internal/gomlxfix): the parallel
//     executor of GoMLX v0.26.0 deadlocks on two cores.
package elmlib
