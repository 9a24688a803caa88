package experiment

import (
	"fmt"
	"math"

	"github.com/elmneuron/elm/elmlib"
)

// Volley selects which synapses of a branch receive the input spike of an impulse and with
// which sign. Inputs follow NeuronIO's layout: the first half (index < NumInput/2) are
// excitatory and carry +1 when they spike, the second half inhibitory and carry -1.
type Volley string

const (
	// VolleyExcitatory gives +1 to every valid synapse of the branch that reads an
	// excitatory input (the default).
	VolleyExcitatory Volley = "excitatory"
	// VolleyInhibitory gives -1 to every valid synapse that reads an inhibitory input.
	VolleyInhibitory Volley = "inhibitory"
	// VolleySigned gives every valid synapse its input's spike: +1 excitatory, -1 inhibitory.
	VolleySigned Volley = "signed"
	// VolleyPositive gives +1 to every valid synapse, whatever its input (for models whose
	// inputs are not split into excitatory and inhibitory halves).
	VolleyPositive Volley = "positive"
)

// ImpulseOptions configures ImpulseResponse.
type ImpulseOptions struct {
	// Branch receives the volley.
	Branch int
	// Volley selects the synapses and signs (default VolleyExcitatory).
	Volley Volley
	// Steps is the length of the response in time steps (default 300).
	Steps int
	// FromZero starts both runs from m = 0. By default they start from the rest state:
	// the memory after ⌈10·max τ_m/Δt⌉ steps without input (Cell.Rest).
	FromZero bool
}

// Impulse is the response of every memory unit to one synchronous volley on one branch.
//
// The volley is one input spike on each selected synapse of the branch at step 0 (see
// Volley), injected at the synapses: with NeuronIO routing an input feeds up to four
// overlapping branches, and spiking the inputs themselves would drive those too. The
// volley enters the synapse traces, so the branch drive is c(t) = Σ_j w_j·v_j·κ_j^t (v1,
// one trace per synapse j with spike value v_j) or κ_b^t·Σ_j w_j·v_j (v2), and zero on
// every other branch. Response is the memory of this run minus the memory of the same
// run without the volley, so the drift of the no-input dynamics (the MLP's biases) cancels.
type Impulse struct {
	// Branch and Volley are the options used; Synapses is the number of synapses spiked.
	Branch   int
	Volley   Volley
	Synapses int
	// Amplitude is the branch drive at step 0, Σ_j w_j·v_j.
	Amplitude float64
	// TimeMS is the time since the volley, [time] (0, Δt, 2Δt, ...).
	TimeMS []float64
	// Drive is the volley's branch drive c(t), [time].
	Drive []float64
	// Response is m_t(volley) - m_t(no input), [time][memory].
	Response [][]float64
	// Leak is κ_m^t, [time][memory]: how a unit would decay on its own if the MLP stopped
	// writing to it after the volley's first step.
	Leak [][]float64
	// Output is the readout's response W_y·Response, [time][outputs] (output 0 is the spike
	// logit of a NeuronIO model).
	Output [][]float64
	// OutputPeak is, per output, the value of Output with the largest magnitude, [outputs].
	OutputPeak []float64
	// TauM is τ_m in ms, [memory].
	TauM []float64
	// PeakMS and Peak are, per unit, the time and the value of the largest |response|;
	// DecayMS is the time from the peak until |response| first falls below |Peak|/e (NaN
	// if it does not within Steps, or if Peak is 0). For a unit that only leaks after its
	// peak, DecayMS is τ_m rounded up to a whole step.
	PeakMS, Peak, DecayMS []float64
	// Rest is the memory state both runs start from, [memory].
	Rest []float64
}

// ImpulseResponse computes each memory unit's response to one synchronous volley on
// o.Branch of m (see Impulse), in plain Go (Cell).
func ImpulseResponse(m *elmlib.Model, o ImpulseOptions) (*Impulse, error) {
	c, err := NewCell(m)
	if err != nil {
		return nil, err
	}
	return c.ImpulseResponse(o)
}

