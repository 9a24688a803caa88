package teacher

import "math"

// Synaptic kinetics: rise and decay time constants in ms and reversal potentials in mV.
const (
	ampaRiseMS, ampaDecayMS = 0.3, 3.0
	nmdaRiseMS, nmdaDecayMS = 2.0, 70.0
	gabaRiseMS, gabaDecayMS = 0.2, 8.0
	excReversalMV           = 0.0
	inhReversalMV           = -80.0
	mgBlockMM               = 3.57 // [Mg] scale of the block
)

// AdEx soma parameters (units: nS, mV, ms, pA).
const (
	adexGExpNS     = 100.0 // exponential spike current conductance
	adexDeltaTMV   = 2.0   // slope factor ΔT
	adexThreshMV   = -55.0 // V_T
	adexPeakMV     = 0.0   // spike detection threshold
	adexResetMV    = -60.0 // V_reset
	adexRefractMS  = 2.0   // soma clamped at V_reset for this long
	adexClampNS    = 1e6   // clamp conductance during the refractory period
	adexANS        = 2.0   // subthreshold adaptation a
	adexBPA        = 40.0  // spike-triggered adaptation b
	adexTauWMS     = 150.0 // adaptation time constant τ_w
	adexMaxExpArg  = 30.0  // cap on (v − V_T)/ΔT, so exp never overflows
	spikeSampleMV  = 30.0  // soma sample recorded in the bin after a spike
	maxSomaGuardMV = 1e4   // |v| beyond this means the solver diverged
)

// peakFactor is the factor that scales exp(-t/τd) − exp(-t/τr) to a peak of 1.
func peakFactor(rise, decay float64) float64 {
	tp := rise * decay / (decay - rise) * math.Log(decay/rise)
	return 1 / (math.Exp(-tp/decay) - math.Exp(-tp/rise))
}

// kinetics holds the per-step factors of one double-exponential synapse type.
type kinetics struct {
	inc             float64 // increment of A and B per event, nS
	fullA, fullB    float64 // decay over a full step
	halfA, halfB    float64 // decay over half a step (conductance at the midpoint)
	reversalMV      float64
	riseMS, decayMS float64
}

func newKinetics(peakNS, rise, decay, reversal, dt float64) kinetics {
	return kinetics{inc: peakNS * peakFactor(rise, decay),
		fullA: math.Exp(-dt / rise), fullB: math.Exp(-dt / decay),
		halfA: math.Exp(-dt / (2 * rise)), halfB: math.Exp(-dt / (2 * decay)),
		reversalMV: reversal, riseMS: rise, decayMS: decay}
}

// neuron is the teacher cell with its integration constants and state. Inputs arrive as
// per-ms event counts per compartment; see run.
type neuron struct {
	n        int
	dt       float64
	substeps int
	parent   []int
	axial    []float64 // conductance to the parent (unused for the soma)
	diag0    []float64 // 2C/dt + gL + Σ axial conductances touching the compartment
	cap2     []float64 // 2C/dt
	leakI    []float64 // gL·E_L
	ampa     kinetics
	nmda     kinetics
	gaba     kinetics
	mgK      float64 // Mg block slope
	mgScale  float64 // [Mg]/3.57
	spiking  bool    // false turns the AdEx exponential and reset off (passive soma)
	wDecay   float64 // exp(-dt/τ_w)
	refSteps int

	// state
	v, vPrev, vHalf, d, rhs []float64
	aA, aB, nA, nB, gA, gB  []float64 // AMPA, NMDA and GABA_A rise/decay states, nS
	w                       float64
	refLeft                 int
}

// newNeuron builds the cell for cfg with every compartment at rest.
func newNeuron(cfg Config, m *morphology) *neuron {
	dt := cfg.DtMS
	n := len(m.comps)
	nr := &neuron{n: n, dt: dt, substeps: cfg.substeps(), spiking: true,
		ampa:     newKinetics(cfg.AMPAnS, ampaRiseMS, ampaDecayMS, excReversalMV, dt),
		nmda:     newKinetics(cfg.NMDAnS, nmdaRiseMS, nmdaDecayMS, excReversalMV, dt),
		gaba:     newKinetics(cfg.GABAnS, gabaRiseMS, gabaDecayMS, inhReversalMV, dt),
		mgK:      cfg.MgSlope,
		mgScale:  cfg.MgMM / mgBlockMM,
		wDecay:   math.Exp(-dt / adexTauWMS),
		refSteps: int(math.Round(adexRefractMS / dt)),
	}
	alloc := func() []float64 { return make([]float64, n) }
	nr.parent = make([]int, n)
	nr.axial, nr.diag0, nr.cap2, nr.leakI = alloc(), alloc(), alloc(), alloc()
	nr.v, nr.vPrev, nr.vHalf, nr.d, nr.rhs = alloc(), alloc(), alloc(), alloc(), alloc()
	nr.aA, nr.aB, nr.nA, nr.nB, nr.gA, nr.gB = alloc(), alloc(), alloc(), alloc(), alloc(), alloc()
	for i, c := range m.comps {
		nr.parent[i] = c.parent
		nr.cap2[i] = 2 * c.capPF / dt
		nr.leakI[i] = c.leakNS * restMV
		nr.diag0[i] = nr.cap2[i] + c.leakNS
		if i > 0 {
			nr.axial[i] = c.axialNS
			nr.diag0[i] += c.axialNS
			nr.diag0[c.parent] += c.axialNS
		}
		nr.v[i], nr.vPrev[i] = restMV, restMV
	}
	return nr
}

