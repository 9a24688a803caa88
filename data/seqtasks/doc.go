// Package seqtasks holds the long-range sequence classification tasks used to compare the
// ELM neuron with an LSTM: sequential Fashion-MNIST, Pathfinder (and Path-X), ListOps, SHD and
// SHD-Adding, plus the per-task ELM settings of the paper's appendix (TaskConfig).
//
// Every task is an in-memory Set of equally long sequences with one class label each. A Set
// hands out *data.Batch values with Dense input [Size, Steps, Channels] and Labels [Size],
// either shuffled for training (Set.Shuffled, a data.Source) or in order for evaluation
// (Set.InOrder).
//
// Data sources:
//   - Fashion-MNIST is read from the idx files of Debian's dataset-fashion-mnist package
//     (FashionMNISTDir); gzipped and plain files are both accepted.
//   - Pathfinder and ListOps are generated here from the tasks' definitions, deterministic
//     by seed. They are not the Long Range Arena's released files: accuracies are comparable
//     in kind, not digit for digit.
//   - SHD has no Go HDF5 reader: the script shd/shd_to_bin.py (Debian's python3-h5py) converts
//     the published HDF5 files once into the small binary format ReadSHD loads.
//
// Limitations: all examples of a Set live in memory (Path-X at 128×128 takes 16 KiB per
// image); inputs are always dense, so SHD batches are [Size, Steps, 700] float32 even though
// most entries are zero; sequences are padded to one length per Set (ListOps pads with the
// PAD token at the end).
package seqtasks
