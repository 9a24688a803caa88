// Package baseline is the LSTM sequence classifier the ELM neuron is compared with on the
// long-range tasks of data/seqtasks: one LSTM layer over the input sequence, a dense read-out
// of the last hidden state, cross-entropy on the last step, trained with GoMLX's trainer and
// Adam.
//
// The weights are those of GoMLX's LSTM layer (package lstm): variables "inputsW"
// [1, 4, hidden, inputs], "recurrentW" [1, 4, hidden, hidden] and "biasesW" [1, 8, hidden] in
// scope "lstm", gates in the layer's order (input, output, forget, cell), so a model can be
// run by the layer itself (Config.UseLayer) and checkpoints are interchangeable. By default
// the recurrence is built by this package instead, with the same equations: the stock layer
// projects the whole input once and slices that parameter-dependent tensor at every step,
// and on the pure-Go backend each slice's gradient is a full-size zero-padded copy, so its
// backward pass grows as O(T²) (about T·4 copies of [batch, T, 4·hidden]); the package's
// cell projects each step's input on its own and its backward pass is O(T).
//
// # Speed
//
// Measured 2026-12-04 on the project's 2-core machine while other jobs kept the load
// average at 10–16, so absolute times are pessimistic (bench_test.go, sidebyside_test.go):
// one Adam step on a batch of 16 with hidden width 64 costs about 1.3–1.7 ms per time step,
// linear in T: 47 ms at T = 28, 1.05 s at 784, 1.3 s at 1024, 2.9 s at 2000, 5.7 s at 4096
// (650 MB peak memory, 9 s to build and compile). Against an ELM neuron with the same
// parameter count (v1, d_m 100, about 44k parameters) the step costs are of the same order:
// ELM/LSTM ≈ 1.1 at T = 28, 1.9 at 784, 0.9 at 1024 in back-to-back runs.
//
// Limitations: the graph is unrolled over time (no loop op in GoMLX), so its size and build
// time grow linearly with the sequence length and each distinct shape is compiled once;
// a single layer, forward direction only; input dropout and learning-rate schedules are
// not provided. Gradients need elmlib/internal/gomlxfix's Slice and Dot gradients, which
// the package installs.
package baseline
