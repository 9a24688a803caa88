package elmlib

import (
	"fmt"
	"path/filepath"

	"github.com/elmneuron/elm/elmlib/torchpt"
)

// Files of an authors' model folder (as in their models/<name>/ and the fixtures'
// pretrained/<name>/).
const (
	AuthorsConfigFile    = "model_config.json"
	AuthorsStateFile     = "neuronio_best_model_state.pt"
	AuthorsStateJSONFile = "state_dict.json"
)

// variantOf infers the variant of a state dict from its trace key: tau_s is ELM v1,
// tau_b is Branch-ELM v2.
func variantOf(sd StateDict, source string) (Variant, error) {
	_, v1 := sd[KeyTauS]
	_, v2 := sd[KeyTauB]
	switch {
	case v1 && !v2:
		return SynapseTrace, nil
	case v2 && !v1:
		return BranchTrace, nil
	}
	return "", fmt.Errorf("elmlib: %s: need exactly one of the keys %q (ELM v1) and %q "+
		"(Branch-ELM v2)", source, KeyTauS, KeyTauB)
}

// fromAuthorsStateDict builds a model from the authors' model_config.json in dir and a
// state dict read from source.
func fromAuthorsStateDict(dir string, sd StateDict, source string) (*Model, error) {
	variant, err := variantOf(sd, source)
	if err != nil {
		return nil, err
	}
	cfg, err := ReadAuthorsConfig(filepath.Join(dir, AuthorsConfigFile), variant)
	if err != nil {
		return nil, err
	}
	m, err := newEmpty(cfg)
	if err != nil {
		return nil, err
	}
	if err := m.setStateDict(sd, source); err != nil {
		return nil, err
	}
	return m, nil
}

// ImportAuthorsJSON loads an authors' model folder from its model_config.json and the
// plain-JSON copy of the weights, state_dict.json (see ReadStateDictJSON). The variant
// follows from the state dict's trace key.
func ImportAuthorsJSON(dir string) (*Model, error) {
	path := filepath.Join(dir, AuthorsStateJSONFile)
	sd, err := ReadStateDictJSON(path)
	if err != nil {
		return nil, err
	}
	return fromAuthorsStateDict(dir, sd, path)
}

// ImportPyTorch loads an authors' checkpoint: the PyTorch state dict at ptPath (e.g.
// neuronio_best_model_state.pt, read with torchpt without Python) and the
// model_config.json in the same folder. The variant follows from the state dict's trace
// key. Errors name the file and the key (missing key, wrong shape, unknown option).
func ImportPyTorch(ptPath string) (*Model, error) {
	tensors, err := torchpt.Load(ptPath)
	if err != nil {
		return nil, fmt.Errorf("elmlib: %w", err)
	}
	sd := make(StateDict, len(tensors))
	for key, t := range tensors {
		sd[key] = &Tensor{Shape: t.Shape, DType: t.DType, F32: t.F32, I64: t.I64, Bool: t.Bool}
	}
	return fromAuthorsStateDict(filepath.Dir(ptPath), sd, ptPath)
}
