package metrics

import (
	"fmt"
	"math"

	"github.com/elmneuron/elm/data"
)

// Predictor runs a model on one batch of windows. b holds b.Size windows of b.Steps ms with
// signed spike input (+1 excitatory, -1 inhibitory) in b.Events, [Size, Steps, Channels], plus
// the Spike and Soma targets (zero in the padding after a simulation's end). The model must
// start every window from its initial state. It returns spikeProb (spike probability, after
// the sigmoid) and somaMV (somatic voltage in mV), each [Size, Steps] row-major.
type Predictor func(b *data.Batch) (spikeProb, somaMV []float32, err error)

// Protocol says how predictions are made and scored. The zero value is not useful; start from
// AuthorsProtocol or RawProtocol.
type Protocol struct {
	// Window is the length in ms of each model call; BurnIn (< Window) is the overlap of
	// consecutive windows whose outputs are discarded (except in the first window).
	Window, BurnIn int
	// IgnoreStart is the number of ms at the start of every simulation left out of the scores.
	IgnoreStart int
	// MaxOutputSpikes drops simulations with more output spikes; negative keeps all.
	MaxOutputSpikes int
	// ClipSomaMV clips the soma target from above (mV); NaN leaves it unclipped.
	ClipSomaMV float64
	// RescaleSoma z-scores the soma prediction and rescales it to the target's mean and std.
	RescaleSoma bool
	// FPRs are the false-positive rates for Result.TPRAtFPR and Result.AUCAtFPR.
	FPRs []float64
	// BatchSize is the number of simulations per Predictor call; 0 means all at once.
	BatchSize int
}

// AuthorsProtocol is the evaluation of the ELM paper: windows of 500 ms with 150 ms burn-in,
// soma target clipped at -55 mV, soma prediction rescaled, simulations with more than 24
// output spikes dropped, the first 500 ms ignored, FPRs 0.25 % and 1 %.
func AuthorsProtocol() Protocol {
	return Protocol{Window: 500, BurnIn: 150, IgnoreStart: 500, MaxOutputSpikes: 24,
		ClipSomaMV: -55, RescaleSoma: true, FPRs: []float64{0.0025, 0.01}}
}

// RawProtocol uses the same windows and soma clipping as AuthorsProtocol but keeps every
// simulation and every millisecond and scores the soma prediction as the model gives it.
func RawProtocol() Protocol {
	p := AuthorsProtocol()
	p.IgnoreStart, p.MaxOutputSpikes, p.RescaleSoma = 0, -1, false
	return p
}

func (p *Protocol) validate() error {
	switch {
	case p.Window <= 0:
		return fmt.Errorf("metrics: protocol window %d must be positive", p.Window)
	case p.BurnIn < 0 || p.BurnIn >= p.Window:
		return fmt.Errorf("metrics: protocol burn-in %d must be in [0, window %d)", p.BurnIn,
			p.Window)
	case p.IgnoreStart < 0:
		return fmt.Errorf("metrics: protocol ignores %d ms at the start, must be >= 0",
			p.IgnoreStart)
	case p.BatchSize < 0:
		return fmt.Errorf("metrics: protocol batch size %d must be >= 0", p.BatchSize)
	}
	for _, f := range p.FPRs {
		if !(f > 0 && f < 1) {
			return fmt.Errorf("metrics: protocol FPR %v outside (0, 1)", f)
		}
	}
	return nil
}

// Predictions holds stitched model outputs and targets, [simulation][ms], for Score.
type Predictions struct {
	// SpikeTrue is 1 in the bins with an output spike; SpikeProb is the predicted probability.
	SpikeTrue, SpikeProb [][]float64
	// SomaTrue is the (clipped) soma target and SomaPred the (rescaled) prediction, in mV.
	SomaTrue, SomaPred [][]float64
	// OutputSpikes counts each simulation's output spikes.
	OutputSpikes []int
}

// numWindows is the authors' count int(2 + (T - W) / (W - B)), at least 1.
func numWindows(duration, window, burnIn int) int {
	n := int(2 + float64(duration-window)/float64(window-burnIn))
	return max(n, 1)
}

