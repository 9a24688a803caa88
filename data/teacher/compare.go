package teacher

import (
	"math"

	"github.com/elmneuron/elm/data"
)

// SpikeAgreement compares the output spikes and clipped soma voltages of two data sets
// generated from the same inputs (e.g. at two integration steps).
type SpikeAgreement struct {
	// SpikesA and SpikesB are the total output spike counts.
	SpikesA, SpikesB int
	// Unmatched counts spikes of either set without a partner within ±ToleranceMS in the
	// other; partners are paired greedily in time order, each used once.
	Unmatched int
	// SameBin counts matched pairs that fall in the same 1-ms bin.
	SameBin int
	// ToleranceMS is the matching window.
	ToleranceMS int
	// ClippedRMSE is the RMSE in mV of the soma voltages clipped at -55 mV.
	ClippedRMSE float64
}

// CompareSpikes matches the output spikes of a[i] and b[i] within ±tolMS bins.
func CompareSpikes(a, b []*data.Simulation, tolMS int) SpikeAgreement {
	r := SpikeAgreement{ToleranceMS: tolMS}
	var se float64
	var n int
	for i := range min(len(a), len(b)) {
		sa, sb := a[i].OutputSpikes, b[i].OutputSpikes
		r.SpikesA += len(sa)
		r.SpikesB += len(sb)
		j := 0
		matched := 0
		for _, t := range sa {
			for j < len(sb) && sb[j] < t-int32(tolMS) {
				j++
			}
			if j < len(sb) && sb[j] <= t+int32(tolMS) {
				if sb[j] == t {
					r.SameBin++
				}
				matched++
				j++
			}
		}
		r.Unmatched += len(sa) + len(sb) - 2*matched
		for k := range min(len(a[i].SomaMV), len(b[i].SomaMV)) {
			d := math.Min(float64(a[i].SomaMV[k]), -55) - math.Min(float64(b[i].SomaMV[k]), -55)
			se += d * d
			n++
		}
	}
	if n > 0 {
		r.ClippedRMSE = math.Sqrt(se / float64(n))
	}
	return r
}
