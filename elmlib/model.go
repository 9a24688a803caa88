package elmlib

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as math
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// Model is an ELM neuron with its parameters, held in a GoMLX context, and the backend
// that runs it. Methods are safe for concurrent use.
type Model struct {
	cfg     Config
	spec    *spec
	backend backends.Backend
	ctx     *context.Context

	mu     sync.Mutex
	impl   Implementation
	engine engine                    // nil until first needed; reset when parameters change
	execs  map[execKey]*context.Exec // forward executables
}

// execKey identifies a compiled forward graph.
type execKey struct {
	batch, steps int
	trajectories bool
}

// New returns a freshly initialised model (see InitialProtoTauM and the Scope docs for the
// initialisation) on the shared pure-Go backend. The configuration is validated first.
func New(cfg Config) (*Model, error) {
	m, err := newEmpty(cfg)
	if err != nil {
		return nil, err
	}
	sd, err := initialStateDict(cfg, m.spec)
	if err != nil {
		return nil, err
	}
	if err := m.setStateDict(sd, "initialisation"); err != nil {
		return nil, err
	}
	return m, nil
}

// newEmpty returns a model with a context but no variables.
func newEmpty(cfg Config) (*Model, error) {
	s, err := newSpec(cfg)
	if err != nil {
		return nil, err
	}
	gomlxfix.InstallGradients()
	backend, err := gomlxfix.Backend()
	if err != nil {
		return nil, fmt.Errorf("elmlib: %w", err)
	}
	impl := DefaultImplementation
	if impl == Fast && s.MLPLayers < 1 {
		impl = Reference // the fast path needs a hidden layer
	}
	return &Model{cfg: cfg, spec: s, backend: backend, ctx: context.New(),
		impl: impl, execs: map[execKey]*context.Exec{}}, nil
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// NumParams returns the number of trainable parameters (see NumParams).
func (m *Model) NumParams() int { return NumParams(m.cfg) }

// Context returns the GoMLX context holding the variables (in Scope). Changing variables
// through it changes the model.
func (m *Model) Context() *context.Context { return m.ctx }

// Backend returns the backend the model runs on.
func (m *Model) Backend() backends.Backend { return m.backend }

// SetImplementation selects how the forward pass runs (Reference or Fast); an unknown
// name, or one the model's configuration does not support, is an error.
func (m *Model) SetImplementation(impl Implementation) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, err := newEngine(m, impl)
	if err != nil {
		return err
	}
	m.impl, m.engine, m.execs = impl, e, map[execKey]*context.Exec{}
	return nil
}

// Implementation returns the forward implementation in use.
func (m *Model) Implementation() Implementation {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.impl
}

// currentEngine returns the engine, creating it if needed; m.mu must be held.
func (m *Model) currentEngine() (engine, error) {
	if m.engine == nil {
		e, err := newEngine(m, m.impl)
		if err != nil {
			return nil, err
		}
		m.engine = e
	}
	return m.engine, nil
}

// ForwardGraph builds the reference forward pass for x [batch, time, inputs] (float32)
// into x's graph, reading the parameters from ctx (normally Context()). With trajectories
// the outputs include M and Branch. It panics on a wrong input shape, as graph code does.
// It always uses the Reference implementation, whatever SetImplementation chose.
func (m *Model) ForwardGraph(ctx *context.Context, x *Node, trajectories bool) Outputs {
	checkInputShape(m.spec, x)
	return referenceForward(m.spec, readParams(ctx, m.spec, x.Graph()), x, trajectories)
}

// readParams returns the variables of ctx's Scope as nodes of g.
func readParams(ctx *context.Context, s *spec, g *Graph) *graphParams {
	scope := ctx.In(Scope)
	get := func(key string) *Node {
		v := scope.GetVariable(key)
		if v == nil {
			panic(fmt.Errorf("elmlib: context has no variable %q in scope %q", key, Scope))
		}
		return v.ValueGraph(g)
	}
	p := &graphParams{protoWS: get(KeyProtoWS), traceTau: get(s.traceKey()),
		protoTauM: get(KeyProtoTauM), wY: get(KeyWYWeight), bY: get(KeyWYBias)}
	if s.Routing != RoutingNone {
		p.synInput, p.synMask = get(KeyIndices), get(KeyMask)
	}
	for i := range s.MLPLayers + 1 {
		p.mlpW = append(p.mlpW, get(MLPKey(i, "weight")))
		p.mlpB = append(p.mlpB, get(MLPKey(i, "bias")))
	}
	return p
}

// catch runs fn and turns a panic into an error.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	fn()
	return nil
}

// LoadStateDict replaces the model's parameters by sd, a state dict in the authors'
// layout (see Scope). Every key of the configuration must be present with the right
// shape, no other key may be present, and floats must be finite; otherwise the error
// names the key. On error the model is unchanged.
func (m *Model) LoadStateDict(sd StateDict) error {
	return m.setStateDict(sd, "state dict")
}

