package sweep

import (
	"context"
	"strings"
	"testing"

	"github.com/elmneuron/elm/elmlib"
)

// testELMKind is registered without a validator, so its sweeps are checked by elmlib.
const testELMKind = "test-elm"

func init() {
	RegisterRunKind(testELMKind, func(ctx context.Context, run Run) (*Result, error) {
		return &Result{}, nil
	}, nil)
}

func elmBase(t *testing.T) []byte {
	t.Helper()
	base, err := BaseConfig(elmlib.NewSynapseTraceConfig(6, 1, 3), map[string]any{"seed": 0})
	if err != nil {
		t.Fatal(err)
	}
	return base
}

func TestElmlibConfigurationsFromAxes(t *testing.T) {
	s := Sweep{Name: "m", Kind: testELMKind, Base: elmBase(t), Axes: []Axis{
		{Name: "variant", Values: []any{"v1", "v2"}},
		{Name: "tau_max", Values: []any{25, 500}},
		{Name: "learn_tau", Values: []any{true}},
		{Name: "mlp_layers", Values: []any{0, 2}},
		{Name: "routing", Values: []any{"random"}},
		{Name: "seed", Values: []any{7}},
	}}
	runs, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		model := objectOf(r.Config)["model"]
		cfg, err := elmlib.UnmarshalConfig([]byte(jsonText(model)))
		if err != nil {
			t.Fatalf("run %s: %v", r.Name, err)
		}
		c := cfg.Shared()
		wantVariant := elmlib.SynapseTrace
		if strings.Contains(r.Name, "variant=v2") {
			wantVariant = elmlib.BranchTrace
		}
		if cfg.Variant() != wantVariant || cfg.TraceTau() != 5 || !c.LearnTauM ||
			c.TauMMax != r.Axes["tau_max"] || float64(c.MLPLayers) != r.Axes["mlp_layers"] ||
			c.Routing != elmlib.RoutingRandom || c.InitSeed != 7 || c.RoutingSeed != 7 {
			t.Errorf("run %s: config %+v (%s, trace τ %g)", r.Name, c, cfg.Variant(),
				cfg.TraceTau())
		}
	}
}

func TestElmlibValidationNamesRunAndField(t *testing.T) {
	cases := []struct {
		axis   string
		values []any
		want   string
	}{
		{"tau_max", []any{25, 0.5}, `run 1 (tau_max=0.5): invalid configuration: model: ` +
			`elmlib: config field TauMMin = 1: must be < TauMMax (0.5)`},
		{"tau_m", []any{2000}, `run 0 (tau_m=2000): invalid configuration: model: elmlib:` +
			` config field ConstantTauM = 2000`},
		{"routing", []any{"spiral"}, `run 0 (routing=spiral): invalid configuration:` +
			` model: elmlib: config field Routing = "spiral"`},
		{"d_m", []any{0}, `run 0 (d_m=0): invalid configuration: model: elmlib: config` +
			` field NumMemory = 0`},
	}
	for i, c := range cases {
		s := Sweep{Name: "bad", Kind: testELMKind, Base: elmBase(t),
			Axes: []Axis{{Name: c.axis, Values: c.values}}}
		_, err := s.Expand()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want %q", i, err, c.want)
		}
	}

	s := Sweep{Name: "nomodel", Kind: testELMKind, Base: []byte(`{"seed": 1}`)}
	if _, err := s.Expand(); err == nil || !strings.Contains(err.Error(),
		`run 0 (base): invalid configuration: run configuration has no "model" field`) {
		t.Errorf("no model: %v", err)
	}
}
