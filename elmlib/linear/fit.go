package linear

import (
	"errors"
	"fmt"
	"math"

	"github.com/elmneuron/elm/data"
)

// Fit fits the baseline: each ridge strength of cfg.Ridges is fitted on train and scored by
// the mean squared error on val (soma and spike bit separately); the best strengths are then
// refitted on train and val together. With no val simulations the smallest ridge is used.
func Fit(train, val []*data.Simulation, cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(train) == 0 {
		return nil, errors.New("linear: no training simulations")
	}
	channels := len(train[0].InputSpikes)
	if channels < 2 {
		return nil, fmt.Errorf("linear: %d inputs, need an excitatory and an inhibitory half",
			channels)
	}
	for i, s := range append(append([]*data.Simulation(nil), train...), val...) {
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("linear: simulation %d: %w", i, err)
		}
		if len(s.InputSpikes) != channels {
			return nil, fmt.Errorf("linear: simulation %d has %d inputs, want %d",
				i, len(s.InputSpikes), channels)
		}
	}
	m := &Model{Config: cfg, Channels: channels}
	somaRidge, spikeRidge := cfg.Ridges[0], cfg.Ridges[0]
	if len(val) > 0 && len(cfg.Ridges) > 1 {
		var err error
		if somaRidge, spikeRidge, err = m.selectRidges(train, val); err != nil {
			return nil, err
		}
	}
	all, err := cfg.accumulate(append(append([]*data.Simulation(nil), train...), val...))
	if err != nil {
		return nil, err
	}
	if m.SomaW, err = all.solve(somaRidge, all.xtSoma); err != nil {
		return nil, err
	}
	if m.SpikeW, err = all.solve(spikeRidge, all.xtSp); err != nil {
		return nil, err
	}
	m.SomaRidge, m.SpikeRidge = somaRidge, spikeRidge
	return m, nil
}

// selectRidges returns the ridge strengths with the lowest validation MSE.
func (m *Model) selectRidges(train, val []*data.Simulation) (soma, spike float64, err error) {
	cfg := m.Config
	n, err := cfg.accumulate(train)
	if err != nil {
		return 0, 0, err
	}
	bestSoma, bestSpike := math.Inf(1), math.Inf(1)
	for _, r := range cfg.Ridges {
		wSoma, err := n.solve(r, n.xtSoma)
		if err != nil {
			return 0, 0, err
		}
		wSpike, err := n.solve(r, n.xtSp)
		if err != nil {
			return 0, 0, err
		}
		cand := &Model{Config: cfg, Channels: m.Channels, SomaW: wSoma, SpikeW: wSpike}
		eSoma, eSpike, err := cand.mse(val)
		if err != nil {
			return 0, 0, err
		}
		if eSoma < bestSoma {
			bestSoma, soma = eSoma, r
		}
		if eSpike < bestSpike {
			bestSpike, spike = eSpike, r
		}
	}
	return soma, spike, nil
}

// mse is the mean squared error of the clipped soma (mV²) and of the spike bit over sims.
func (m *Model) mse(sims []*data.Simulation) (soma, spike float64, err error) {
	var n int
	for _, s := range sims {
		b, err := data.WindowBatch([]*data.Simulation{s}, []int{0}, s.Duration)
		if err != nil {
			return 0, 0, err
		}
		sp, v, err := m.PredictBatch(b)
		if err != nil {
			return 0, 0, err
		}
		for t := range v {
			d := float64(v[t]) - math.Min(float64(b.Soma[t]), m.Config.ClipMV)
			soma += d * d
			d = float64(sp[t]) - float64(b.Spike[t])
			spike += d * d
		}
		n += len(v)
	}
	return soma / float64(n), spike / float64(n), nil
}

// PredictBatch returns, for every sequence and step of b, the spike score and the soma
// voltage in mV, both [Size, Steps] row-major. The filters start from zero for each sequence.
func (m *Model) PredictBatch(b *data.Batch) (spikeScore, somaMV []float32, err error) {
	if err := b.Validate(); err != nil {
		return nil, nil, fmt.Errorf("linear: %w", err)
	}
	if b.Channels != m.Channels {
		return nil, nil, fmt.Errorf("linear: batch has %d input channels, model was fitted on %d",
			b.Channels, m.Channels)
	}
	nF := m.Config.numFeatures()
	spikeScore = make([]float32, b.Size*b.Steps)
	somaMV = make([]float32, b.Size*b.Steps)
	for seq := 0; seq < b.Size; seq++ {
		f := m.Config.features(b, seq)
		for t := 0; t < b.Steps; t++ {
			row := f[t*nF : (t+1)*nF]
			var v, s float64
			for j, x := range row {
				v += x * m.SomaW[j]
				s += x * m.SpikeW[j]
			}
			somaMV[seq*b.Steps+t] = float32(v)
			spikeScore[seq*b.Steps+t] = float32(s)
		}
	}
	return spikeScore, somaMV, nil
}
