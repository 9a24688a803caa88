package teacher

import (
	"fmt"
	"math"
)

// Passive membrane constants (units: µm, pF, nS).
const (
	cmPFperUM2   = 0.01   // 1 µF/cm²
	gmNSperUM2   = 5e-4   // 1 / (20 kΩ·cm²)
	raOhmUM      = 1e6    // 100 Ω·cm
	spineFactor  = 2.0    // dendrites only, on both C and gL
	somaAreaUM2  = 2500.0 // soma, no spines
	restMV       = -70.0  // leak reversal E_L
	numSites     = 639    // NeuronIO synapse sites
	numDendrites = 47     // dendritic compartments
)

// tree labels which input-rate tree a compartment's sites follow.
type tree int

const (
	basal tree = iota
	apical
)

// compartment is one isopotential piece of the cell. Compartment 0 is the soma; a parent
// always has a lower index than its children.
type compartment struct {
	name     string
	parent   int     // -1 for the soma
	lengthUM float64 // cylinder length (0 for the soma)
	diamUM   float64 // cylinder diameter (0 for the soma)
	capPF    float64
	leakNS   float64
	axialNS  float64 // conductance to the parent
	sites    int     // number of synapse sites
	tree     tree
}

// morphology is the cell's compartments plus the site → compartment map.
type morphology struct {
	comps    []compartment
	siteComp []int // [numSites] compartment of each site
}

// halfAxialMOhm is the axial resistance of half a cylinder in MΩ.
func halfAxialMOhm(lengthUM, diamUM float64) float64 {
	return raOhmUM * (lengthUM / 2) / (math.Pi * diamUM * diamUM / 4) / 1e6
}

// newMorphology builds teacher B's cell: a soma, 8 basal branches of 3 compartments,
// an apical trunk of 3, 4 two-compartment obliques (2 on trunk0, 2 on trunk1) and 6
// two-compartment tuft branches, 48 compartments in all. Compartments are listed branch by
// branch from proximal to distal (basal, trunk, obliques, tuft), and the 639 sites are
// assigned to them in that order, so neighbouring site indices are neighbours on the tree.
func newMorphology() *morphology {
	m := &morphology{}
	m.comps = append(m.comps, compartment{name: "soma", parent: -1,
		capPF: cmPFperUM2 * somaAreaUM2, leakNS: gmNSperUM2 * somaAreaUM2})
	add := func(name string, parent int, l, d float64, sites int, t tree) int {
		area := math.Pi * d * l * spineFactor
		r := halfAxialMOhm(l, d)
		if parent > 0 {
			r += halfAxialMOhm(m.comps[parent].lengthUM, m.comps[parent].diamUM)
		}
		m.comps = append(m.comps, compartment{name: name, parent: parent, lengthUM: l,
			diamUM: d, capPF: cmPFperUM2 * area, leakNS: gmNSperUM2 * area,
			axialNS: 1e3 / r, sites: sites, tree: t})
		return len(m.comps) - 1
	}
	for b := range 8 {
		p := add(fmt.Sprintf("basal%d.0", b), 0, 60, 1.0, 9, basal)
		p = add(fmt.Sprintf("basal%d.1", b), p, 80, 0.7, 12, basal)
		add(fmt.Sprintf("basal%d.2", b), p, 100, 0.5, 14, basal)
	}
	t0 := add("trunk0", 0, 150, 3.0, 22, apical)
	t1 := add("trunk1", t0, 150, 2.5, 22, apical)
	t2 := add("trunk2", t1, 150, 2.0, 22, apical)
	for o, p := range []int{t0, t0, t1, t1} {
		q := add(fmt.Sprintf("oblique%d.0", o), p, 60, 0.8, 9, apical)
		add(fmt.Sprintf("oblique%d.1", o), q, 60, 0.6, 9, apical)
	}
	for j := range 6 {
		q := add(fmt.Sprintf("tuft%d.0", j), t2, 100, 0.8, 15, apical)
		sites := 22
		if j == 5 {
			sites = 21 // 640 → 639 sites
		}
		add(fmt.Sprintf("tuft%d.1", j), q, 150, 0.5, sites, apical)
	}
	for c, comp := range m.comps {
		for range comp.sites {
			m.siteComp = append(m.siteComp, c)
		}
	}
	if len(m.comps) != numDendrites+1 || len(m.siteComp) != numSites {
		panic(fmt.Sprintf("teacher: morphology has %d compartments and %d sites",
			len(m.comps), len(m.siteComp)))
	}
	return m
}

// treeSites counts the sites on each tree.
func (m *morphology) treeSites() [2]int {
	var n [2]int
	for _, c := range m.siteComp {
		n[m.comps[c].tree]++
	}
	return n
}

// compartmentByName returns the index of the named compartment, or -1.
func (m *morphology) compartmentByName(name string) int {
	for i, c := range m.comps {
		if c.name == name {
			return i
		}
	}
	return -1
}
