package elmlib

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sharedDir is ../shared seen from the repository root.
var sharedDir = filepath.Join("..", "..", "shared")

func TestNumParamsTable(t *testing.T) {
	// REFERENCE-NOTES section 11: 4502 + 95 d_m + 4 d_m², equal to the authors'
	// model_stats.json for every published model.
	want := map[int]int{1: 4601, 2: 4708, 3: 4823, 5: 5077, 7: 5363, 10: 5852, 15: 6827,
		20: 8002, 25: 9377, 30: 10952, 40: 14702, 50: 19252, 75: 34127, 100: 54002}
	for dm, n := range want {
		if got := NumParams(NeuronIOSynapseTraceConfig(dm)); got != n {
			t.Errorf("v1 NeuronIO d_m %d: NumParams = %d, want %d", dm, got, n)
		}
		if got := NumParams(NeuronIOBranchTraceConfig(dm)); got != n {
			t.Errorf("v2 NeuronIO d_m %d: NumParams = %d, want %d", dm, got, n)
		}
	}
	learn := NeuronIOSynapseTraceConfig(20)
	learn.LearnTauM = true
	if got := NumParams(learn); got != 8022 {
		t.Errorf("learnable tau d_m 20: NumParams = %d, want 8002 + 20", got)
	}
	// Section 11: ELM v1 without branches, 1278 synapses = 1278 branches.
	for dm, n := range map[int]int{100: 297380, 20: 54100} {
		if got := NumParams(NewSynapseTraceConfig(1278, 2, dm)); got != n {
			t.Errorf("no branches d_m %d: NumParams = %d, want %d", dm, got, n)
		}
	}
}

func TestDefaults(t *testing.T) {
	c := NeuronIOSynapseTraceConfig(20)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.TauS != 5 || c.TauMMin != 1 || c.TauMMax != 150 || c.Lambda != 5 || c.DeltaT != 1 ||
		c.WSInit != 0.5 || c.HiddenSize() != 40 || c.Activation != "relu" || c.MLPLayers != 1 ||
		c.LearnTauM {
		t.Errorf("NeuronIO defaults differ from the authors': %+v", c)
	}
	b := NewBranchTraceConfig(6, 2, 4)
	if b.TauB != 5 || b.TauMMax != 1000 || b.NumBranches() != 6 || b.NumSynapses() != 6 {
		t.Errorf("generic defaults differ from the authors': %+v", b)
	}
}

