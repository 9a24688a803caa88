// # Where simplego's kernels are the bottleneck
//
// Measured 2026-12-04 on the project's 2-core VM (AMD EPYC, shared with other jobs, so
// single numbers vary by up to 2x; ratios were taken back to back) with the benchmarks of
// elmlib/internal/fastpath (kernels_bench_test.go, fastpath_bench_test.go), GoMLX v0.26.0,
// GOMLX_BACKEND=go:ops_sequential. After the graph-level work (synapse events, everything
// independent of the memory hoisted out of the loop, hand-written backward recurrence) the
// remaining time of an ELM training step is simplego's kernels, not the graph:
//
//   - Small matmuls. execNormalizedDotGeneralGeneric reaches about 1.2 GFLOP/s: one
//     [8, 65]·[65, 40] step product takes 17.7 µs, [8, 20]·[20, 20] 3.5 µs. With the
//     default parallelism each small DotGeneral is also handed to a new goroutine
//     (workersPool.WaitToStart) even for batch size 1: 6.6 µs against 2.6 µs with
//     "parallelism=0" in a chain of [8, 20]·[20, 20] products (loaded machine; whole
//     training steps were not measurably faster with parallelism=0, because the large
//     products then lose their second core). The per-step products are about 40 % of a
//     NeuronIO training step (T = 500: 4 products per step, 2000 per step of training).
//   - Large matmuls. The blocked kernel runs [4000, 45]·[45, 40] in 6.2 ms (1.2 GFLOP/s);
//     contractions over the leading (time, batch) axes first transpose both operands with a
//     strided copy (dgNormalizeShape) whose cost per element grew 3-11x from T = 500 to
//     T = 2000; fastpath contracts in chunks of 128 steps to stay linear.
//   - Gather and Scatter. execGatherGeneric/execScatterGeneric copy one element at a time
//     through index iterators: the 170k synapse events of a NeuronIO batch (T = 500,
//     p = 0.01) cost about 15 % of a training step, forward and backward.
//   - Slice. execSliceGeneric walks every element with per-axis index arithmetic even for
//     contiguous slices: 0.3-3 µs for a [1, 8, 20] per-step slice (chains of 1000). Per-step
//     slices are 3-6 of the 30 nodes of a step.
//   - Whole-tensor passes in log-depth scans are expensive: a log2(T) doubling scan of the
//     [500, 8, 45] trace took 25 ms against 1 ms for the same recurrence as 500 small
//     unrolled steps, so fastpath unrolls it.
//   - Elementwise ops on [1, 8, 20] tensors cost about 0.25 µs each including the
//     executor; broadcasting a [n] vector over [T, B, n] goes through the slow per-element
//     broadcastIterator, so fastpath pre-broadcasts per-step constants once.
//
// Fixes that belong in simplego: a faster small matmul (SIMD, no goroutine per call), a
// contiguous fast path for Slice, Gather and Scatter, and Pad (see InstallGradients).
//
// One more v0.26 pitfall, in context.Exec: PreCompile of a graph that updates variables
// (an optimizer step) donates and clears the variables' values without running, so the
// next Exec fails with "variable ... has no value". Compile by running it instead.
package gomlxfix
