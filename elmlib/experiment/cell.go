package experiment

import (
	"fmt"
	"math"

	"github.com/elmneuron/elm/elmlib"
)

// Cell is a float64 copy of a model's parameters that runs the memory part of the ELM cell
// in plain Go, one step at a time, for any branch drive one cares to feed it:
//
//	Δm_t = 1.7159·tanh(⅔·MLP([c_t, κ_m ⊙ m_{t-1}]))
//	m_t  = κ_m ⊙ m_{t-1} + g ⊙ Δm_t,  g = λ(1-κ_m) (v1) or 1-exp(-Δt·λ/τ_m) (v2)
//
// It is what the inspection functions (ImpulseResponse, IntegrationSurface) use to probe
// the MLP and the memory with inputs that no data set contains, such as a drive on one
// branch only. It is not a training path: it has no gradient and is slow for long inputs
// (the library's forward pass is the fast one), but it agrees with it to float32 rounding.
type Cell struct {
	// Variant is the model's cell.
	Variant elmlib.Variant
	// NumBranch and NumMemory are the sizes of the drive c_t and the memory m_t.
	NumBranch, NumMemory int
	// TauM, KappaM and Gain are τ_m (ms), κ_m = exp(-Δt/τ_m) and the memory gain g, [memory].
	TauM, KappaM, Gain []float64
	// WS is the effective synaptic weight relu(p_s)·mask, [synapses] (branch-major).
	WS []float64
	// TraceKappa is the trace decay κ_s [synapses] (v1) or κ_b [branches] (v2).
	TraceKappa []float64
	// SynInput is the input each synapse reads, [synapses] (synapse j reads input j without
	// routing).
	SynInput []int64
	// Valid is false for synapses that NeuronIO routing masks, [synapses].
	Valid []bool
	// WY and BY are the readout, [outputs][memory] and [outputs].
	WY [][]float64
	BY []float64
	// DeltaT is Δt in ms.
	DeltaT float64

	numInput, synPerBranch int
	silu                   bool
	mlpW                   [][][]float64 // layer i: [out][in]
	mlpB                   [][]float64   // layer i: [out]
}

// NewCell copies m's parameters into a Cell.
func NewCell(m *elmlib.Model) (*Cell, error) {
	cfg := m.Config()
	core := cfg.Shared()
	sd, err := m.StateDict()
	if err != nil {
		return nil, err
	}
	tau, err := m.TauM()
	if err != nil {
		return nil, err
	}
	c := &Cell{Variant: cfg.Variant(), NumBranch: core.NumBranches(),
		NumMemory: core.NumMemory, DeltaT: core.DeltaT, numInput: core.NumInput,
		synPerBranch: core.SynapsesPerBranch, silu: core.Activation == elmlib.ActivationSiLU}
	for _, t := range tau {
		tm := float64(t)
		kappa := math.Exp(-core.DeltaT / math.Max(tm, 1e-6))
		gain := core.Lambda * (1 - kappa)
		if c.Variant == elmlib.BranchTrace {
			gain = 1 - math.Exp(-core.DeltaT*core.Lambda/math.Max(tm, 1e-6))
		}
		c.TauM, c.KappaM, c.Gain = append(c.TauM, tm), append(c.KappaM, kappa),
			append(c.Gain, gain)
	}

	get := func(key string) ([]float64, error) {
		t, ok := sd[key]
		if !ok || t.F32 == nil {
			return nil, fmt.Errorf("experiment: model state has no float32 %q", key)
		}
		out := make([]float64, len(t.F32))
		for i, v := range t.F32 {
			out[i] = float64(v)
		}
		return out, nil
	}
	if c.WS, err = get(elmlib.KeyProtoWS); err != nil {
		return nil, err
	}
	traceKey := elmlib.KeyTauS
	if c.Variant == elmlib.BranchTrace {
		traceKey = elmlib.KeyTauB
	}
	if c.TraceKappa, err = get(traceKey); err != nil {
		return nil, err
	}
	for i, t := range c.TraceKappa {
		c.TraceKappa[i] = math.Exp(-core.DeltaT / math.Max(t, 1e-6))
	}
	if err := c.readRouting(sd); err != nil {
		return nil, err
	}
	for i, w := range c.WS {
		if !c.Valid[i] || w < 0 {
			c.WS[i] = 0
		}
	}

	for i := 0; i <= core.MLPLayers; i++ {
		w, err := get(elmlib.MLPKey(i, "weight"))
		if err != nil {
			return nil, err
		}
		b, err := get(elmlib.MLPKey(i, "bias"))
		if err != nil {
			return nil, err
		}
		c.mlpW, c.mlpB = append(c.mlpW, rows(w, len(b))), append(c.mlpB, b)
	}
	wy, err := get(elmlib.KeyWYWeight)
	if err != nil {
		return nil, err
	}
	if c.BY, err = get(elmlib.KeyWYBias); err != nil {
		return nil, err
	}
	c.WY = rows(wy, len(c.BY))
	return c, nil
}

