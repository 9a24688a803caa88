package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// CurvePoint is one point of a training curve.
type CurvePoint struct {
	// Step is the training step (0-based).
	Step int
	// Loss is the training loss at Step.
	Loss float64
	// Eval is the held-out metric at Step, NaN where it was not measured.
	Eval float64
}

// Result is the record of one finished run. A RunFunc fills Metrics, TauM, TauMInit, Curve
// and Params; the runner fills the identity, timing and error fields. Non-finite numbers
// (NaN, ±Inf) are stored and read back exactly.
type Result struct {
	// RunID, Name, Sweep, Kind, Axes and Config are copied from the Run.
	RunID  string
	Name   string
	Sweep  string
	Kind   string
	Axes   map[string]any
	Config json.RawMessage
	// Metrics are the held-out metrics by name, e.g. "spike_auc", "soma_rmse".
	Metrics map[string]float64
	// TauMInit and TauM are τ_m of every memory unit before and after training, ms: [d_m].
	TauMInit []float64
	TauM     []float64
	// Curve is the training curve.
	Curve []CurvePoint
	// Params is the number of trainable parameters.
	Params int
	// Started and WallSeconds are when the run started and how long it took.
	Started     time.Time
	WallSeconds float64
	// Host and Worker say where it ran ("local", "slurm job 12_3").
	Host   string
	Worker string
	// Error is the error text of a failed run, "" for a successful one.
	Error string
}

// Failed reports whether the run ended with an error.
func (r *Result) Failed() bool { return r.Error != "" }

// MarshalJSON encodes the result in the store's form: snake_case names, and NaN and ±Inf as
// the strings "NaN", "+Inf" and "-Inf".
func (r *Result) MarshalJSON() ([]byte, error) { return json.Marshal(toWire(r)) }

// UnmarshalJSON decodes the form MarshalJSON writes.
func (r *Result) UnmarshalJSON(data []byte) error {
	var w wireResult
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = *fromWire(w)
	return nil
}

// jfloat is a float64 whose JSON form keeps NaN and ±Inf as the strings "NaN", "+Inf" and
// "-Inf".
type jfloat float64

// MarshalJSON implements json.Marshaler.
func (f jfloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *jfloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = jfloat(math.NaN())
	case `"+Inf"`:
		*f = jfloat(math.Inf(1))
	case `"-Inf"`:
		*f = jfloat(math.Inf(-1))
	default:
		x, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("number %s: %w", b, err)
		}
		*f = jfloat(x)
	}
	return nil
}

// wireCurvePoint and wireResult are the stored JSON form of CurvePoint and Result.
type wireCurvePoint struct {
	Step int    `json:"step"`
	Loss jfloat `json:"loss"`
	Eval jfloat `json:"eval"`
}

type wireResult struct {
	RunID       string            `json:"run_id"`
	Name        string            `json:"name"`
	Sweep       string            `json:"sweep"`
	Kind        string            `json:"kind"`
	Axes        map[string]any    `json:"axes"`
	Config      json.RawMessage   `json:"config"`
	Metrics     map[string]jfloat `json:"metrics"`
	TauMInit    []jfloat          `json:"tau_m_init"`
	TauM        []jfloat          `json:"tau_m"`
	Curve       []wireCurvePoint  `json:"curve"`
	Params      int               `json:"params"`
	Started     time.Time         `json:"started"`
	WallSeconds jfloat            `json:"wall_seconds"`
	Host        string            `json:"host"`
	Worker      string            `json:"worker"`
	Error       string            `json:"error,omitempty"`
}

func toWire(r *Result) wireResult {
	w := wireResult{RunID: r.RunID, Name: r.Name, Sweep: r.Sweep, Kind: r.Kind, Axes: r.Axes,
		Config: r.Config, TauMInit: jfloats(r.TauMInit), TauM: jfloats(r.TauM),
		Params: r.Params, Started: r.Started, WallSeconds: jfloat(r.WallSeconds),
		Host: r.Host, Worker: r.Worker, Error: r.Error}
	if r.Metrics != nil {
		w.Metrics = make(map[string]jfloat, len(r.Metrics))
		for k, v := range r.Metrics {
			w.Metrics[k] = jfloat(v)
		}
	}
	for _, p := range r.Curve {
		w.Curve = append(w.Curve, wireCurvePoint{p.Step, jfloat(p.Loss), jfloat(p.Eval)})
	}
	return w
}

func fromWire(w wireResult) *Result {
	r := &Result{RunID: w.RunID, Name: w.Name, Sweep: w.Sweep, Kind: w.Kind, Axes: w.Axes,
		Config: w.Config, TauMInit: floats(w.TauMInit), TauM: floats(w.TauM),
		Params: w.Params, Started: w.Started, WallSeconds: float64(w.WallSeconds),
		Host: w.Host, Worker: w.Worker, Error: w.Error}
	if w.Metrics != nil {
		r.Metrics = make(map[string]float64, len(w.Metrics))
		for k, v := range w.Metrics {
			r.Metrics[k] = float64(v)
		}
	}
	for _, p := range w.Curve {
		r.Curve = append(r.Curve, CurvePoint{p.Step, float64(p.Loss), float64(p.Eval)})
	}
	return r
}

func jfloats(xs []float64) []jfloat {
	if xs == nil {
		return nil
	}
	out := make([]jfloat, len(xs))
	for i, x := range xs {
		out[i] = jfloat(x)
	}
	return out
}

func floats(xs []jfloat) []float64 {
	if xs == nil {
		return nil
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}
