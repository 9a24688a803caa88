package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// testBase is a small base configuration in the layout the axis table expects.
const testBase = `{"model": {"variant": "elm_v1_synapse_trace",
	"config": {"memory_tau_min": 1, "memory_tau_max": 150, "num_memory": 4}}, "seed": 0}`

func TestExpandProductOrderAndNames(t *testing.T) {
	s := Sweep{Name: "t", Kind: SyntheticKind, Base: json.RawMessage(testBase),
		Axes: []Axis{
			{Name: "tau_max", Values: []any{2, 25, 500}},
			{Name: "learn_tau", Values: []any{false, true}},
			{Name: "variant", Values: []any{"v1", "v2"}},
		}}
	runs, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 12 {
		t.Fatalf("got %d runs, want 3·2·2 = 12", len(runs))
	}
	// The last axis varies fastest.
	wantNames := []string{
		"tau_max=2,learn_tau=false,variant=v1", "tau_max=2,learn_tau=false,variant=v2",
		"tau_max=2,learn_tau=true,variant=v1",
	}
	for i, w := range wantNames {
		if runs[i].Name != w || runs[i].Index != i {
			t.Errorf("run %d: name %q index %d, want %q", i, runs[i].Name, runs[i].Index, w)
		}
	}
	last := runs[11]
	wantCfg := `{"model":{"config":{"learn_memory_tau":true,"memory_tau_max":500,` +
		`"memory_tau_min":1,"num_memory":4},"variant":"branch_elm_v2_branch_trace"},"seed":0}`
	if string(last.Config) != wantCfg {
		t.Errorf("run 11 config\n got %s\nwant %s", last.Config, wantCfg)
	}
	// The ID is SHA-256 over "kind\nconfig", first 16 hex digits.
	sum := sha256.Sum256([]byte("synthetic\n" + wantCfg))
	if want := hex.EncodeToString(sum[:])[:16]; last.ID != want {
		t.Errorf("run 11 ID %s, want %s", last.ID, want)
	}
	if last.Axes["tau_max"] != 500.0 || last.Axes["learn_tau"] != true {
		t.Errorf("run 11 axes %v", last.Axes)
	}

	// Expanding again, from a differently formatted base with numbers spelled differently,
	// gives the same IDs.
	s.Base = json.RawMessage(strings.ReplaceAll(strings.ReplaceAll(testBase, " ", "\n "),
		"150", "1.5e2"))
	s.Axes[0].Values = []any{json.Number("2.0"), 25.0, json.Number("5e2")}
	again, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if again[i].ID != runs[i].ID {
			t.Fatalf("run %d: ID %s then %s", i, runs[i].ID, again[i].ID)
		}
	}
}

func TestExpandAxisFields(t *testing.T) {
	cases := []struct {
		axis  string
		value any
		want  string // substring of the canonical configuration
	}{
		{"tau_max", 25, `"memory_tau_max":25`},
		{"learn_tau", true, `"learn_memory_tau":true`},
		{"tau_m", 10, `"constant_tau_m":10`},
		{"d_m", 20, `"num_memory":20`},
		{"mlp_hidden", 40, `"mlp_hidden_size":40`},
		{"mlp_layers", 0, `"mlp_num_layers":0`},
		{"lambda", 5, `"lambda_value":5`},
		{"variant", "v2", `"variant":"branch_elm_v2_branch_trace"`},
		{"routing", "neuronio", `"input_to_synapse_routing":"neuronio_routing"`},
		{"routing", "random", `"input_to_synapse_routing":"random_routing"`},
		{"variant", "v1", `"variant":"elm_v1_synapse_trace"`},
		{"seed", 12345678901234567, `"init_seed":12345678901234567,` +
			`"memory_tau_max":150,"memory_tau_min":1,"num_memory":4,` +
			`"routing_seed":12345678901234567},"variant":"elm_v1_synapse_trace"},` +
			`"seed":12345678901234567}`},
	}
	for i, c := range cases {
		s := Sweep{Name: "f", Kind: SyntheticKind, Base: json.RawMessage(testBase),
			Axes: []Axis{{Name: c.axis, Values: []any{c.value}}}}
		runs, err := s.Expand()
		if err != nil {
			t.Errorf("case %d (%s): %v", i, c.axis, err)
			continue
		}
		if !strings.Contains(string(runs[0].Config), c.want) {
			t.Errorf("case %d (%s): config %s lacks %s", i, c.axis, runs[0].Config, c.want)
		}
	}
	tested := map[string]bool{}
	for _, c := range cases {
		tested[c.axis] = true
	}
	if len(AxisNames()) != len(tested) {
		t.Errorf("%d axes, %d tested", len(AxisNames()), len(tested))
	}
}