// ImpulseResponse is ImpulseResponse on a Cell.
func (c *Cell) ImpulseResponse(o ImpulseOptions) (*Impulse, error) {
	if o.Steps == 0 {
		o.Steps = 300
	}
	if o.Steps < 0 {
		return nil, fmt.Errorf("experiment: ImpulseOptions.Steps = %d, want > 0", o.Steps)
	}
	drive, n, err := c.VolleyDrive(o.Branch, o.Volley, o.Steps)
	if err != nil {
		return nil, err
	}
	if o.Volley == "" {
		o.Volley = VolleyExcitatory
	}
	rest := make([]float64, c.NumMemory)
	if !o.FromZero {
		rest = c.Rest(c.settleSteps())
	}
	silent := make([][]float64, o.Steps)
	for t := range silent {
		silent[t] = make([]float64, c.NumBranch)
	}
	with, without := c.Run(drive, rest), c.Run(silent, rest)

	imp := &Impulse{Branch: o.Branch, Volley: o.Volley, Synapses: n,
		Amplitude: drive[0][o.Branch], TauM: c.TauM, Rest: rest}
	for t := range o.Steps {
		imp.TimeMS = append(imp.TimeMS, float64(t)*c.DeltaT)
		imp.Drive = append(imp.Drive, drive[t][o.Branch])
		r, leak := make([]float64, c.NumMemory), make([]float64, c.NumMemory)
		for u := range r {
			r[u] = with[t][u] - without[t][u]
			leak[u] = math.Pow(c.KappaM[u], float64(t))
		}
		imp.Response, imp.Leak = append(imp.Response, r), append(imp.Leak, leak)
		y := c.Readout(r)
		for k := range y {
			y[k] -= c.BY[k]
		}
		imp.Output = append(imp.Output, y)
	}
	imp.PeakMS, imp.Peak, imp.DecayMS = peaks(imp.Response, c.DeltaT)
	_, imp.OutputPeak, _ = peaks(imp.Output, c.DeltaT)
	return imp, nil
}

// settleSteps is ⌈10·max τ_m/Δt⌉, the silence before a probe starts from the rest state.
func (c *Cell) settleSteps() int {
	hi := 0.0
	for _, t := range c.TauM {
		hi = math.Max(hi, t)
	}
	return int(math.Ceil(10 * hi / c.DeltaT))
}

// VolleyDrive returns the branch drive [steps][branches] of one volley on branch b at step
// 0 (zero on the other branches) and the number of synapses that spiked.
func (c *Cell) VolleyDrive(b int, v Volley, steps int) ([][]float64, int, error) {
	if b < 0 || b >= c.NumBranch {
		return nil, 0, fmt.Errorf("experiment: branch %d outside 0..%d", b, c.NumBranch-1)
	}
	if v == "" {
		v = VolleyExcitatory
	}
	half := int64(c.numInput / 2)
	value := func(j int) float64 {
		exc := c.SynInput[j] < half
		switch {
		case v == VolleyPositive:
			return 1
		case exc && (v == VolleyExcitatory || v == VolleySigned):
			return 1
		case !exc && (v == VolleyInhibitory || v == VolleySigned):
			return -1
		}
		return 0
	}
	switch v {
	case VolleyExcitatory, VolleyInhibitory, VolleySigned, VolleyPositive:
	default:
		return nil, 0, fmt.Errorf("experiment: unknown volley %q (want %q, %q, %q or %q)", v,
			VolleyExcitatory, VolleyInhibitory, VolleySigned, VolleyPositive)
	}

	drive := make([][]float64, steps)
	for t := range drive {
		drive[t] = make([]float64, c.NumBranch)
	}
	n := 0
	for _, j := range c.BranchSynapses(b) {
		x := value(j)
		if x == 0 {
			continue
		}
		n++
		for t := range drive {
			if c.Variant == elmlib.BranchTrace {
				drive[t][b] += c.WS[j] * x * math.Pow(c.TraceKappa[b], float64(t))
			} else {
				drive[t][b] += c.WS[j] * x * math.Pow(c.TraceKappa[j], float64(t))
			}
		}
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("experiment: branch %d has no valid synapse for a %s volley",
			b, v)
	}
	return drive, n, nil
}

// peaks returns per unit the time and value of the largest |r| and the time it takes from
// there to fall below |peak|/e.
func peaks(r [][]float64, dt float64) (at, peak, decay []float64) {
	units := len(r[0])
	at, peak, decay = make([]float64, units), make([]float64, units), make([]float64, units)
	for u := range units {
		best := 0
		for t := range r {
			if math.Abs(r[t][u]) > math.Abs(r[best][u]) {
				best = t
			}
		}
		at[u], peak[u], decay[u] = float64(best)*dt, r[best][u], math.NaN()
		if peak[u] == 0 {
			continue
		}
		for t := best + 1; t < len(r); t++ {
			if math.Abs(r[t][u]) < math.Abs(peak[u])/math.E {
				decay[u] = float64(t-best) * dt
				break
			}
		}
	}
	return at, peak, decay
}
