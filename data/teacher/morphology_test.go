package teacher

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMorphologyMatchesNote compares the cell with the table of teacher B in
// ../../shared/notes/teacher-neuron.md section 2 (values printed to 3 significant digits).
func TestMorphologyMatchesNote(t *testing.T) {
	m := newMorphology()
	cases := []struct {
		name              string
		capPF, leak, axNS float64
		sites             int
	}{
		{"basal3.0", 3.77, 0.188, 26.2, 9},
		{"basal3.1", 3.52, 0.176, 7.04, 12},
		{"basal3.2", 3.14, 0.157, 2.79, 14},
		{"trunk0", 28.3, 1.41, 94.2, 22},
		{"trunk1", 23.6, 1.18, 38.6, 22},
		{"trunk2", 18.8, 0.94, 25.5, 22},
		{"oblique0.0", 3.02, 0.151, 14.2, 9},
		{"oblique3.0", 3.02, 0.151, 13.3, 9},
		{"oblique3.1", 2.26, 0.113, 6.03, 9},
		{"tuft2.0", 5.03, 0.251, 8.11, 15},
		{"tuft2.1", 4.71, 0.236, 2.08, 22},
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 0.006*want }
	for i, c := range cases {
		k := m.compartmentByName(c.name)
		if k < 0 {
			t.Fatalf("case %d: no compartment %s", i, c.name)
		}
		got := m.comps[k]
		if !near(got.capPF, c.capPF) || !near(got.leakNS, c.leak) ||
			!near(got.axialNS, c.axNS) || got.sites != c.sites {
			t.Errorf("case %d: %+v, want C %.3g pF, gL %.3g nS, axial %.3g nS, %d sites",
				i, got, c.capPF, c.leak, c.axNS, c.sites)
		}
	}
	var capSum, leakSum float64
	for _, c := range m.comps {
		capSum += c.capPF
		leakSum += c.leakNS
	}
	if !near(capSum, 259) || math.Abs(leakSum-12.9) > 0.06 {
		t.Errorf("totals C %.1f pF, gL %.2f nS; note: 259 pF, 12.9 nS", capSum, leakSum)
	}
	if n := m.treeSites(); n[basal] != 280 || n[apical] != 359 {
		t.Errorf("sites per tree %v, want [280 359]", n)
	}
	// Sites are consecutive along the compartment list and parents precede children.
	for s := 1; s < numSites; s++ {
		if m.siteComp[s] < m.siteComp[s-1] {
			t.Fatalf("site %d on compartment %d after site %d on %d", s, m.siteComp[s],
				s-1, m.siteComp[s-1])
		}
	}
	for i, c := range m.comps[1:] {
		if c.parent < 0 || c.parent > i {
			t.Errorf("compartment %s (%d) has parent %d", c.name, i+1, c.parent)
		}
	}
}

// TestTripleBoxIsGaussianLike: three box passes over an impulse give a kernel of mass 1,
// centred, with variance 3·r(r+1)/3 = r(r+1) (exact for discrete boxes), within σ + 1 of
// σ² for the chosen radius (a step of the radius moves the variance by 2r + 2).
func TestTripleBoxIsGaussianLike(t *testing.T) {
	for _, sigma := range []float64{6, 25, 137, 619} {
		r := boxRadius(sigma)
		L := 6*r + 1
		a, b := make([]float64, L), make([]float64, L)
		a[3*r] = 1
		boxBlur(b, a, r)
		boxBlur(a, b, r)
		boxBlur(b, a, r)
		var mass, mean, vari float64
		for i, x := range b {
			mass += x
			mean += x * float64(i-3*r)
		}
		for i, x := range b {
			d := float64(i-3*r) - mean
			vari += x * d * d
		}
		if math.Abs(mass-1) > 1e-9 || math.Abs(mean) > 1e-6 ||
			math.Abs(vari-float64(r*(r+1))) > 1e-6*vari {
			t.Errorf("σ %g: mass %g, mean %g, variance %g (want 1, 0, %d)", sigma, mass,
				mean, vari, r*(r+1))
		}
		if math.Abs(vari-sigma*sigma) > sigma+1 {
			t.Errorf("σ %g: radius %d gives variance %g, want about σ² = %g", sigma, r, vari,
				sigma*sigma)
		}
	}
}

// TestInputEventsMatchSpikes: the per-compartment event counts fed to the neuron are
// exactly the recorded input spikes mapped to their sites' compartments.
func TestInputEventsMatchSpikes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DurationMS = 2000
	m := newMorphology()
	in := genInputs(rand.New(rand.NewPCG(1, 2)), cfg, m)
	n := len(m.comps)
	exc := make([]uint16, len(in.exc))
	inh := make([]uint16, len(in.inh))
	total := 0
	for ch, sp := range in.spikes {
		dst := exc
		if ch >= numSites {
			dst = inh
		}
		for k, bin := range sp {
			if k > 0 && bin <= sp[k-1] {
				t.Fatalf("input %d: spikes not strictly increasing at %d", ch, k)
			}
			dst[int(bin)*n+m.siteComp[ch%numSites]]++
			total++
		}
	}
	for i := range exc {
		if exc[i] != in.exc[i] || inh[i] != in.inh[i] {
			t.Fatalf("event counts differ at bin %d compartment %d", i/n, i%n)
		}
	}
	if total < 1000 {
		t.Errorf("only %d input spikes in 2 s", total)
	}
}
