// Package torchpt reads a PyTorch state dict saved with torch.save (the zip format used since
// PyTorch 1.6) in pure Go, without Python or libtorch.
//
// A .pt file is a zip archive. Its member <prefix>/data.pkl is a pickle (protocol 2) of an
// OrderedDict from parameter name to tensor; each tensor is rebuilt by
// torch._utils._rebuild_tensor_v2 from a storage, an offset, a shape and strides. Storages are
// "persistent ids" that name a member <prefix>/data/<key> holding the raw little-endian
// values. The device a storage was saved from (e.g. "cuda:0") is ignored: everything is read
// to host memory, as torch.load(map_location="cpu") would.
//
// Usage:
//
//	tensors, err := torchpt.Load("neuronio_best_model_state.pt")
//	w := tensors["w_y.weight"] // w.Shape [2, 20], w.DType "float32", values in w.F32
//
// Limitations: only float32 (FloatStorage), int64 (LongStorage) and bool (BoolStorage)
// tensors are supported, which covers the ELM checkpoints; other storage types give an error
// naming the key. Whole pickled nn.Modules, TorchScript archives and the legacy (pre-1.6)
// tar/raw format are not supported. The pickle is decoded by github.com/nlpodyssey/gopickle;
// a panic inside it is recovered and returned as an error.
package torchpt
