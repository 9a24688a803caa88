package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/data/teacher"
	"github.com/elmneuron/elm/elmlib"
	"github.com/elmneuron/elm/elmlib/linear"
	"github.com/elmneuron/elm/elmlib/metrics"
)

// NeuronIO output scaling of the authors: channel 1 is (v + SomaOffsetMV)·SomaScale. The
// values are elmlib's, which the training loss applies.
const (
	SomaOffsetMV = elmlib.SomaOffsetMV
	SomaScale    = elmlib.SomaScale
)

// ModelPredictor adapts a NeuronIO model (spike logit in output 0, soma in training scale in
// output 1) to the metrics package: it returns the spike probability and the soma in mV.
func ModelPredictor(m *elmlib.Model) metrics.Predictor {
	return func(b *data.Batch) ([]float32, []float32, error) {
		p, err := m.Predict(b)
		if err != nil {
			return nil, nil, err
		}
		if n := p.Y.Shape[2]; n < 2 {
			return nil, nil, fmt.Errorf("experiment: model has %d outputs, NeuronIO needs 2", n)
		}
		spike := make([]float32, b.Size*b.Steps)
		soma := make([]float32, b.Size*b.Steps)
		for i := range spike {
			spike[i] = float32(1 / (1 + math.Exp(-float64(p.Y.Data[2*i]))))
			soma[i] = p.Y.Data[2*i+1]/SomaScale - SomaOffsetMV
		}
		return spike, soma, nil
	}
}

// LinearPredictor adapts the linear baseline to the metrics package.
func LinearPredictor(l *linear.Model) metrics.Predictor { return l.PredictBatch }

// Scores holds a model's metrics under the authors' protocol and the raw protocol.
type Scores struct {
	Authors, Raw *metrics.Result
}

// Evaluate scores a predictor on the test simulations with both protocols. The model runs
// once: the raw protocol scores its outputs as they are, the authors' protocol the same
// outputs after rescaling the soma prediction to the target's mean and std.
func Evaluate(p metrics.Predictor, test []*data.Simulation) (*Scores, error) {
	raw := metrics.RawProtocol()
	raw.BatchSize = 8
	preds, err := metrics.Predict(test, p, raw)
	if err != nil {
		return nil, fmt.Errorf("experiment: evaluating: %w", err)
	}
	s := &Scores{}
	if s.Raw, err = metrics.Score(raw, preds); err != nil {
		return nil, fmt.Errorf("experiment: raw protocol: %w", err)
	}
	rescaled, err := preds.RescaledSoma()
	if err != nil {
		return nil, fmt.Errorf("experiment: rescaling soma: %w", err)
	}
	if s.Authors, err = metrics.Score(metrics.AuthorsProtocol(), rescaled); err != nil {
		return nil, fmt.Errorf("experiment: authors' protocol: %w", err)
	}
	return s, nil
}

// LinearBaseline fits the linear baseline on d.Train (ridge chosen on d.Val), or reads it
// from cacheDir where an earlier call stored it for the same teacher data.
func LinearBaseline(d *Data, cacheDir string) (*linear.Model, error) {
	path := filepath.Join(cacheDir, "linear-"+teacher.CacheFileName(d.Teacher)+".json")
	if b, err := os.ReadFile(path); err == nil {
		m := &linear.Model{}
		if err := json.Unmarshal(b, m); err == nil && m.Channels > 0 {
			return m, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("experiment: linear baseline cache: %w", err)
	}
	m, err := linear.Fit(d.Train, d.Val, linear.DefaultConfig())
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("experiment: encoding linear baseline: %w", err)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	return m, writeAtomic(path, b)
}
