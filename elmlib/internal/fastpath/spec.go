package fastpath

import (
	"fmt"
	"math"
)

// Variant selects the ELM cell.
type Variant int

const (
	// ELMv1 has one trace per synapse (tau_s) and memory gain λ·(1-κ_m).
	ELMv1 Variant = 1
	// BranchELMv2 has one trace per branch (tau_b) and memory gain 1-exp(-Δt·λ/τ_m).
	BranchELMv2 Variant = 2
)

// String names the variant as the authors' files do.
func (v Variant) String() string {
	switch v {
	case ELMv1:
		return "elm_v1"
	case BranchELMv2:
		return "branch_elm_v2"
	}
	return fmt.Sprintf("Variant(%d)", int(v))
}

// Spec is everything about the model's structure that is not a trained parameter.
// Synapses are branch-major: synapse j belongs to branch j / SynPerBranch.
type Spec struct {
	Variant Variant

	// NumInput is the number of input channels; NumBranch·SynPerBranch synapses read them.
	NumInput, NumBranch, SynPerBranch int
	// NumMemory is d_m, Hidden the MLP width, Layers the number of hidden MLP layers (≥ 1),
	// NumOutput the readout width.
	NumMemory, Hidden, Layers, NumOutput int
	// Activation of the hidden MLP layers: "relu" or "silu".
	Activation string

	// Lambda is λ, DeltaT is Δt (ms); τ_m = TauMin + (TauMax-TauMin)·sigmoid(proto_tau_m).
	// For BranchELMv2 TauMax is raised to TauMin+3e-6 if below, as the authors do.
	Lambda, DeltaT, TauMin, TauMax float64

	// TraceTau is τ_s per synapse ([NumBranch·SynPerBranch], ELMv1) or τ_b per branch
	// ([NumBranch], BranchELMv2), in ms. It is not trained.
	TraceTau []float32

	// Indices [NumBranch·SynPerBranch] is the input channel each synapse reads; nil means
	// synapse j reads input j (requires NumInput == number of synapses).
	Indices []int32
	// Mask [NumBranch·SynPerBranch] marks synapses whose input is used; nil means all.
	// Masked synapses always see 0 (their weight gets no gradient).
	Mask []bool
}

// NumSynapse is NumBranch·SynPerBranch.
func (s *Spec) NumSynapse() int { return s.NumBranch * s.SynPerBranch }

// Validate reports the first field that is out of range.
func (s *Spec) Validate() error {
	nSyn := s.NumSynapse()
	switch {
	case s.Variant != ELMv1 && s.Variant != BranchELMv2:
		return fmt.Errorf("fastpath: unknown variant %d", int(s.Variant))
	case s.NumInput <= 0 || s.NumBranch <= 0 || s.SynPerBranch <= 0:
		return fmt.Errorf("fastpath: NumInput %d, NumBranch %d, SynPerBranch %d must be positive",
			s.NumInput, s.NumBranch, s.SynPerBranch)
	case s.NumMemory <= 0 || s.Hidden <= 0 || s.Layers <= 0 || s.NumOutput <= 0:
		return fmt.Errorf("fastpath: NumMemory %d, Hidden %d, Layers %d, NumOutput %d must be positive",
			s.NumMemory, s.Hidden, s.Layers, s.NumOutput)
	case s.Activation != "relu" && s.Activation != "silu":
		return fmt.Errorf("fastpath: Activation %q, want \"relu\" or \"silu\"", s.Activation)
	case !(s.DeltaT > 0) || math.IsInf(s.DeltaT, 0):
		return fmt.Errorf("fastpath: DeltaT %g must be positive and finite", s.DeltaT)
	case math.IsNaN(s.Lambda) || math.IsInf(s.Lambda, 0):
		return fmt.Errorf("fastpath: Lambda %g must be finite", s.Lambda)
	case !(s.TauMin < s.TauMax) && s.Variant == ELMv1:
		return fmt.Errorf("fastpath: TauMin %g must be below TauMax %g", s.TauMin, s.TauMax)
	case math.IsNaN(s.TauMin) || math.IsNaN(s.TauMax) || math.IsInf(s.TauMax, 0):
		return fmt.Errorf("fastpath: TauMin %g, TauMax %g must be finite", s.TauMin, s.TauMax)
	}
	wantTau := nSyn
	if s.Variant == BranchELMv2 {
		wantTau = s.NumBranch
	}
	if len(s.TraceTau) != wantTau {
		return fmt.Errorf("fastpath: TraceTau has %d values, want %d for %s", len(s.TraceTau),
			wantTau, s.Variant)
	}
	for i, tau := range s.TraceTau {
		if !(tau > 0) || math.IsInf(float64(tau), 0) {
			return fmt.Errorf("fastpath: TraceTau[%d] = %g must be positive and finite", i, tau)
		}
	}
	if s.Indices == nil {
		if nSyn != s.NumInput {
			return fmt.Errorf("fastpath: without Indices, NumBranch·SynPerBranch = %d must equal "+
				"NumInput %d", nSyn, s.NumInput)
		}
	} else {
		if len(s.Indices) != nSyn {
			return fmt.Errorf("fastpath: Indices has %d entries, want %d", len(s.Indices), nSyn)
		}
		for j, idx := range s.Indices {
			if idx < 0 || int(idx) >= s.NumInput {
				return fmt.Errorf("fastpath: Indices[%d] = %d is outside [0, %d)", j, idx, s.NumInput)
			}
		}
	}
	if s.Mask != nil && len(s.Mask) != nSyn {
		return fmt.Errorf("fastpath: Mask has %d entries, want %d", len(s.Mask), nSyn)
	}
	return nil
}

// effectiveTauMax is TauMax as the model uses it.
func (s *Spec) effectiveTauMax() float64 {
	if s.Variant == BranchELMv2 {
		return max(s.TauMin+3e-6, s.TauMax)
	}
	return s.TauMax
}

// traceGroups splits the synapses into trace groups: synapses of one branch that share a
// trace time constant. Because the traces are linear, the sum of a group's synapse traces is
// one trace driven by the group's summed weighted input, so only groups need a state.
// With equal τ inside each branch (all published models, and always for BranchELMv2)
// there is exactly one group per branch and group g is branch g.
type traceGroups struct {
	ofSynapse []int32   // [NumSynapse] group of each synapse
	kappa     []float64 // [G] decay per step exp(-Δt/τ)
	branch    []int32   // [G] branch of each group
}

func (s *Spec) traceGroups() traceGroups {
	var tg traceGroups
	nSyn := s.NumSynapse()
	tg.ofSynapse = make([]int32, nSyn)
	kappaOf := func(tau float32) float64 { return math.Exp(-s.DeltaT / max(float64(tau), 1e-6)) }
	for b := range s.NumBranch {
		seen := map[float32]int32{}
		for k := range s.SynPerBranch {
			j := b*s.SynPerBranch + k
			tau := s.TraceTau[b]
			if s.Variant == ELMv1 {
				tau = s.TraceTau[j]
			}
			g, ok := seen[tau]
			if !ok {
				g = int32(len(tg.kappa))
				seen[tau] = g
				tg.kappa = append(tg.kappa, kappaOf(tau))
				tg.branch = append(tg.branch, int32(b))
			}
			tg.ofSynapse[j] = g
		}
	}
	return tg
}

// onePerBranch reports whether group g is branch g for every branch.
func (tg *traceGroups) onePerBranch(numBranch int) bool { return len(tg.kappa) == numBranch }
