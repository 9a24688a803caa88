package elmlib

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// Tensor is one named tensor of a state dict in the authors' layout: a shape and the data
// in row-major order in exactly one of F32, I64 or Bool, as DType says.
type Tensor struct {
	Shape []int
	// DType is "float32", "int64" or "bool".
	DType string
	F32   []float32
	I64   []int64
	Bool  []bool
}

// StateDict maps the authors' state-dict keys (e.g. "mlp.network.0.weight") to tensors.
type StateDict map[string]*Tensor

// Len returns the number of elements the shape holds.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// dataLen returns the length of the slice DType selects.
func (t *Tensor) dataLen() int {
	switch t.DType {
	case "float32":
		return len(t.F32)
	case "int64":
		return len(t.I64)
	case "bool":
		return len(t.Bool)
	}
	return -1
}

// check reports a tensor whose data does not match its shape or dtype.
func (t *Tensor) check() error {
	n := t.dataLen()
	if n < 0 {
		return fmt.Errorf("unsupported dtype %q (want float32, int64 or bool)", t.DType)
	}
	if n != t.Len() {
		return fmt.Errorf("%d values for shape %v (%d elements)", n, t.Shape, t.Len())
	}
	return nil
}

// Keys returns the keys in sorted order.
func (sd StateDict) Keys() []string {
	keys := make([]string, 0, len(sd))
	for k := range sd {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonTensor is one entry of the fixtures' state_dict.json.
type jsonTensor struct {
	DType string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// ReadStateDictJSON reads a state dict written as JSON, {key: {"dtype", "shape",
// "data"}}, the form of the fixtures' pretrained/*/state_dict.json. Floats are rounded to
// float32; bools are 0/1. Errors name the file and the key.
func ReadStateDictJSON(path string) (StateDict, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("elmlib: reading state dict: %w", err)
	}
	var raw map[string]jsonTensor
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("elmlib: state dict %s: %w", path, err)
	}
	sd := make(StateDict, len(raw))
	for key, jt := range raw {
		t := &Tensor{Shape: jt.Shape, DType: jt.DType}
		switch jt.DType {
		case "float32":
			t.F32 = make([]float32, len(jt.Data))
			for i, v := range jt.Data {
				t.F32[i] = float32(v)
			}
		case "int64":
			t.I64 = make([]int64, len(jt.Data))
			for i, v := range jt.Data {
				t.I64[i] = int64(v)
			}
		case "bool":
			t.Bool = make([]bool, len(jt.Data))
			for i, v := range jt.Data {
				t.Bool[i] = v != 0
			}
		}
		if err := t.check(); err != nil {
			return nil, fmt.Errorf("elmlib: state dict %s, key %q: %w", path, key, err)
		}
		sd[key] = t
	}
	return sd, nil
}
