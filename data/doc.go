// Package data holds the types that data sets and models share, and the windowing of
// long recordings into mini-batches.
//
// A [Batch] is one mini-batch of sequences: input [Size, Steps, Channels], sparse
// ([Events], for spikes) or dense, with optional targets (Spike and Soma [Size, Steps] for
// NeuronIO-shaped data, Labels [Size] for classification). A [Simulation] is one recording
// in the NeuronIO layout (1-ms bins, excitatory inputs first); the teacher neuron
// (data/teacher) and the NeuronIO loader (data/neuronio) both produce them. Sequence tasks
// (Fashion-MNIST, Pathfinder, ListOps, SHD) live in data/seqtasks.
//
// Windowing: [WindowSampler] draws seeded random training windows without end;
// [EvalWindows] and [NewEvalIterator] cover every bin of every simulation exactly once,
// with an overlap that serves as burn-in. Any producer of batches is a [Source].
//
// Limitations: every window lies inside one simulation (no padding, no windows across
// recordings), so simulations must be at least a window long, and all simulations of a
// sampler must have the same number of inputs. This package imports nothing of elmlib:
// data flows to the model, not back.
package data
