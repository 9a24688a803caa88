package torchpt

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// Tensor is one state-dict entry, dense and row-major (C order): the last index varies
// fastest. Exactly one of F32, I64 and Bool is set, according to DType.
type Tensor struct {
	// Shape lists the dimensions; an empty Shape is a scalar with one value.
	Shape []int
	// DType is "float32", "int64" or "bool".
	DType string
	F32   []float32
	I64   []int64
	Bool  []bool
}

// NumElements is the product of the shape's dimensions (1 for a scalar).
func (t *Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Load reads the state dict in the .pt file at path and returns its tensors by name.
// Errors name the file and, where relevant, the state-dict key and storage.
func Load(path string) (map[string]*Tensor, error) {
	_, tensors, err := LoadOrdered(path)
	return tensors, err
}

// LoadOrdered is Load that also returns the state-dict keys in the order they were saved.
func LoadOrdered(path string) (keys []string, tensors map[string]*Tensor, err error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, nil, fmt.Errorf("torchpt: %s: not a readable torch zip archive: %w", path, err)
	}
	defer zr.Close()

	a, err := newArchive(path, &zr.Reader)
	if err != nil {
		return nil, nil, err
	}
	root, err := a.unpickle()
	if err != nil {
		return nil, nil, err
	}
	entries, err := stateDictEntries(path, root)
	if err != nil {
		return nil, nil, err
	}

	tensors = make(map[string]*Tensor, len(entries))
	for _, e := range entries {
		ref, ok := e.value.(*tensorRef)
		if !ok {
			return nil, nil, fmt.Errorf("torchpt: %s: key %q holds %T, not a tensor", path, e.key, e.value)
		}
		t, err := a.materialise(e.key, ref)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := tensors[e.key]; dup {
			return nil, nil, fmt.Errorf("torchpt: %s: key %q appears twice", path, e.key)
		}
		keys = append(keys, e.key)
		tensors[e.key] = t
	}
	return keys, tensors, nil
}

// archive is an open .pt zip with its records indexed by name.
type archive struct {
	path    string
	prefix  string // e.g. "archive/"
	records map[string]*zip.File
	raw     map[string][]byte // storage key -> bytes, read once
}

func newArchive(path string, zr *zip.Reader) (*archive, error) {
	a := &archive{path: path, records: map[string]*zip.File{}, raw: map[string][]byte{}}
	for _, f := range zr.File {
		a.records[f.Name] = f
		if strings.HasSuffix(f.Name, "/constants.pkl") {
			return nil, fmt.Errorf("torchpt: %s: TorchScript archives are not supported", path)
		}
	}
	for name := range a.records {
		if name == "data.pkl" || strings.HasSuffix(name, "/data.pkl") {
			a.prefix = strings.TrimSuffix(name, "data.pkl")
			return a, nil
		}
	}
	return nil, fmt.Errorf("torchpt: %s: zip archive has no data.pkl (not a torch.save file)", path)
}

func (a *archive) readRecord(name string, limit int64) ([]byte, error) {
	f, ok := a.records[name]
	if !ok {
		return nil, fmt.Errorf("missing archive member %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}

// unpickle decodes data.pkl into gopickle values, with storages and tensors replaced by
// lazy references. A panic in the pickle library becomes an error.
func (a *archive) unpickle() (root any, err error) {
	pkl, err := a.readRecord(a.prefix+"data.pkl", 1<<30)
	if err != nil {
		return nil, fmt.Errorf("torchpt: %s: %w", a.path, err)
	}
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("torchpt: %s: corrupt data.pkl: %v", a.path, r)
		}
	}()
	u := pickle.NewUnpickler(strings.NewReader(string(pkl)))
	u.FindClass = findClass
	u.PersistentLoad = persistentLoad
	root, err = u.Load()
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("torchpt: %s: data.pkl ends early (truncated): %w", a.path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("torchpt: %s: decoding data.pkl: %w", a.path, err)
	}
	return root, nil
}

type entry struct {
	key   string
	value any
}

// stateDictEntries lists the (key, value) pairs of the unpickled top-level dict in order.
func stateDictEntries(path string, root any) ([]entry, error) {
	var out []entry
	add := func(k, v any) error {
		ks, ok := k.(string)
		if !ok {
			return fmt.Errorf("torchpt: %s: state-dict key %v is %T, not a string", path, k, k)
		}
		out = append(out, entry{ks, v})
		return nil
	}
	switch d := root.(type) {
	case *types.OrderedDict:
		for el := d.List.Front(); el != nil; el = el.Next() {
			e := el.Value.(*types.OrderedDictEntry)
			if err := add(e.Key, e.Value); err != nil {
				return nil, err
			}
		}
	case *types.Dict:
		for _, e := range *d {
			if err := add(e.Key, e.Value); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("torchpt: %s: top-level object is %T, not a state dict", path, root)
	}
	return out, nil
}

// materialise reads the tensor's storage and copies out its elements in row-major order.
func (a *archive) materialise(key string, r *tensorRef) (*Tensor, error) {
	st := r.storage
	fail := func(format string, args ...any) error {
		return fmt.Errorf("torchpt: %s: key %q (storage %s): %s", a.path, key, st.key,
			fmt.Sprintf(format, args...))
	}
	if len(r.shape) != len(r.stride) {
		return nil, fail("shape %v and stride %v differ in rank", r.shape, r.stride)
	}
	t := &Tensor{Shape: r.shape, DType: st.dtype}
	n := t.NumElements()
	if n < 0 {
		return nil, fail("negative dimension in shape %v", r.shape)
	}
	maxIndex := r.offset
	for i, d := range r.shape {
		if d > 0 {
			maxIndex += (d - 1) * r.stride[i]
		}
	}
	if n > 0 && (r.offset < 0 || maxIndex >= st.numel) {
		return nil, fail("shape %v, stride %v and offset %d reach past the storage's %d elements",
			r.shape, r.stride, r.offset, st.numel)
	}
	raw, ok := a.raw[st.key]
	if !ok {
		var err error
		raw, err = a.readRecord(a.prefix+"data/"+st.key, int64(st.numel*st.size))
		if err != nil {
			return nil, fail("%v", err)
		}
		if len(raw) != st.numel*st.size {
			return nil, fail("storage holds %d bytes, want %d (%d %s values)",
				len(raw), st.numel*st.size, st.numel, st.dtype)
		}
		a.raw[st.key] = raw
	}

	idx := flatIndices(r.shape, r.stride, r.offset, n)
	switch st.dtype {
	case "float32":
		t.F32 = make([]float32, n)
		for i, j := range idx {
			t.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:]))
		}
	case "int64":
		t.I64 = make([]int64, n)
		for i, j := range idx {
			t.I64[i] = int64(binary.LittleEndian.Uint64(raw[8*j:]))
		}
	case "bool":
		t.Bool = make([]bool, n)
		for i, j := range idx {
			t.Bool[i] = raw[j] != 0
		}
	}
	return t, nil
}

// flatIndices returns the storage index of each element of a strided view, in row-major order.
func flatIndices(shape, stride []int, offset, n int) []int {
	idx := make([]int, n)
	pos := make([]int, len(shape))
	for i := 0; i < n; i++ {
		j := offset
		for d := range shape {
			j += pos[d] * stride[d]
		}
		idx[i] = j
		for d := len(shape) - 1; d >= 0; d-- {
			pos[d]++
			if pos[d] < shape[d] {
				break
			}
			pos[d] = 0
		}
	}
	return idx
}