// setStateDict checks sd against the layout and writes it into the context; source names
// where sd came from in errors.
func (m *Model) setStateDict(sd StateDict, source string) error {
	values := map[string]*tensors.Tensor{}
	layout := m.spec.layout()
	known := map[string]bool{}
	for _, ps := range layout {
		known[ps.key] = true
		t, ok := sd[ps.key]
		if !ok {
			return fmt.Errorf("elmlib: %s: missing key %q", source, ps.key)
		}
		v, err := toVariableTensor(ps, t, m.spec.NumInput)
		if err != nil {
			return fmt.Errorf("elmlib: %s, key %q: %w", source, ps.key, err)
		}
		values[ps.key] = v
	}
	for _, key := range sd.Keys() {
		empty := sd[key].Len() == 0 && (key == KeyIndices || key == KeyMask)
		if !known[key] && !empty {
			return fmt.Errorf("elmlib: %s: unexpected key %q for a %s model with routing %q",
				source, key, m.spec.variant, m.spec.Routing)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.engine, m.execs = nil, map[execKey]*context.Exec{} // fixed tensors may change
	scope := m.ctx.In(Scope)
	for _, ps := range layout {
		if v := scope.GetVariable(ps.key); v != nil {
			if err := v.SetValue(values[ps.key]); err != nil {
				return fmt.Errorf("elmlib: %s, key %q: %w", source, ps.key, err)
			}
			continue
		}
		var v *context.Variable
		err := catch(func() { v = scope.VariableWithValue(ps.key, values[ps.key]) })
		if err != nil {
			return fmt.Errorf("elmlib: %s, key %q: %w", source, ps.key, err)
		}
		v.SetTrainable(ps.trainable)
	}
	return nil
}

// toVariableTensor converts a state-dict tensor to the dtype the context holds.
func toVariableTensor(ps paramShape, t *Tensor, numInput int) (*tensors.Tensor, error) {
	if !slices.Equal(t.Shape, ps.shape) {
		return nil, fmt.Errorf("shape %v, want %v", t.Shape, ps.shape)
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	switch ps.key {
	case KeyIndices:
		if t.DType != "int64" {
			return nil, fmt.Errorf("dtype %s, want int64", t.DType)
		}
		idx := make([]int32, len(t.I64))
		for i, v := range t.I64 {
			if v < 0 || v >= int64(numInput) {
				return nil, fmt.Errorf("index %d at position %d outside [0, %d)", v, i, numInput)
			}
			idx[i] = int32(v)
		}
		return tensors.FromFlatDataAndDimensions(idx, ps.shape...), nil
	case KeyMask:
		mask := make([]float32, t.Len())
		for i := range mask {
			switch {
			case t.DType == "bool" && t.Bool[i], t.DType == "int64" && t.I64[i] != 0,
				t.DType == "float32" && t.F32[i] != 0:
				mask[i] = 1
			}
		}
		return tensors.FromFlatDataAndDimensions(mask, ps.shape...), nil
	}
	if t.DType != "float32" {
		return nil, fmt.Errorf("dtype %s, want float32", t.DType)
	}
	for i, v := range t.F32 {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("value %v at position %d is not finite", v, i)
		}
	}
	return tensors.FromFlatDataAndDimensions(slices.Clone(t.F32), ps.shape...), nil
}

// StateDict returns the parameters in the authors' layout and dtypes (indices int64,
// mask bool; both empty float32 [0] without routing), ready for export or comparison.
func (m *Model) StateDict() (StateDict, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stateDictLocked()
}

// stateDictLocked is StateDict with m.mu held.
func (m *Model) stateDictLocked() (StateDict, error) {
	sd := StateDict{}
	scope := m.ctx.In(Scope)
	for _, ps := range m.spec.layout() {
		v := scope.GetVariable(ps.key)
		if v == nil {
			return nil, fmt.Errorf("elmlib: context has no variable %q", ps.key)
		}
		val, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("elmlib: variable %q: %w", ps.key, err)
		}
		t, err := exportTensor(ps, val)
		if err != nil {
			return nil, fmt.Errorf("elmlib: variable %q: %w", ps.key, err)
		}
		sd[ps.key] = t
	}
	if m.spec.Routing == RoutingNone {
		sd[KeyIndices] = &Tensor{Shape: []int{0}, DType: "float32", F32: []float32{}}
		sd[KeyMask] = &Tensor{Shape: []int{0}, DType: "float32", F32: []float32{}}
	}
	return sd, nil
}

// exportTensor converts a variable's value to the authors' dtypes: indices int64, mask
// bool, everything else float32.
func exportTensor(ps paramShape, val *tensors.Tensor) (t *Tensor, err error) {
	if got := val.Shape().Dimensions; !slices.Equal(got, ps.shape) {
		return nil, fmt.Errorf("shape %v, want %v", got, ps.shape)
	}
	t = &Tensor{Shape: slices.Clone(ps.shape), DType: "float32"}
	err = catch(func() {
		switch ps.key {
		case KeyIndices:
			t.DType = "int64"
			for _, i := range tensors.MustCopyFlatData[int32](val) {
				t.I64 = append(t.I64, int64(i))
			}
		case KeyMask:
			t.DType = "bool"
			for _, f := range tensors.MustCopyFlatData[float32](val) {
				t.Bool = append(t.Bool, f != 0)
			}
		default:
			t.F32 = tensors.MustCopyFlatData[float32](val)
		}
	})
	return t, err
}
