package teacher

import (
	"fmt"
	"slices"

	"github.com/elmneuron/elm/data"
)

// Stats summarises a data set's output: firing rates per simulation and the distribution of
// the soma voltage.
type Stats struct {
	// Sims is the number of simulations.
	Sims int
	// MeanHz, MedianHz, P90Hz and MaxHz describe the per-simulation output rates.
	MeanHz, MedianHz, P90Hz, MaxHz float64
	// Silent is the number of simulations without an output spike.
	Silent int
	// AtMost24 is the number of simulations with at most 24 output spikes (the authors'
	// evaluation filter).
	AtMost24 int
	// InputHz is the mean rate of an input channel (excitatory and inhibitory together).
	InputHz float64
	// SomaPercentiles are the 1, 5, 25, 50, 75, 95 and 99 % percentiles of the soma
	// voltage in mV, over all bins of all simulations.
	SomaPercentiles [7]float64
	// AboveMinus55 is the fraction of soma samples above -55 mV.
	AboveMinus55 float64
	// MedianISIMS is the median interval between consecutive output spikes of a
	// simulation, in ms, and ShortISIs the fraction of those intervals under 10 ms.
	MedianISIMS, ShortISIs float64
}

// Summarize computes Stats for sims, which must not be empty.
func Summarize(sims []*data.Simulation) Stats {
	st := Stats{Sims: len(sims)}
	if len(sims) == 0 {
		return st
	}
	rates := make([]float64, len(sims))
	var volts []float32
	var inSpikes, inBins float64
	above := 0
	var isis []int32
	for k, s := range sims {
		for j := 1; j < len(s.OutputSpikes); j++ {
			isis = append(isis, s.OutputSpikes[j]-s.OutputSpikes[j-1])
		}
		rates[k] = float64(len(s.OutputSpikes)) * 1000 / float64(s.Duration)
		st.MeanHz += rates[k] / float64(len(sims))
		if len(s.OutputSpikes) == 0 {
			st.Silent++
		}
		if len(s.OutputSpikes) <= 24 {
			st.AtMost24++
		}
		for _, sp := range s.InputSpikes {
			inSpikes += float64(len(sp))
		}
		inBins += float64(len(s.InputSpikes) * s.Duration)
		volts = append(volts, s.SomaMV...)
		for _, v := range s.SomaMV {
			if v > -55 {
				above++
			}
		}
	}
	slices.Sort(rates)
	slices.Sort(volts)
	pct := func(p float64, n int) int { return min(n-1, int(p*float64(n))) }
	st.MedianHz = rates[pct(0.5, len(rates))]
	st.P90Hz = rates[pct(0.9, len(rates))]
	st.MaxHz = rates[len(rates)-1]
	st.InputHz = inSpikes / inBins * 1000
	for i, p := range []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99} {
		st.SomaPercentiles[i] = float64(volts[pct(p, len(volts))])
	}
	st.AboveMinus55 = float64(above) / float64(len(volts))
	if len(isis) > 0 {
		slices.Sort(isis)
		st.MedianISIMS = float64(isis[pct(0.5, len(isis))])
		short, _ := slices.BinarySearch(isis, 10)
		st.ShortISIs = float64(short) / float64(len(isis))
	}
	return st
}

// String formats the statistics on two lines.
func (s Stats) String() string {
	return fmt.Sprintf("%d sims: rate mean %.2f Hz, median %.2f, p90 %.2f, max %.2f, "+
		"silent %d, <=24 spikes %d; input %.2f Hz\n"+
		"soma mV pct 1/5/25/50/75/95/99: %.1f, above -55 mV %.2f %%; "+
		"median ISI %.0f ms, ISIs < 10 ms %.0f %%",
		s.Sims, s.MeanHz, s.MedianHz, s.P90Hz, s.MaxHz, s.Silent, s.AtMost24, s.InputHz,
		s.SomaPercentiles, 100*s.AboveMinus55, s.MedianISIMS, 100*s.ShortISIs)
}