func TestConfigErrors(t *testing.T) {
	base := func() SynapseTraceConfig { return NewSynapseTraceConfig(6, 2, 4) }
	cases := []struct {
		edit        func(c *SynapseTraceConfig)
		field, text string
	}{
		0: {func(c *SynapseTraceConfig) { c.TauMMin = 150; c.TauMMax = 150 },
			"TauMMin", "TauMMin = 150: must be < TauMMax (150)"},
		1: {func(c *SynapseTraceConfig) { c.TauMMin = 2000 },
			"TauMMin", "TauMMin = 2000: must be < TauMMax (1000)"},
		2: {func(c *SynapseTraceConfig) { c.NumMemory = 0 },
			"NumMemory", "NumMemory = 0: must be >= 1"},
		3: {func(c *SynapseTraceConfig) { c.DeltaT = 0 }, "DeltaT", "DeltaT = 0"},
		4: {func(c *SynapseTraceConfig) { c.DeltaT = -1 }, "DeltaT", "DeltaT = -1"},
		5: {func(c *SynapseTraceConfig) { c.Activation = "tanh" },
			"Activation", `Activation = "tanh"`},
		6: {func(c *SynapseTraceConfig) { c.NumBranch = 3 },
			"NumBranch", "(3 × 1 = 3) must equal NumInput (6)"},
		7:  {func(c *SynapseTraceConfig) { c.Routing = "magic" }, "Routing", `Routing = "magic"`},
		8:  {func(c *SynapseTraceConfig) { c.TauS = 0 }, "TauS", "TauS = 0"},
		9:  {func(c *SynapseTraceConfig) { c.Lambda = -5 }, "Lambda", "Lambda = -5"},
		10: {func(c *SynapseTraceConfig) { c.NumInput = 0 }, "NumInput", "NumInput = 0"},
		11: {func(c *SynapseTraceConfig) { c.NumOutput = -1 }, "NumOutput", "NumOutput = -1"},
		12: {func(c *SynapseTraceConfig) { c.SynapsesPerBranch = 0 },
			"SynapsesPerBranch", "SynapsesPerBranch = 0"},
		13: {func(c *SynapseTraceConfig) { c.ConstantTauM = 1000 },
			"ConstantTauM", "ConstantTauM = 1000"},
		14: {func(c *SynapseTraceConfig) { c.MLPLayers = -1 }, "MLPLayers", "MLPLayers = -1"},
		15: {func(c *SynapseTraceConfig) { c.TauMMax = nanValue() }, "TauMMax", "TauMMax = NaN"},
		16: {func(c *SynapseTraceConfig) { c.MLPHidden = -2 }, "MLPHidden", "MLPHidden = -2"},
		17: {func(c *SynapseTraceConfig) { // windows of 2 with stride ceil(6/2) = 3
			c.Routing, c.NumBranch, c.SynapsesPerBranch = RoutingNeuronIO, 2, 2
		}, "SynapsesPerBranch", "windows do not cover the inputs"},
	}
	for i, tc := range cases {
		c := base()
		tc.edit(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("case %d: got %v, want a ConfigError", i, err)
			continue
		}
		if ce.Field != tc.field || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("case %d: got %q (field %s), want field %s and text %q",
				i, err, ce.Field, tc.field, tc.text)
		}
	}
	v2 := NewBranchTraceConfig(6, 2, 4)
	v2.TauB = -3
	if err := v2.Validate(); err == nil || !strings.Contains(err.Error(), "TauB = -3") {
		t.Errorf("v2 TauB -3: got %v", err)
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	for i, cfg := range []Config{NeuronIOSynapseTraceConfig(20), NeuronIOBranchTraceConfig(3)} {
		data, err := MarshalConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := UnmarshalConfig(data)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, data)
		}
		if !reflect.DeepEqual(back, cfg) {
			t.Errorf("case %d: round trip gave %+v, want %+v", i, back, cfg)
		}
	}
	bad := []byte(`{"variant":"elm_v1_synapse_trace","config":{"num_input":6,"bogus":1}}`)
	if _, err := UnmarshalConfig(bad); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown field: got %v", err)
	}
	bad = []byte(`{"variant":"elm_v3","config":{}}`)
	if _, err := UnmarshalConfig(bad); err == nil || !strings.Contains(err.Error(), "elm_v3") {
		t.Errorf("unknown variant: got %v", err)
	}
}

func TestReadAuthorsConfig(t *testing.T) {
	path := filepath.Join(sharedDir, "fixtures", "pretrained", "best_elm_neuron",
		"model_config.json")
	cfg, err := ReadAuthorsConfig(path, SynapseTrace)
	if err != nil {
		t.Fatal(err)
	}
	want := NeuronIOSynapseTraceConfig(100)
	want.Activation = ActivationSiLU
	want.MLPHidden = 0 // the authors' None: 2·d_m
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("best_elm_neuron config = %+v\nwant %+v", cfg, want)
	}
	if NumParams(cfg) != 54002 {
		t.Errorf("best_elm_neuron NumParams = %d, want 54002", NumParams(cfg))
	}
	_, err = ParseAuthorsConfig([]byte(`{"num_input": 6, "num_output": 2, "tau_b_value": 3,
		"dropout": 0.1}`), SynapseTrace)
	if err == nil || !strings.Contains(err.Error(), "dropout, tau_b_value") {
		t.Errorf("unknown options: got %v", err)
	}
	_, err = ParseAuthorsConfig([]byte(`{"num_output": 2}`), BranchTrace)
	if err == nil || !strings.Contains(err.Error(), "num_input") {
		t.Errorf("missing num_input: got %v", err)
	}
	_, err = ReadAuthorsConfig("no/such/model_config.json", SynapseTrace)
	if err == nil || !strings.Contains(err.Error(), "no/such/model_config.json") {
		t.Errorf("missing file: got %v", err)
	}
}