// deliver adds the events of one ms: exc[c] excitatory and inh[c] inhibitory events on
// compartment c.
func (nr *neuron) deliver(exc, inh []uint16) {
	for c := range nr.n {
		if e := float64(exc[c]); e != 0 {
			nr.aA[c] += e * nr.ampa.inc
			nr.aB[c] += e * nr.ampa.inc
			nr.nA[c] += e * nr.nmda.inc
			nr.nB[c] += e * nr.nmda.inc
		}
		if i := float64(inh[c]); i != 0 {
			nr.gA[c] += i * nr.gaba.inc
			nr.gB[c] += i * nr.gaba.inc
		}
	}
}

// step advances the cell by one integration step dt with Crank–Nicolson: a backward-Euler
// half step to t+dt/2 followed by v(t+dt) = 2·v(t+dt/2) − v(t). Synaptic conductances are
// taken at t+dt/2; the Mg block and the AdEx exponential at the extrapolated midpoint
// v + (v − v_prev)/2. It reports whether the soma spiked.
func (nr *neuron) step() bool {
	n := nr.n
	v, vPrev, d, rhs := nr.v[:n], nr.vPrev[:n], nr.d[:n], nr.rhs[:n]
	aA, aB, nA, nB, gA, gB := nr.aA[:n], nr.aB[:n], nr.nA[:n], nr.nB[:n], nr.gA[:n], nr.gB[:n]
	diag0, cap2, leakI := nr.diag0[:n], nr.cap2[:n], nr.leakI[:n]
	am, nm, gm := &nr.ampa, &nr.nmda, &nr.gaba

	// Conductances at the midpoint, diagonal and right-hand side of the half step.
	for c := 0; c < n; c++ {
		gAMPA := aB[c]*am.halfB - aA[c]*am.halfA
		gNMDA := nB[c]*nm.halfB - nA[c]*nm.halfA
		gGABA := gB[c]*gm.halfB - gA[c]*gm.halfA
		if gNMDA != 0 {
			vm := v[c] + 0.5*(v[c]-vPrev[c])
			gNMDA /= 1 + math.Exp(-nr.mgK*vm)*nr.mgScale
		}
		d[c] = diag0[c] + gAMPA + gNMDA + gGABA
		rhs[c] = cap2[c]*v[c] + leakI[c] + (gAMPA+gNMDA)*excReversalMV +
			gGABA*inhReversalMV
	}

	// Soma: AdEx exponential current and adaptation, or the refractory clamp.
	refractory := nr.refLeft > 0
	if refractory {
		d[0] += adexClampNS
		rhs[0] += adexClampNS * adexResetMV
	} else if nr.spiking {
		vm := v[0] + 0.5*(v[0]-vPrev[0])
		arg := min((vm-adexThreshMV)/adexDeltaTMV, adexMaxExpArg)
		rhs[0] += adexGExpNS * adexDeltaTMV * math.Exp(arg)
	}
	rhs[0] -= nr.w

	// Hines elimination from the leaves to the soma.
	parent, axial := nr.parent[:n], nr.axial[:n]
	for c := n - 1; c > 0; c-- {
		p := parent[c]
		f := axial[c] / d[c]
		d[p] -= f * axial[c]
		rhs[p] += f * rhs[c]
	}
	vh := nr.vHalf[:n]
	vh[0] = rhs[0] / d[0]

	// Spike detection on the soma's full-step value; the reset happens before
	// back-substitution so the dendrites see the reset soma.
	spiked := false
	if nr.spiking && !refractory && 2*vh[0]-v[0] >= adexPeakMV {
		spiked = true
		vh[0] = adexResetMV
		nr.w += adexBPA
		nr.refLeft = nr.refSteps + 1
	}
	for c := 1; c < n; c++ {
		vh[c] = (rhs[c] + axial[c]*vh[parent[c]]) / d[c]
	}

	// Extrapolate to the full step; a clamped or just-reset soma stays at V_reset.
	for c := 0; c < n; c++ {
		vPrev[c] = v[c]
		v[c] = 2*vh[c] - v[c]
	}
	if refractory || spiked {
		v[0] = adexResetMV
	}
	if nr.refLeft > 0 {
		nr.refLeft--
	}
	if nr.spiking {
		wInf := adexANS * (v[0] - restMV)
		nr.w = wInf + (nr.w-wInf)*nr.wDecay
	}

	// Synaptic decay over the full step.
	for c := 0; c < n; c++ {
		aA[c] *= am.fullA
		aB[c] *= am.fullB
		nA[c] *= nm.fullA
		nB[c] *= nm.fullB
		gA[c] *= gm.fullA
		gB[c] *= gm.fullB
	}
	return spiked
}

// run simulates T ms. exc and inh are [T, n] row-major event counts per ms and compartment
// (delivered at the start of each ms, after the soma is sampled). It fills soma [T] with
// the soma voltage sampled at the start of each ms (+30 mV in the bin after a spike) and
// returns the bins in which the soma spiked. probe, if not nil, is called at the start of
// each ms with the compartment voltages. It returns ok = false if the solver diverged.
func (nr *neuron) run(exc, inh []uint16, T int, soma []float32,
	probe func(t int, v []float64)) (spikes []int32, ok bool) {
	spikeLast := false
	for t := range T {
		if spikeLast {
			soma[t] = spikeSampleMV
		} else {
			soma[t] = float32(nr.v[0])
		}
		if probe != nil {
			probe(t, nr.v)
		}
		nr.deliver(exc[t*nr.n:(t+1)*nr.n], inh[t*nr.n:(t+1)*nr.n])
		spikeLast = false
		for range nr.substeps {
			if nr.step() && !spikeLast {
				spikes = append(spikes, int32(t))
				spikeLast = true
			}
		}
		if math.Abs(nr.v[0]) > maxSomaGuardMV || math.IsNaN(nr.v[0]) {
			return spikes, false
		}
	}
	return spikes, true
}