func TestExpandErrors(t *testing.T) {
	cases := []struct {
		kind string
		base string
		axes []Axis
		want string
	}{
		{SyntheticKind, testBase, []Axis{{Name: "tau_maxx", Values: []any{1}}},
			`sweep "e": unknown axis "tau_maxx" (known axes: d_m, lambda,`},
		{SyntheticKind, testBase, []Axis{{Name: "seed", Values: nil}},
			`sweep "e": axis seed has no values`},
		{SyntheticKind, testBase, []Axis{{Name: "seed", Values: []any{1, 2, 1}}},
			`sweep "e": axis seed: value 1 appears twice`},
		{SyntheticKind, testBase, []Axis{{Name: "seed", Values: []any{1}},
			{Name: "seed", Values: []any{2}}}, `axis seed appears twice`},
		{SyntheticKind, testBase, []Axis{{Name: "learn_tau", Values: []any{1}}},
			`axis learn_tau: value 1 is not true or false`},
		{SyntheticKind, testBase, []Axis{{Name: "tau_max", Values: []any{50, -2}}},
			`axis tau_max: value -2 is not a number > 0`},
		{SyntheticKind, testBase, []Axis{{Name: "tau_max", Values: []any{math.NaN()}}},
			`sweep "e": axis tau_max: value NaN: json: unsupported value: NaN`},
		{SyntheticKind, testBase, []Axis{{Name: "d_m", Values: []any{2.5}}},
			`axis d_m: value 2.5 is not an integer >= 0`},
		{SyntheticKind, testBase, []Axis{{Name: "variant", Values: []any{""}}},
			`axis variant: value "" is not a non-empty string`},
		{SyntheticKind, testBase, []Axis{{Name: "tau_max", Values: []any{25, 0.5}}},
			`sweep "e": run 1 (tau_max=0.5): invalid configuration: ` +
				`model.config.memory_tau_min 1 >= model.config.memory_tau_max 0.5`},
		{SyntheticKind, `{"model": {"config": 3}}`, []Axis{{Name: "d_m", Values: []any{4}}},
			`run 0 (d_m=4): axis d_m: cannot set model.config.num_memory: model.config in` +
				` the base configuration is 3, not an object`},
		{SyntheticKind, `[1, 2]`, nil, `base configuration: is [1,2], want a JSON object`},
		{SyntheticKind, ``, nil, `base configuration: empty; want a JSON object`},
		{"", testBase, nil, `sweep "e": no run kind (registered kinds:`},
	}
	for i, c := range cases {
		s := Sweep{Name: "e", Kind: c.kind, Base: json.RawMessage(c.base), Axes: c.axes}
		_, err := s.Expand()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want it to contain %q", i, err, c.want)
		}
	}
}

func TestExpandDuplicateConfigurations(t *testing.T) {
	// "v1" and the variant's full name are the same configuration.
	s := Sweep{Name: "d", Kind: SyntheticKind, Base: json.RawMessage(testBase),
		Axes: []Axis{{Name: "variant", Values: []any{"v1", "elm_v1_synapse_trace"}}}}
	_, err := s.Expand()
	want := `runs variant=v1 and variant=elm_v1_synapse_trace resolve to the same` +
		` configuration`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
}

func TestExpandCustomValidate(t *testing.T) {
	s := Sweep{Name: "v", Kind: SyntheticKind, Base: json.RawMessage(testBase),
		Axes: []Axis{{Name: "routing", Values: []any{"neuronio", "spiral"}}},
		Validate: func(cfg []byte) error {
			var c struct {
				Model struct {
					Config struct {
						Routing string `json:"input_to_synapse_routing"`
					} `json:"config"`
				} `json:"model"`
			}
			_ = json.Unmarshal(cfg, &c)
			if r := c.Model.Config.Routing; r == "spiral" {
				return errorString("model.routing: unknown routing \"" + r + "\"")
			}
			return nil
		}}
	_, err := s.Expand()
	want := `run 1 (routing=spiral): invalid configuration: model.routing: unknown routing`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestParseSweep(t *testing.T) {
	s, err := ParseSweep([]byte(`{"name": "p", "kind": "synthetic", "base": {"seed": 3},
		"axes": [{"name": "tau_max", "values": [2, 5.5]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"model":{"config":{"memory_tau_max":5.5}},"seed":3}`
	if len(runs) != 2 || string(runs[1].Config) != want {
		t.Fatalf("runs %v, want the second config %s", runs, want)
	}
	_, err = ParseSweep([]byte(`{"name": "p", "kind": "synthetic", "axis": []}`))
	if err == nil || !strings.Contains(err.Error(), `unknown field "axis"`) {
		t.Fatalf("error %v, want it to name the unknown field", err)
	}
}
