package experiment

import (
	"fmt"
	"math"
	"sort"

	"github.com/elmneuron/elm/elmlib"
)

// SurfaceOptions configures IntegrationSurface.
type SurfaceOptions struct {
	// BranchA and BranchB are the two branches whose drives vary (x and y axis).
	BranchA, BranchB int
	// Min and Max bound the drive of both branches (Max > Min; Min defaults to 0). The
	// branch drive is the summed synapse trace c_t, in the units of the input (one
	// excitatory spike through a synapse of weight w adds w).
	Min, Max float64
	// Points is the number of grid points per axis (default 21, at least 2).
	Points int
	// Output is the readout row the memory update is projected on (default 0, the spike
	// logit of a NeuronIO model).
	Output int
	// Sustained projects with W_y[Output][u]·g_u/(1-κ_u) (= λ·W_y for v1) instead of the
	// one-step weights W_y[Output][u]·g_u (see Surface).
	Sustained bool
	// Memory is the operating point m_0 [memory] (e.g. Operating's time average). Nil means
	// the rest state (Cell.Rest), or m = 0 with FromZero.
	Memory   []float64
	FromZero bool
	// Background is the drive of all branches [branches] before branches A and B are set
	// to the grid values (e.g. Operating's time average); nil means 0.
	Background []float64
}

// Surface is the MLP's integration of two branches: how the memory update, read out
// through the spike readout, depends on the drives of branch A and branch B together, with
// every other branch at 0 (or at a background drive) and the memory held at an operating
// point m_0.
//
// For drives c = (c_A, c_B) the MLP gives Δm(c) = 1.7159·tanh(⅔·MLP([c', κ_m ⊙ m_0])),
// where c' is the background drive with branches A and B set to c_A and c_B, and
//
//	Effect(c)      = Σ_u P_u·(Δm_u(c) - Δm_u(0, 0))
//	Additive(c)    = Effect(c_A, 0) + Effect(0, c_B)
//	Interaction(c) = Effect(c) - Additive(c)
//
// With the default one-step weights P_u = W_y[o][u]·g_u, Effect is exactly how much one
// step of these drives moves output o (the spike logit), from m_0, compared with the same
// step with c_A = c_B = 0. With the sustained weights P_u = W_y[o][u]·g_u/(1-κ_u) it is how
// far output o would move if the drive were held and Δm did not change (the memory's
// feedback into the MLP ignored): a constant Δm_u makes m_u settle at g_u·Δm_u/(1-κ_u).
//
// Additive is what a neuron that adds up its branches, each through its own nonlinearity,
// would do; Interaction is what the MLP adds by combining them. It is positive where the
// pair raises the output more (or lowers it less) than the sum of each alone: for
// excitatory drive, supralinear integration like a dendritic NMDA spike; for two
// inhibitory drives, sublinear summation of their effects. Negative values are the
// opposite (e.g. saturation of excitatory drive).
type Surface struct {
	// BranchA and BranchB are the two branches; Output the readout row.
	BranchA, BranchB, Output int
	// Sustained says which projection weights were used (SurfaceOptions.Sustained).
	Sustained bool
	// Drive holds the grid values of both axes, [points].
	Drive []float64
	// DeltaM is Δm(c) - Δm(0) per unit, [points (B)][points (A)][memory].
	DeltaM [][][]float64
	// Effect, Additive and Interaction are [points (B)][points (A)]: element [j][i] is at
	// c_A = Drive[i], c_B = Drive[j].
	Effect, Additive, Interaction [][]float64
	// Weights are the projection weights P_u, [memory].
	Weights []float64
	// Memory is the operating point m_0, [memory].
	Memory []float64
	// Nonlinearity is RMS(Interaction)/RMS(Effect) over the grid: 0 for a linear sum.
	Nonlinearity float64
	// MaxSupra and MaxSub are the largest positive and the most negative interaction.
	MaxSupra, MaxSub float64
}