// readRouting fills SynInput and Valid from the state dict (identity without routing).
func (c *Cell) readRouting(sd elmlib.StateDict) error {
	n := len(c.WS)
	c.SynInput, c.Valid = make([]int64, n), make([]bool, n)
	idx, mask := sd[elmlib.KeyIndices], sd[elmlib.KeyMask]
	if idx == nil || idx.Len() == 0 {
		for j := range n {
			c.SynInput[j], c.Valid[j] = int64(j), true
		}
		return nil
	}
	if len(idx.I64) != n || mask == nil || len(mask.Bool) != n {
		return fmt.Errorf("experiment: routing of %d synapses has %d indices and a mask of "+
			"%d", n, idx.Len(), mask.Len())
	}
	copy(c.SynInput, idx.I64)
	copy(c.Valid, mask.Bool)
	return nil
}

// rows splits a row-major [n, len(flat)/n] matrix into rows.
func rows(flat []float64, n int) [][]float64 {
	out := make([][]float64, n)
	k := len(flat) / n
	for i := range out {
		out[i] = flat[i*k : (i+1)*k]
	}
	return out
}

// Update returns Δm = 1.7159·tanh(⅔·MLP([drive, κ_m ⊙ mPrev])) for a branch drive
// [branches] and the previous memory [memory]. It panics, naming both lengths, when a
// length is wrong (a longer drive would otherwise be cut silently).
func (c *Cell) Update(drive, mPrev []float64) []float64 {
	if len(drive) != c.NumBranch || len(mPrev) != c.NumMemory {
		panic(fmt.Sprintf("experiment: Cell.Update got drive [%d] and memory [%d], "+
			"want [%d] and [%d]", len(drive), len(mPrev), c.NumBranch, c.NumMemory))
	}
	z := make([]float64, 0, c.NumBranch+c.NumMemory)
	z = append(z, drive...)
	for u, m := range mPrev {
		z = append(z, c.KappaM[u]*m)
	}
	last := len(c.mlpW) - 1
	for i := range c.mlpW {
		out := make([]float64, len(c.mlpB[i]))
		for o, row := range c.mlpW[i] {
			s := c.mlpB[i][o]
			for k, w := range row {
				s += w * z[k]
			}
			switch {
			case i == last:
			case c.silu:
				s = s / (1 + math.Exp(-s))
			default:
				s = math.Max(s, 0)
			}
			out[o] = s
		}
		z = out
	}
	for u, v := range z {
		z[u] = 1.7159 * math.Tanh(2*v/3)
	}
	return z
}

// Step returns the memory m_t after one step with branch drive [branches] from mPrev.
func (c *Cell) Step(drive, mPrev []float64) []float64 {
	dm := c.Update(drive, mPrev)
	m := make([]float64, c.NumMemory)
	for u := range m {
		m[u] = c.KappaM[u]*mPrev[u] + c.Gain[u]*dm[u]
	}
	return m
}

// Run returns the memory trajectory [time][memory] for the branch drives [time][branches],
// starting from m0 [memory] (nil means zero).
func (c *Cell) Run(drives [][]float64, m0 []float64) [][]float64 {
	m := m0
	if m == nil {
		m = make([]float64, c.NumMemory)
	}
	out := make([][]float64, len(drives))
	for t, d := range drives {
		m = c.Step(d, m)
		out[t] = m
	}
	return out
}

// Readout returns y = W_y m + b_y [outputs] for a memory state m [memory]. It panics when
// m has the wrong length.
func (c *Cell) Readout(m []float64) []float64 {
	if len(m) != c.NumMemory {
		panic(fmt.Sprintf("experiment: Cell.Readout got memory [%d], want [%d]", len(m),
			c.NumMemory))
	}
	y := append([]float64(nil), c.BY...)
	for o, row := range c.WY {
		for u, w := range row {
			y[o] += w * m[u]
		}
	}
	return y
}

// Rest returns the memory after steps steps of zero input from m = 0: the operating point
// of a neuron that received no input for that long. With steps ≥ 10·τ_max the memory is at
// the no-input fixed point when the dynamics have one.
func (c *Cell) Rest(steps int) []float64 {
	m := make([]float64, c.NumMemory)
	zero := make([]float64, c.NumBranch)
	for range steps {
		m = c.Step(zero, m)
	}
	return m
}

// BranchSynapses returns the synapses of branch b that are not masked.
func (c *Cell) BranchSynapses(b int) []int {
	var out []int
	for k := range c.synPerBranch {
		if j := b*c.synPerBranch + k; c.Valid[j] {
			out = append(out, j)
		}
	}
	return out
}
