package experiment

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/elmneuron/elm/elmlib"
)

// InspectOptions says which trained model to look inside: a checkpoint of ours when one
// is there and trained long enough, otherwise an authors' published model.
type InspectOptions struct {
	// CheckpointDir is the run to prefer (e.g. the quickstart's); "" skips it.
	CheckpointDir string
	// MinSteps is the training step the checkpoint must have reached (from its history) to
	// be used; 0 accepts any checkpoint.
	MinSteps int
	// PyTorchPath is the authors' published model to fall back to (a
	// neuronio_best_model_state.pt beside its model_config.json).
	PyTorchPath string
}

// Inspected is the model chosen by LoadInspectModel and why.
type Inspected struct {
	Model *elmlib.Model
	// Published is true when the model is the authors' (imported from PyTorchPath).
	Published bool
	// Path is the checkpoint directory or the .pt file the model came from.
	Path string
	// Steps is the checkpoint's training step (0 for a published model).
	Steps int
	// Reason says in one sentence why this model was chosen.
	Reason string
}

// LoadInspectModel loads the checkpoint in o.CheckpointDir when it exists and reached
// o.MinSteps, and otherwise imports the authors' model at o.PyTorchPath. A checkpoint that
// exists but fails to load is an error, not a reason to fall back.
func LoadInspectModel(o InspectOptions) (*Inspected, error) {
	why := "no checkpoint directory given"
	if o.CheckpointDir != "" {
		cfg := filepath.Join(o.CheckpointDir, elmlib.ConfigFileName)
		_, err := os.Stat(cfg)
		switch {
		case errors.Is(err, os.ErrNotExist):
			why = fmt.Sprintf("no checkpoint in %s", shortPath(o.CheckpointDir))
		case err != nil:
			return nil, fmt.Errorf("experiment: %w", err)
		default:
			steps := 0
			if h, err := ReadHistory(o.CheckpointDir); err == nil && len(h.Steps) > 0 {
				steps = h.Steps[len(h.Steps)-1]
			} else if err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
			if steps >= o.MinSteps {
				m, err := elmlib.Load(o.CheckpointDir)
				if err != nil {
					return nil, err
				}
				return &Inspected{Model: m, Path: o.CheckpointDir, Steps: steps,
					Reason: fmt.Sprintf("the checkpoint in %s, trained %d steps",
						shortPath(o.CheckpointDir), steps)}, nil
			}
			why = fmt.Sprintf("the checkpoint in %s has %d training steps, fewer than %d",
				shortPath(o.CheckpointDir), steps, o.MinSteps)
		}
	}
	if o.PyTorchPath == "" {
		return nil, fmt.Errorf("experiment: %s and no published model path to fall back to",
			why)
	}
	m, err := elmlib.ImportPyTorch(o.PyTorchPath)
	if err != nil {
		return nil, err
	}
	return &Inspected{Model: m, Published: true, Path: o.PyTorchPath,
		Reason: fmt.Sprintf("%s: using the authors' published model %s", why,
			filepath.Base(filepath.Dir(o.PyTorchPath)))}, nil
}

// shortPath is the last two elements of a path, e.g. runs/quickstart-dm20, for messages
// that end up in saved notebooks.
func shortPath(p string) string {
	dir, base := filepath.Split(filepath.Clean(p))
	return filepath.Join(filepath.Base(dir), base)
}

// Timescales are a model's memory timescales before and after training, in ms.
type Timescales struct {
	// Initial is τ_m as the configuration initialises it (log-spaced from τ_min to τ_max,
	// or ConstantTauM), [memory].
	Initial []float64
	// Trained is the model's current τ_m, [memory].
	Trained []float64
	// Learnable says whether training could change τ_m; when false the two coincide.
	Learnable bool
	// MaxLogChange is max_u |ln(Trained_u/Initial_u)|: 0.69 means some unit's τ_m halved
	// or doubled.
	MaxLogChange float64
}

// TauBeforeAfter returns m's τ_m at initialisation (elmlib.InitialProtoTauM, mapped through
// τ_min + (τ_max-τ_min)·sigmoid) and now.
func TauBeforeAfter(m *elmlib.Model) (*Timescales, error) {
	core := m.Config().Shared()
	trained, err := m.TauM()
	if err != nil {
		return nil, err
	}
	proto := elmlib.InitialProtoTauM(core.TauMMin, core.TauMMax, core.NumMemory,
		core.ConstantTauM)
	ts := &Timescales{Learnable: core.LearnTauM}
	for u, p := range proto {
		tau := core.TauMMin + (core.TauMMax-core.TauMMin)/(1+math.Exp(-float64(p)))
		ts.Initial = append(ts.Initial, tau)
		ts.Trained = append(ts.Trained, float64(trained[u]))
		ts.MaxLogChange = math.Max(ts.MaxLogChange,
			math.Abs(math.Log(float64(trained[u])/tau)))
	}
	return ts, nil
}
