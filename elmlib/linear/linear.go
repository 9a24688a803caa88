// Package linear is the linear baseline for NeuronIO-shaped data: ridge regression of the
// somatic voltage and of the spike bit on exponentially filtered input rates.
//
// Features: the excitatory and the inhibitory inputs are each cut into Config.Groups
// consecutive groups (no knowledge of the neuron's morphology), the spike count of every
// group is low-pass filtered with each timescale τ of Config.TausMS,
//
//	f_t = κ f_{t-1} + (1-κ) n_t,   κ = exp(-Δt/τ),  Δt = 1 ms,
//
// and a bias is added: 2·Groups·len(Taus)+1 features (541 with the defaults). Two ridge
// regressions map them to the soma voltage (clipped at Config.ClipMV, like the ELM's
// training target) and to the spike bit. The ridge strength is picked from Config.Ridges by
// the mean squared error on validation simulations, then the model is refitted on all data.
//
// The spike output is a linear score, not a probability: use it for ROC AUC (which only
// needs a ranking), not as a calibrated rate.
//
// Limitations: rows are subsampled with Config.RowStride to keep the normal equations cheap;
// the filters start from zero at the beginning of every batch, like the ELM's state.
package linear

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/elmneuron/elm/data"
)

// Config holds the settings of the linear baseline. DefaultConfig gives the defaults.
type Config struct {
	// Groups is the number of input groups per sign (excitatory, inhibitory).
	Groups int
	// TausMS are the filter timescales in ms.
	TausMS []float64
	// Ridges are the candidate ridge strengths (per training row, so independent of data size).
	Ridges []float64
	// RowStride keeps every RowStride-th time step as a training row.
	RowStride int
	// ClipMV clips the soma target from above, in mV.
	ClipMV float64
}

// DefaultConfig is 45 groups per sign, τ = 1, 3, 10, 30, 100, 300 ms, soma clipped at −55 mV.
func DefaultConfig() Config {
	return Config{
		Groups:    45,
		TausMS:    []float64{1, 3, 10, 30, 100, 300},
		Ridges:    []float64{1e-6, 1e-5, 1e-4, 1e-3, 1e-2},
		RowStride: 4,
		ClipMV:    -55,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Groups < 1:
		return fmt.Errorf("linear: Groups = %d, must be at least 1", c.Groups)
	case len(c.TausMS) == 0:
		return errors.New("linear: TausMS is empty")
	case len(c.Ridges) == 0:
		return errors.New("linear: Ridges is empty")
	case c.RowStride < 1:
		return fmt.Errorf("linear: RowStride = %d, must be at least 1", c.RowStride)
	}
	for i, tau := range c.TausMS {
		if !(tau > 0) {
			return fmt.Errorf("linear: TausMS[%d] = %g, must be positive", i, tau)
		}
	}
	for i, r := range c.Ridges {
		if !(r >= 0) {
			return fmt.Errorf("linear: Ridges[%d] = %g, must be non-negative", i, r)
		}
	}
	return nil
}

// Model is a fitted linear baseline.
type Model struct {
	Config Config
	// Channels is the number of inputs the model was fitted on (half excitatory).
	Channels int
	// SomaW and SpikeW are the weights of the two regressions, bias last.
	SomaW, SpikeW []float64
	// SomaRidge and SpikeRidge are the ridge strengths that validation picked.
	SomaRidge, SpikeRidge float64
}

// NumParams is the number of fitted weights of both regressions.
func (m *Model) NumParams() int { return len(m.SomaW) + len(m.SpikeW) }

func (c Config) numFeatures() int { return 2*c.Groups*len(c.TausMS) + 1 }

// group maps an input index to its feature group, for inputs split into two signed halves.
func (c Config) group(input, channels int) int {
	half := channels / 2
	if input < half {
		return input * c.Groups / half
	}
	return c.Groups + (input-half)*c.Groups/(channels-half)
}

// features returns the [steps, numFeatures] feature matrix of sequence seq of a batch.
func (c Config) features(b *data.Batch, seq int) []float64 {
	nG := 2 * c.Groups
	counts := make([]float64, b.Steps*nG)
	if e := b.Events; e != nil {
		for k := range e.Step {
			if int(e.Seq[k]) == seq {
				counts[int(e.Step[k])*nG+c.group(int(e.Channel[k]), b.Channels)] += 1
			}
		}
	} else {
		for t := 0; t < b.Steps; t++ {
			row := b.Dense[(seq*b.Steps+t)*b.Channels:]
			for i := 0; i < b.Channels; i++ {
				counts[t*nG+c.group(i, b.Channels)] += math.Abs(float64(row[i]))
			}
		}
	}
	nF := c.numFeatures()
	out := make([]float64, b.Steps*nF)
	for j, tau := range c.TausMS {
		kappa := math.Exp(-1 / tau)
		state := make([]float64, nG)
		for t := 0; t < b.Steps; t++ {
			for g := 0; g < nG; g++ {
				state[g] = kappa*state[g] + (1-kappa)*counts[t*nG+g]
				out[t*nF+j*nG+g] = state[g]
			}
		}
	}
	for t := 0; t < b.Steps; t++ {
		out[t*nF+nF-1] = 1
	}
	return out
}

// normal accumulates XᵀX and Xᵀy for both targets.
type normal struct {
	xtx          *mat.SymDense
	xtSoma, xtSp []float64
	rows         int
}

func (c Config) accumulate(sims []*data.Simulation) (*normal, error) {
	nF := c.numFeatures()
	n := &normal{xtx: mat.NewSymDense(nF, nil), xtSoma: make([]float64, nF),
		xtSp: make([]float64, nF)}
	for i, s := range sims {
		b, err := data.WindowBatch([]*data.Simulation{s}, []int{0}, s.Duration)
		if err != nil {
			return nil, fmt.Errorf("linear: simulation %d: %w", i, err)
		}
		f := c.features(b, 0)
		var rows []float64
		for t := 0; t < b.Steps; t += c.RowStride {
			row := f[t*nF : (t+1)*nF]
			rows = append(rows, row...)
			soma := math.Min(float64(b.Soma[t]), c.ClipMV)
			for j, x := range row {
				n.xtSoma[j] += x * soma
				n.xtSp[j] += x * float64(b.Spike[t])
			}
		}
		x := mat.NewDense(len(rows)/nF, nF, rows)
		n.xtx.SymRankK(n.xtx, 1, x.T())
		n.rows += len(rows) / nF
	}
	return n, nil
}

// solve returns the ridge solution of (XᵀX + λ·rows·I') w = Xᵀy, with the bias unpenalised.
func (n *normal) solve(ridge float64, xty []float64) ([]float64, error) {
	nF := len(xty)
	a := mat.NewSymDense(nF, nil)
	a.CopySym(n.xtx)
	for j := 0; j < nF-1; j++ {
		a.SetSym(j, j, a.At(j, j)+ridge*float64(n.rows)+1e-12)
	}
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		return nil, fmt.Errorf("linear: normal equations are singular at ridge %g", ridge)
	}
	w := mat.NewVecDense(nF, nil)
	if err := ch.SolveVecTo(w, mat.NewVecDense(nF, append([]float64(nil), xty...))); err != nil {
		return nil, fmt.Errorf("linear: solving at ridge %g: %w", ridge, err)
	}
	return w.RawVector().Data, nil
}
