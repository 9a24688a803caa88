package teacher

import (
	"math"
	"math/rand/v2"
)

// NeuronIO's choices for the length of a constant-rate interval and for the width σ of the
// Gaussian that smooths the rates, in ms; each gets an integer jitter in -19..19.
var (
	rateIntervalsMS = []int{25, 30, 35, 40, 45, 55, 60, 65, 70, 75, 80, 85, 90, 100, 150, 200,
		300, 450}
	smoothSigmasMS = []int{25, 30, 35, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500, 600}
)

// Input count ranges per tree and 100 ms: excitatory U[0, maxExcPer100]·D, inhibitory
// U[max(0, exc − inhBelow), exc + inhAbove].
const (
	maxExcPer100 = 800.0
	inhBelow     = 600.0
	inhAbove     = 200.0
)

// inputs is one simulation's synaptic input.
type inputs struct {
	drive      float64   // per-simulation drive factor D
	intervalMS int       // length of a constant-rate interval
	sigmaMS    int       // smoothing width
	spikes     [][]int32 // [2·numSites] sorted spike bins, excitatory sites first
	exc, inh   []uint16  // [T, compartments] event counts per ms
}

// jitter is NeuronIO's int(U[-20, 20)): truncation toward zero, so 0 is twice as likely.
func jitter(rng *rand.Rand) int { return int(rng.Float64()*40 - 20) }

// boxRadius returns r such that three boxes of width 2r+1 have a total variance close to
// σ² (one box has variance r(r+1)/3).
func boxRadius(sigma float64) int {
	return max(1, int(math.Round((math.Sqrt(1+4*sigma*sigma)-1)/2)))
}

// boxBlur writes to dst the mean of src over [t−r, t+r] (zero outside src) for every t.
func boxBlur(dst, src []float64, r int) {
	L := len(src)
	w := 1 / float64(2*r+1)
	s := 0.0
	for j := 0; j < r && j < L; j++ {
		s += src[j]
	}
	for t := range L {
		if j := t + r; j < L {
			s += src[j]
		}
		if j := t - r - 1; j >= 0 {
			s -= src[j]
		}
		dst[t] = s * w
	}
}

// genInputs draws one simulation's input in the manner of NeuronIO's generator:
//
//   - an interval length and a smoothing σ are drawn for the simulation, and a drive D;
//   - per interval and per tree (basal, apical), an excitatory count per 100 ms
//     U[0, 800]·D and an inhibitory count U[max(0, exc−600), exc+200], shared evenly by
//     the tree's sites and multiplied per site and interval by U(0.5, 1.5);
//   - the piecewise-constant rates are smoothed (zero padded at both ends) by three box
//     filters whose combined variance is σ², an approximation of a Gaussian;
//   - each site and 1-ms bin spikes with probability 1 − exp(−rate), drawn by
//     time-rescaling (an Exp(1) threshold on the integrated rate).
func genInputs(rng *rand.Rand, cfg Config, m *morphology) *inputs {
	T := cfg.DurationMS
	in := &inputs{drive: cfg.DriveMin + (cfg.DriveMax-cfg.DriveMin)*rng.Float64()}
	in.intervalMS = rateIntervalsMS[rng.IntN(len(rateIntervalsMS))] + jitter(rng)
	in.sigmaMS = smoothSigmasMS[rng.IntN(len(smoothSigmasMS))] + jitter(rng)
	K := (T + in.intervalMS - 1) / in.intervalMS

	// Tree totals per interval, converted to spikes per ms and site.
	nTree := m.treeSites()
	var excRate, inhRate [2][]float64
	for tr := range 2 {
		excRate[tr] = make([]float64, K)
		inhRate[tr] = make([]float64, K)
		for k := range K {
			e := maxExcPer100 * in.drive * rng.Float64()
			lo, hi := max(0, e-inhBelow), e+inhAbove
			i := lo + (hi-lo)*rng.Float64()
			excRate[tr][k] = e / float64(nTree[tr]) / 100
			inhRate[tr][k] = i / float64(nTree[tr]) / 100
		}
	}

	n := len(m.comps)
	in.exc = make([]uint16, T*n)
	in.inh = make([]uint16, T*n)
	in.spikes = make([][]int32, 2*numSites)
	r := boxRadius(float64(in.sigmaMS))
	pad := 3 * r
	bufA := make([]float64, T+2*pad)
	bufB := make([]float64, T+2*pad)
	for ch := range 2 * numSites {
		site, rates, counts := ch, excRate, in.exc
		if ch >= numSites {
			site, rates, counts = ch-numSites, inhRate, in.inh
		}
		comp := m.siteComp[site]
		treeRate := rates[m.comps[comp].tree]

		// Piecewise-constant rate with spatial noise, zero padded, then smoothed.
		clear(bufA)
		for k := range K {
			rk := treeRate[k] * (0.5 + rng.Float64())
			end := min(T, (k+1)*in.intervalMS)
			seg := bufA[pad+k*in.intervalMS : pad+end]
			for t := range seg {
				seg[t] = rk
			}
		}
		boxBlur(bufB, bufA, r)
		boxBlur(bufA, bufB, r)
		boxBlur(bufB, bufA, r)

		// Spikes: bin t fires when the rate integrated since the last spike passes Exp(1).
		rate := bufB[pad : pad+T]
		var sp []int32
		acc, thr := 0.0, rng.ExpFloat64()
		for t, x := range rate {
			acc += x
			if acc >= thr {
				sp = append(sp, int32(t))
				counts[t*n+comp]++
				acc, thr = 0, rng.ExpFloat64()
			}
		}
		in.spikes[ch] = sp
	}
	return in
}
