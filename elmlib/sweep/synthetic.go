package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// SyntheticKind is the name under which SyntheticRun is registered.
const SyntheticKind = "synthetic"

func init() {
	RegisterRunKind(SyntheticKind, SyntheticRun, validateSynthetic)
}

// syntheticConfig holds the fields SyntheticRun reads; other fields are ignored.
type syntheticConfig struct {
	SleepMS float64 `json:"sleep_ms"`
	Fail    string  `json:"fail"`
	// FailSeeds lists seeds for which the run fails, so one sweep can mix outcomes.
	FailSeeds []int `json:"fail_seeds"`
	Seed      int   `json:"seed"`
	Model     struct {
		Config struct {
			TauMin *float64 `json:"memory_tau_min"`
			TauMax *float64 `json:"memory_tau_max"`
			DM     *int     `json:"num_memory"`
		} `json:"config"`
	} `json:"model"`
}

// SyntheticRun is a cheap deterministic run kind for exercising sweeps, stores and Slurm
// without training anything. Its metrics are made up: do not read them as results.
//
// It reads from the configuration: sleep_ms (wait this long, honouring cancellation), fail
// (if non-empty, fail with this text), fail_seeds (fail if seed is listed), seed,
// model.config.memory_tau_min/max (default 1 and 150 ms) and model.config.num_memory (d_m,
// default 4). It returns
//
//	score = 1 - 0.5·exp(-τ_max/25) + 0.01·u,   loss = 1 - score,
//
// where u in [0, 1) is taken from the SHA-256 of the configuration (so seeds differ), τ_m
// log-spaced over [τ_min, τ_max] (TauMInit = TauM), a 5-point curve whose loss falls to
// the final loss, and Params = 10·d_m.
func SyntheticRun(ctx context.Context, run Run) (*Result, error) {
	var c syntheticConfig
	if err := json.Unmarshal(run.Config, &c); err != nil {
		return nil, fmt.Errorf("synthetic run: %w", err)
	}
	if c.SleepMS > 0 {
		t := time.NewTimer(time.Duration(c.SleepMS * float64(time.Millisecond)))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	if c.Fail != "" {
		return nil, errors.New(c.Fail)
	}
	if slices.Contains(c.FailSeeds, c.Seed) {
		return nil, fmt.Errorf("synthetic run: seed %d is in fail_seeds", c.Seed)
	}

	lo, hi, dm := 1.0, 150.0, 4
	if c.Model.Config.TauMin != nil {
		lo = *c.Model.Config.TauMin
	}
	if c.Model.Config.TauMax != nil {
		hi = *c.Model.Config.TauMax
	}
	if c.Model.Config.DM != nil {
		dm = *c.Model.Config.DM
	}
	sum := sha256.Sum256(run.Config)
	u := float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
	score := 1 - 0.5*math.Exp(-hi/25) + 0.01*u
	res := &Result{
		Metrics: map[string]float64{"score": score, "loss": 1 - score},
		Params:  10 * dm,
	}
	for i := 0; i < dm; i++ {
		f := 0.0
		if dm > 1 {
			f = float64(i) / float64(dm-1)
		}
		res.TauM = append(res.TauM, math.Exp(math.Log(lo)+f*(math.Log(hi)-math.Log(lo))))
	}
	res.TauMInit = append([]float64(nil), res.TauM...)
	for s := 0; s < 5; s++ {
		loss := (1 - score) * (1 + float64(4-s)) // 5×, 4×, …, 1× the final loss
		res.Curve = append(res.Curve, CurvePoint{Step: 10 * s, Loss: loss, Eval: math.NaN()})
	}
	res.Curve[4].Eval = score
	return res, nil
}

// validateSynthetic checks the fields SyntheticRun reads.
func validateSynthetic(cfgJSON []byte) error {
	var c syntheticConfig
	if err := json.Unmarshal(cfgJSON, &c); err != nil {
		return err
	}
	m := c.Model.Config
	if m.TauMin != nil && m.TauMax != nil && *m.TauMin >= *m.TauMax {
		return fmt.Errorf("model.config.memory_tau_min %g >= model.config.memory_tau_max %g",
			*m.TauMin, *m.TauMax)
	}
	if m.DM != nil && *m.DM < 1 {
		return fmt.Errorf("model.config.num_memory %d < 1", *m.DM)
	}
	return nil
}
