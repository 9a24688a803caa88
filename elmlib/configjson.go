package elmlib

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// configEnvelope is the JSON form of a Config: the variant and its fields.
type configEnvelope struct {
	Variant Variant         `json:"variant"`
	Config  json.RawMessage `json:"config"`
}

// MarshalConfig encodes cfg as {"variant": ..., "config": {...}}, the form written into
// checkpoints. Every field is written.
func MarshalConfig(cfg Config) ([]byte, error) {
	body, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("elmlib: encoding config: %w", err)
	}
	return json.MarshalIndent(configEnvelope{Variant: cfg.Variant(), Config: body}, "", "  ")
}

// UnmarshalConfig decodes the output of MarshalConfig. Unknown fields, an unknown variant
// and an invalid configuration are errors.
func UnmarshalConfig(data []byte) (Config, error) {
	var env configEnvelope
	if err := strictDecode(data, &env); err != nil {
		return nil, fmt.Errorf("elmlib: decoding config: %w", err)
	}
	var cfg Config
	var err error
	switch env.Variant {
	case SynapseTrace:
		var c SynapseTraceConfig
		err = strictDecode(env.Config, &c)
		cfg = c
	case BranchTrace:
		var c BranchTraceConfig
		err = strictDecode(env.Config, &c)
		cfg = c
	default:
		return nil, fmt.Errorf("elmlib: decoding config: unknown variant %q (want %q or %q)",
			env.Variant, SynapseTrace, BranchTrace)
	}
	if err != nil {
		return nil, fmt.Errorf("elmlib: decoding %s config: %w", env.Variant, err)
	}
	return cfg, cfg.Validate()
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// authorsKeys lists the constructor arguments of the authors' classes that the JSON model
// configs may hold, besides the variant's trace time constant.
var authorsKeys = map[string]bool{
	"num_input": true, "num_output": true, "num_memory": true, "lambda_value": true,
	"mlp_num_layers": true, "mlp_hidden_size": true, "mlp_activation": true,
	"memory_tau_min": true, "memory_tau_max": true, "learn_memory_tau": true,
	"w_s_value": true, "num_branch": true, "num_synapse_per_branch": true,
	"input_to_synapse_routing": true, "delta_t": true,
}

// ParseAuthorsConfig reads a model configuration in the authors' JSON form (their
// constructor arguments, e.g. a pretrained model's model_config.json) for the given
// variant. Missing arguments take the authors' defaults; null means the default too.
// num_input and num_output are required. An option the variant does not have (e.g.
// tau_b_value for SynapseTrace) is an error naming it.
func ParseAuthorsConfig(data []byte, variant Variant) (Config, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("elmlib: authors' config: %w", err)
	}
	traceKeys := map[Variant]string{SynapseTrace: "tau_s_value", BranchTrace: "tau_b_value"}
	traceKey := traceKeys[variant]
	if traceKey == "" {
		return nil, fmt.Errorf("elmlib: authors' config: unknown variant %q", variant)
	}
	var unknown []string
	for k := range raw {
		if !authorsKeys[k] && k != traceKey {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("elmlib: authors' config has unknown option(s) %s for %s",
			strings.Join(unknown, ", "), variant)
	}
	for _, k := range []string{"num_input", "num_output"} {
		if isNull(raw[k]) {
			return nil, fmt.Errorf("elmlib: authors' config: missing required option %s", k)
		}
	}
	c := defaultCore(0, 0, 100)
	c.MLPHidden = 0
	c.NumBranch = 0
	traceTau := 5.0
	fields := map[string]any{
		"num_input": &c.NumInput, "num_output": &c.NumOutput, "num_memory": &c.NumMemory,
		"lambda_value": &c.Lambda, "mlp_num_layers": &c.MLPLayers,
		"mlp_hidden_size": &c.MLPHidden, "mlp_activation": &c.Activation,
		"memory_tau_min": &c.TauMMin, "memory_tau_max": &c.TauMMax,
		"learn_memory_tau": &c.LearnTauM, "w_s_value": &c.WSInit, "num_branch": &c.NumBranch,
		"num_synapse_per_branch": &c.SynapsesPerBranch, "delta_t": &c.DeltaT,
		"input_to_synapse_routing": &c.Routing, traceKey: &traceTau,
	}
	for k, dst := range fields {
		if isNull(raw[k]) {
			continue
		}
		if err := json.Unmarshal(raw[k], dst); err != nil {
			return nil, fmt.Errorf("elmlib: authors' config option %s: %w", k, err)
		}
	}
	if c.Routing == "" {
		c.Routing = RoutingNone
	}
	var cfg Config = SynapseTraceConfig{Core: c, TauS: traceTau}
	if variant == BranchTrace {
		cfg = BranchTraceConfig{Core: c, TauB: traceTau}
	}
	return cfg, cfg.Validate()
}

func isNull(m json.RawMessage) bool {
	return len(m) == 0 || string(bytes.TrimSpace(m)) == "null"
}

// ReadAuthorsConfig reads ParseAuthorsConfig's input from a file; errors name the file.
func ReadAuthorsConfig(path string, variant Variant) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("elmlib: reading authors' config: %w", err)
	}
	cfg, err := ParseAuthorsConfig(data, variant)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}
