package torchpt

import (
	"fmt"

	"github.com/nlpodyssey/gopickle/types"
)

// storageClass stands for a torch.<Type>Storage global in the pickle.
type storageClass struct {
	name  string // e.g. "FloatStorage"
	dtype string // "" when unsupported
	size  int    // bytes per element
}

var storageClasses = map[string]storageClass{
	"FloatStorage": {"FloatStorage", "float32", 4},
	"LongStorage":  {"LongStorage", "int64", 8},
	"BoolStorage":  {"BoolStorage", "bool", 1},
}

// storageRef is a persistent storage: values live in the archive member data/<key>.
type storageRef struct {
	key      string
	location string
	dtype    string
	size     int
	numel    int
}

// tensorRef is a tensor view on a storage, as built by _rebuild_tensor_v2.
type tensorRef struct {
	storage *storageRef
	offset  int
	shape   []int
	stride  []int
}

// rebuildTensor implements torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
// stride, requires_grad, backward_hooks[, metadata]).
type rebuildTensor struct{}

func (rebuildTensor) Call(args ...any) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("_rebuild_tensor_v2: %d arguments, want at least 4", len(args))
	}
	st, ok := args[0].(*storageRef)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: storage argument is %T", args[0])
	}
	offset, ok := args[1].(int)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: storage offset is %T, not an int", args[1])
	}
	shape, err := intTuple("size", args[2])
	if err != nil {
		return nil, err
	}
	stride, err := intTuple("stride", args[3])
	if err != nil {
		return nil, err
	}
	return &tensorRef{storage: st, offset: offset, shape: shape, stride: stride}, nil
}

// rebuildParameter implements torch._utils._rebuild_parameter(data, requires_grad, hooks):
// a Parameter is read as its tensor.
type rebuildParameter struct{}

func (rebuildParameter) Call(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("_rebuild_parameter: no arguments")
	}
	if _, ok := args[0].(*tensorRef); !ok {
		return nil, fmt.Errorf("_rebuild_parameter: data argument is %T", args[0])
	}
	return args[0], nil
}

func intTuple(what string, v any) ([]int, error) {
	t, ok := v.(*types.Tuple)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2: %s is %T, not a tuple", what, v)
	}
	out := make([]int, t.Len())
	for i := range out {
		n, ok := t.Get(i).(int)
		if !ok {
			return nil, fmt.Errorf("_rebuild_tensor_v2: %s[%d] is %T, not an int", what, i, t.Get(i))
		}
		out[i] = n
	}
	return out, nil
}

// findClass resolves the globals a state-dict pickle may reference.
func findClass(module, name string) (any, error) {
	switch module + "." + name {
	case "torch._utils._rebuild_tensor_v2":
		return rebuildTensor{}, nil
	case "torch._utils._rebuild_parameter":
		return rebuildParameter{}, nil
	}
	if module == "torch" {
		if sc, ok := storageClasses[name]; ok {
			return sc, nil
		}
		if len(name) > 7 && name[len(name)-7:] == "Storage" {
			return storageClass{name: name}, nil // unsupported; reported when used
		}
	}
	return nil, fmt.Errorf("unsupported pickled class %s.%s", module, name)
}

// persistentLoad turns ("storage", class, key, location, numel) into a storageRef.
func persistentLoad(id any) (any, error) {
	t, ok := id.(*types.Tuple)
	if !ok || t.Len() < 5 {
		return nil, fmt.Errorf("persistent id %v is not a 5-tuple", id)
	}
	if tag, _ := t.Get(0).(string); tag != "storage" {
		return nil, fmt.Errorf("persistent id of kind %v, want \"storage\"", t.Get(0))
	}
	sc, ok := t.Get(1).(storageClass)
	if !ok {
		return nil, fmt.Errorf("persistent storage of unknown type %v", t.Get(1))
	}
	key, ok1 := t.Get(2).(string)
	loc, ok2 := t.Get(3).(string)
	numel, ok3 := t.Get(4).(int)
	if !ok1 || !ok2 || !ok3 || numel < 0 {
		return nil, fmt.Errorf("persistent storage id %v has unexpected fields", id)
	}
	if sc.dtype == "" {
		return nil, fmt.Errorf("storage %s is torch.%s; only FloatStorage, LongStorage and "+
			"BoolStorage are supported", key, sc.name)
	}
	return &storageRef{key: key, location: loc, dtype: sc.dtype, size: sc.size, numel: numel}, nil
}