// IntegrationSurface evaluates the MLP of m on a grid of drives of two branches (see
// Surface), in plain Go (Cell).
func IntegrationSurface(m *elmlib.Model, o SurfaceOptions) (*Surface, error) {
	c, err := NewCell(m)
	if err != nil {
		return nil, err
	}
	return c.IntegrationSurface(o)
}

// IntegrationSurface is IntegrationSurface on a Cell.
func (c *Cell) IntegrationSurface(o SurfaceOptions) (*Surface, error) {
	if o.Points == 0 {
		o.Points = 21
	}
	for _, b := range []int{o.BranchA, o.BranchB} {
		if b < 0 || b >= c.NumBranch {
			return nil, fmt.Errorf("experiment: surface branch %d outside 0..%d", b,
				c.NumBranch-1)
		}
	}
	switch {
	case o.BranchA == o.BranchB:
		return nil, fmt.Errorf("experiment: surface needs two different branches, got %d twice",
			o.BranchA)
	case !(o.Max > o.Min) || math.IsInf(o.Max-o.Min, 0):
		return nil, fmt.Errorf("experiment: surface drive range [%v, %v] is empty or not finite",
			o.Min, o.Max)
	case o.Points < 2:
		return nil, fmt.Errorf("experiment: SurfaceOptions.Points = %d, want ≥ 2", o.Points)
	case o.Output < 0 || o.Output >= len(c.WY):
		return nil, fmt.Errorf("experiment: surface output %d outside 0..%d", o.Output,
			len(c.WY)-1)
	}

	if o.Memory != nil && len(o.Memory) != c.NumMemory {
		return nil, fmt.Errorf("experiment: SurfaceOptions.Memory has %d values for %d "+
			"memory units", len(o.Memory), c.NumMemory)
	}
	if o.Background != nil && len(o.Background) != c.NumBranch {
		return nil, fmt.Errorf("experiment: SurfaceOptions.Background has %d values for %d "+
			"branches", len(o.Background), c.NumBranch)
	}
	s := &Surface{BranchA: o.BranchA, BranchB: o.BranchB, Output: o.Output,
		Sustained: o.Sustained, Memory: make([]float64, c.NumMemory),
		Weights: make([]float64, c.NumMemory)}
	switch {
	case o.Memory != nil:
		copy(s.Memory, o.Memory)
	case !o.FromZero:
		s.Memory = c.Rest(c.settleSteps())
	}
	background := make([]float64, c.NumBranch)
	copy(background, o.Background)
	for u := range s.Weights {
		s.Weights[u] = c.WY[o.Output][u] * c.Gain[u]
		if o.Sustained {
			s.Weights[u] /= 1 - c.KappaM[u]
		}
	}
	for i := range o.Points {
		s.Drive = append(s.Drive, o.Min+(o.Max-o.Min)*float64(i)/float64(o.Points-1))
	}

	var base []float64 // Δm at c_A = c_B = 0
	effect := func(ca, cb float64) ([]float64, float64) {
		drive := append([]float64(nil), background...)
		drive[o.BranchA], drive[o.BranchB] = ca, cb
		dm := c.Update(drive, s.Memory)
		if base == nil {
			return dm, 0
		}
		e := 0.0
		for u := range dm {
			dm[u] -= base[u]
			e += s.Weights[u] * dm[u]
		}
		return dm, e
	}
	base, _ = effect(0, 0)
	alone := func(ca, cb float64) float64 { _, e := effect(ca, cb); return e }
	var sumE, sumI float64
	for _, cb := range s.Drive {
		var dms [][]float64
		var eff, add, inter []float64
		for _, ca := range s.Drive {
			dm, e := effect(ca, cb)
			a := alone(ca, 0) + alone(0, cb)
			dms, eff, add, inter = append(dms, dm), append(eff, e), append(add, a),
				append(inter, e-a)
			sumE, sumI = sumE+e*e, sumI+(e-a)*(e-a)
			s.MaxSupra, s.MaxSub = math.Max(s.MaxSupra, e-a), math.Min(s.MaxSub, e-a)
		}
		s.DeltaM, s.Effect = append(s.DeltaM, dms), append(s.Effect, eff)
		s.Additive, s.Interaction = append(s.Additive, add), append(s.Interaction, inter)
	}
	if sumE > 0 {
		s.Nonlinearity = math.Sqrt(sumI / sumE)
	}
	return s, nil
}