// Predict runs predict over sims in windows as the protocol says and stitches the outputs.
// All simulations must have the same duration. The soma rescaling, if asked for, uses the
// statistics of all of sims together.
func Predict(sims []*data.Simulation, predict Predictor, p Protocol) (*Predictions, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if len(sims) == 0 {
		return nil, fmt.Errorf("metrics: no simulations to predict")
	}
	dur := sims[0].Duration
	for i, s := range sims {
		if s.Duration != dur {
			return nil, fmt.Errorf("metrics: simulation %d lasts %d ms, simulation 0 %d ms",
				i, s.Duration, dur)
		}
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("metrics: simulation %d: %w", i, err)
		}
	}
	pr := newPredictions(sims, p.ClipSomaMV)

	bs := p.BatchSize
	if bs == 0 {
		bs = len(sims)
	}
	stride := p.Window - p.BurnIn
	for k := range numWindows(dur, p.Window, p.BurnIn) {
		start := k * stride
		for lo := 0; lo < len(sims); lo += bs {
			hi := min(lo+bs, len(sims))
			if err := pr.fillWindow(sims[lo:hi], lo, start, k, predict, p); err != nil {
				return nil, err
			}
		}
	}

	if p.RescaleSoma {
		return pr.RescaledSoma()
	}
	return pr, nil
}

// RescaledSoma returns a copy of pr whose soma prediction is z-scored and rescaled to the
// mean and std of the target, over all simulations together (the authors' protocol); pr
// itself is left as it is.
func (pr *Predictions) RescaledSoma() (*Predictions, error) {
	var all, hat []float64
	for i := range pr.SomaPred {
		all = append(all, pr.SomaTrue[i]...)
		hat = append(hat, pr.SomaPred[i]...)
	}
	if err := RescaleToTarget(all, hat); err != nil {
		return nil, err
	}
	out := *pr
	out.SomaPred = make([][]float64, len(pr.SomaPred))
	for i, row := range pr.SomaPred {
		out.SomaPred[i], hat = hat[:len(row):len(row)], hat[len(row):]
	}
	return &out, nil
}

func newPredictions(sims []*data.Simulation, clip float64) *Predictions {
	n := len(sims)
	pr := &Predictions{SpikeTrue: make([][]float64, n), SpikeProb: make([][]float64, n),
		SomaTrue: make([][]float64, n), SomaPred: make([][]float64, n),
		OutputSpikes: make([]int, n)}
	for i, s := range sims {
		pr.SpikeTrue[i] = make([]float64, s.Duration)
		pr.SpikeProb[i] = make([]float64, s.Duration)
		pr.SomaTrue[i] = make([]float64, s.Duration)
		pr.SomaPred[i] = make([]float64, s.Duration)
		for _, t := range s.OutputSpikes {
			if pr.SpikeTrue[i][t] == 0 {
				pr.OutputSpikes[i]++ // spikes sharing a bin count once, as in the authors' code
			}
			pr.SpikeTrue[i][t] = 1
		}
		for t, v := range s.SomaMV {
			pr.SomaTrue[i][t] = float64(v)
			if !math.IsNaN(clip) && float64(v) > clip {
				pr.SomaTrue[i][t] = clip
			}
		}
	}
	return pr
}

// fillWindow predicts window k (starting at start) for sims, which are pr's simulations
// first..first+len(sims)-1, and copies the kept outputs into pr.
func (pr *Predictions) fillWindow(sims []*data.Simulation, first, start, k int,
	predict Predictor, p Protocol) error {
	w := p.Window
	b := paddedWindow(sims, start, w)
	spike, soma, err := predict(b)
	if err != nil {
		return fmt.Errorf("metrics: predicting window %d (ms %d-%d) of simulations %d-%d: %w",
			k, start, start+w, first, first+len(sims)-1, err)
	}
	if len(spike) != b.Size*w || len(soma) != b.Size*w {
		return fmt.Errorf("metrics: predictor returned %d spike and %d soma values, want %d "+
			"(batch %d × window %d)", len(spike), len(soma), b.Size*w, b.Size, w)
	}
	from := 0 // first kept output in the window
	if k > 0 {
		from = p.BurnIn
	}
	dur := sims[0].Duration
	for j := range sims {
		i := first + j
		for t := start + from; t < min(start+w, dur); t++ {
			sp, so := spike[j*w+t-start], soma[j*w+t-start]
			if isBad(sp) || isBad(so) {
				return fmt.Errorf("metrics: simulation %d at %d ms: prediction spike %v, soma %v",
					i, t, sp, so)
			}
			pr.SpikeProb[i][t] = float64(sp)
			pr.SomaPred[i][t] = float64(so)
		}
	}
	return nil
}

func isBad(v float32) bool {
	return math.IsNaN(float64(v)) || math.IsInf(float64(v), 0)
}

