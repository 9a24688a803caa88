// Package fastpath is the fast formulation of the Expressive Leaky Memory (ELM) neuron's
// forward pass and gradient on GoMLX's pure-Go backend (simplego), for both variants: ELM v1
// (one trace per synapse, memory gain λ(1-κ_m)) and Branch-ELM v2 (one trace per branch,
// gain 1-exp(-Δt·λ/τ_m)); every routing (none, random, NeuronIO: Spec.Indices and
// Spec.Mask); relu or silu; one or more hidden MLP layers. elmlib uses it as its default
// implementation; elmlib's per-step formulation is the reference it is tested against.
//
// # API
//
//	spec := fastpath.Spec{...}                    // structure, no trained values
//	router, err := fastpath.NewRouter(spec)       // once per model
//	ev, err := router.Events(batch)               // per data.Batch, on the Go side
//	// in a graph function, with ev.Tensors() fed as Syn, Slot, Value:
//	out := fastpath.Forward(spec, params, fastpath.Inputs{Syn: syn, Slot: slot,
//		Value: value, Batch: ev.Batch, Steps: ev.Steps})
//	// out.Y [batch, time, outputs], out.M [batch, time, d_m], out.Branch [batch, time, nb]
//
// Params holds graph nodes in the authors' layouts (proto_w_s, proto_tau_m, the MLP's
// Linear weights [out, in] and biases, the readout), typically context variables; the
// gradient of any loss built on the outputs works with graph.Gradient, train.Trainer and the
// optimizers. NeuronIOSpec, InitialParams, SpikeBatch, NeuronIOLoss and NewModeExec build the
// benchmark workload of the speed targets (see elmlib/cmd/elmbench).
//
// # Formulation
//
// The input is a flat list of synapse events (synapse, slot, value), built from the batch's
// spikes and the fixed routing on the Go side and padded to a bucketed length
// (BucketLength) so that batches of similar spike counts share a compiled graph. In the
// graph, relu(w_s) is gathered per event and scattered into the time-major drive
// U [T, B, G] of the trace groups: cost proportional to the spike count, not to
// T·B·synapses. A trace group is a branch's set of synapses with one time constant; traces
// are linear, so the sum of a group's synapse traces is one trace of the summed drive. All
// published models, and Branch-ELM v2 always, have one group per branch. ELM v1 with τ_s
// differing inside a branch is handled exactly with one group per (branch, τ_s) pair, at a
// cost proportional to the number of groups.
//
// Everything that does not depend on the memory is folded out of the time loop: the
// memory is carried as n = m / (1.7159·gain), the decays and gains are folded into the
// first and last layer's weights, the readout runs once on the stacked memory. What remains
// per step is the group trace, one matmul into the first layer on [d_t, n_{t-1}], the
// hidden layers, one matmul out, tanh and the leak: about 14 small nodes.
//
// # Gradient
//
// Autodiff never walks the unrolled loop. The loop runs on StopGradient'ed inputs; identities
// with custom gradients record the adjoint of the memory trajectory and hand each loop input
// its adjoint from a hand-written backward recurrence (BPTT, about 16 small nodes per step);
// the weight gradients are contractions over the stacked steps. The synapse gather/scatter,
// the folding of constants into weights and the readout are differentiated by GoMLX, with
// the Dot/DotGeneral/Slice gradient fixes of elmlib/internal/gomlxfix (installed by this
// package's init). Outputs, memory trajectory and every parameter's gradient agree with the
// shared fixtures within 8× the deviation the fixtures record for a float32 PyTorch run, and
// with a per-step autodiff formulation on random configurations to float32 rounding.
//
// # Speed
//
// elmlib/cmd/elmbench, 2026-12-04, 2-core AMD EPYC VM shared with other jobs (load 8-10),
// NeuronIO configuration, batch 8, p = 0.01, best of 3 rounds of medians of 7, CPU time
// (wall time was dominated by the other load): training step (forward, loss, backward,
// Adam) T = 500 58.5 ms, 0.72x PyTorch's fast path and 0.22x its per-step path; forward
// 19.1 ms, 0.80x and 0.09x; forward+backward T = 2000 4.3x T = 500; build+compile 0.06 s;
// peak RSS of a T = 2000 training step 201 MB. With GOMLX_BACKEND=go:ops_sequential,
// parallelism=0 (no goroutine per small matmul) the same steps took 45.8 ms and 13.8 ms.
// Where the rest of the time goes is described in gomlxfix's kernels.go: simplego's
// matmul kernels (about 1.2 GFLOP/s) are about 40 % of a training step, the per-event
// gather/scatter about 20 %.
//
// # Limitations
//
//   - The graph is unrolled: O(T) nodes (about 30 per step for forward+backward); T = 2000
//     builds and compiles in well under a second.
//   - Each distinct (batch, steps, padded event count) compiles a new graph; BucketLength
//     keeps the number of event-count buckets small.
//   - Float32 and float64 parameters work; the events' Value must match their dtype
//     (SynapseEvents.Tensors gives float32).
//   - The Branch output is computed by its own trace only when used.
//   - Router is read-only after NewRouter and safe for concurrent use.
package fastpath