// BranchEffect is how strongly one branch's drive alone moves the projected memory update.
type BranchEffect struct {
	Branch int
	// RMS is the root mean square of Surface.Effect along the branch's own axis (the other
	// chosen branch at 0), over the drive range.
	RMS float64
}

// RankBranches returns every branch's BranchEffect over the drive range and operating point
// of o (o.BranchA and o.BranchB are ignored), strongest first. A notebook uses it to pick
// the two branches whose integration is worth drawing.
func (c *Cell) RankBranches(o SurfaceOptions) ([]BranchEffect, error) {
	if c.NumBranch < 2 {
		return nil, fmt.Errorf("experiment: ranking branches needs at least 2, model has %d",
			c.NumBranch)
	}
	var out []BranchEffect
	for b := range c.NumBranch {
		o.BranchA, o.BranchB = b, (b+1)%c.NumBranch
		s, err := c.IntegrationSurface(o)
		if err != nil {
			return nil, err
		}
		zero := 0 // the grid row closest to c_B = 0
		for j, v := range s.Drive {
			if math.Abs(v) < math.Abs(s.Drive[zero]) {
				zero = j
			}
		}
		sum := 0.0
		for _, e := range s.Effect[zero] {
			sum += e * e
		}
		out = append(out, BranchEffect{Branch: b, RMS: math.Sqrt(sum / float64(len(s.Drive)))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RMS > out[j].RMS })
	return out, nil
}

// Operating is a model's typical state on one input sequence: the time averages of the
// branch drive and the memory, and the range the drives cover. It serves as the operating
// point of IntegrationSurface (Memory, Background, Min, Max).
type Operating struct {
	// Drive is the mean branch drive, [branches]; Memory the mean memory, [memory].
	Drive, Memory []float64
	// DriveLo and DriveHi are the 1st and 99th percentiles of all branches' drives.
	DriveLo, DriveHi float64
}

// OperatingPoint summarises sequence 0 of a prediction (Model.Predict) as an Operating.
func OperatingPoint(p *elmlib.Prediction) (*Operating, error) {
	if len(p.M.Shape) != 3 || len(p.Branch.Shape) != 3 || p.M.Shape[1] == 0 {
		return nil, fmt.Errorf("experiment: prediction without trajectories (M %v, Branch %v)",
			p.M.Shape, p.Branch.Shape)
	}
	steps, units, nb := p.M.Shape[1], p.M.Shape[2], p.Branch.Shape[2]
	op := &Operating{Drive: make([]float64, nb), Memory: make([]float64, units)}
	all := make([]float64, 0, steps*nb)
	for t := range steps {
		for u := range units {
			op.Memory[u] += float64(p.M.At(0, t, u)) / float64(steps)
		}
		for b := range nb {
			v := float64(p.Branch.At(0, t, b))
			op.Drive[b] += v / float64(steps)
			all = append(all, v)
		}
	}
	sort.Float64s(all)
	op.DriveLo, op.DriveHi = all[len(all)/100], all[len(all)-1-len(all)/100]
	return op, nil
}

// SurfaceAt returns the options of an integration surface at an input's operating point:
// memory and the other branches at their averages on the input, both drives over twice the
// input's 1–99 % drive range (or [-1, 1] if that is empty), and the two branches with the
// largest effect on their own there (RankBranches) as A and B.
func (c *Cell) SurfaceAt(op *Operating) (SurfaceOptions, error) {
	o := SurfaceOptions{Min: 2 * op.DriveLo, Max: 2 * op.DriveHi, Memory: op.Memory,
		Background: op.Drive}
	if !(o.Max > o.Min) {
		o.Min, o.Max = -1, 1
	}
	rank, err := c.RankBranches(o)
	if err != nil {
		return o, err
	}
	o.BranchA, o.BranchB = rank[0].Branch, rank[1].Branch
	return o, nil
}