// paddedWindow cuts [start, start+steps) out of each simulation like data.WindowBatch, but
// pads with silence (and zero targets) past a simulation's end.
func paddedWindow(sims []*data.Simulation, start, steps int) *data.Batch {
	n := len(sims)
	b := &data.Batch{Size: n, Steps: steps, Channels: len(sims[0].InputSpikes),
		Events: &data.Events{}, Spike: make([]float32, n*steps), Soma: make([]float32, n*steps)}
	end := start + steps
	for k, s := range sims {
		for i, sp := range s.InputSpikes {
			v := s.Sign(i)
			for _, t := range sp {
				if int(t) >= start && int(t) < end {
					b.Events.Add(int(t)-start, k, i, v)
				}
			}
		}
		for _, t := range s.OutputSpikes {
			if int(t) >= start && int(t) < end {
				b.Spike[k*steps+int(t)-start] = 1
			}
		}
		if start < s.Duration {
			copy(b.Soma[k*steps:(k+1)*steps], s.SomaMV[start:min(end, s.Duration)])
		}
	}
	return b
}

// Result holds the NeuronIO metrics.
type Result struct {
	// AUC is the spike ROC AUC.
	AUC float64
	// FPRs are the protocol's false-positive rates; TPRAtFPR[i] and AUCAtFPR[i] are the
	// authors' "TP @ FPRs[i] FP" and "AUC @ FPRs[i] FP" (see ROC.TPRAt and ROC.AUCAt).
	FPRs, TPRAtFPR, AUCAtFPR []float64
	// SomaRMSE and SomaMAE are in mV; SomaExplainedVariance is a fraction (the authors
	// report it in percent).
	SomaRMSE, SomaMAE, SomaExplainedVariance float64
	// Simulations is the number of simulations scored, Dropped the number left out for
	// having too many output spikes.
	Simulations, Dropped int
}

// Map returns the result under the keys of the authors' eval_results.json.
func (r *Result) Map() map[string]float64 {
	m := map[string]float64{"AUC": r.AUC, "soma_RMSE": r.SomaRMSE, "soma_MAE": r.SomaMAE,
		"soma_explained_variance_percent": 100 * r.SomaExplainedVariance}
	for i, f := range r.FPRs {
		m[fmt.Sprintf("TP @ %.4f FP", f)] = r.TPRAtFPR[i]
		m[fmt.Sprintf("AUC @ %.4f FP", f)] = r.AUCAtFPR[i]
	}
	return m
}

// Score computes the metrics over all simulations of preds (e.g. one Predictions per test
// file), after dropping simulations and ignoring the start as the protocol says.
func Score(p Protocol, preds ...*Predictions) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	var spikeT, spikeP, somaT, somaP []float64
	var labels []bool
	res := &Result{FPRs: p.FPRs}
	for _, pr := range preds {
		for i := range pr.SpikeTrue {
			if p.MaxOutputSpikes >= 0 && pr.OutputSpikes[i] > p.MaxOutputSpikes {
				res.Dropped++
				continue
			}
			if p.IgnoreStart >= len(pr.SpikeTrue[i]) {
				return nil, fmt.Errorf("metrics: ignoring %d ms leaves nothing of a %d ms "+
					"simulation", p.IgnoreStart, len(pr.SpikeTrue[i]))
			}
			res.Simulations++
			spikeT = append(spikeT, pr.SpikeTrue[i][p.IgnoreStart:]...)
			spikeP = append(spikeP, pr.SpikeProb[i][p.IgnoreStart:]...)
			somaT = append(somaT, pr.SomaTrue[i][p.IgnoreStart:]...)
			somaP = append(somaP, pr.SomaPred[i][p.IgnoreStart:]...)
		}
	}
	if res.Simulations == 0 {
		return nil, fmt.Errorf("metrics: no simulation left to score (%d dropped)", res.Dropped)
	}
	labels = make([]bool, len(spikeT))
	for i, v := range spikeT {
		labels[i] = v > 0
	}
	roc, err := ROCCurve(spikeP, labels)
	if err != nil {
		return nil, err
	}
	res.AUC = roc.AUC()
	for _, f := range p.FPRs {
		res.TPRAtFPR = append(res.TPRAtFPR, roc.TPRAt(f))
		res.AUCAtFPR = append(res.AUCAtFPR, roc.AUCAt(f))
	}
	if res.SomaRMSE, err = RMSE(somaT, somaP); err != nil {
		return nil, err
	}
	if res.SomaMAE, err = MAE(somaT, somaP); err != nil {
		return nil, err
	}
	if res.SomaExplainedVariance, err = ExplainedVariance(somaT, somaP); err != nil {
		return nil, err
	}
	return res, nil
}

// Evaluate is Predict followed by Score.
func Evaluate(sims []*data.Simulation, predict Predictor, p Protocol) (*Result, error) {
	pr, err := Predict(sims, predict, p)
	if err != nil {
		return nil, err
	}
	return Score(p, pr)
}
