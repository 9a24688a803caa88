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
// Limitations: the graph is unrolled over time (no loop op in GoMLX), so its size and build
// time grow linearly with the sequence length and each distinct shape is compiled once;
// a single layer, forward direction only; input dropout and learning-rate schedules are
// not provided. Gradients need elmlib/internal/gomlxfix's Slice and Dot gradients, which
// the package installs.
package baseline
