package elmlib

import (
	"fmt"
	"math"
)

// Variant names which ELM cell a configuration describes.
type Variant string

const (
	// SynapseTrace is ELM v1: one trace per synapse, s_t = κ_s s_{t-1} + w_s ⊙ x_t, and
	// memory gain λ(1-κ_m). All of the authors' published NeuronIO models are this variant;
	// the paper calls it "Branch-ELM" when it has branches.
	SynapseTrace Variant = "elm_v1_synapse_trace"
	// BranchTrace is Branch-ELM v2, the authors' later implementation: one trace per branch,
	// b_t = κ_b b_{t-1} + Σ_branch w_s ⊙ x_t, and memory gain 1-κ_λ with κ_λ = exp(-Δt·λ/τ_m).
	BranchTrace Variant = "branch_elm_v2_branch_trace"
)

// Routing names how inputs are wired to synapses.
type Routing string

const (
	// RoutingNone wires synapse j to input j; it needs NumBranch·SynapsesPerBranch = NumInput.
	RoutingNone Routing = "none"
	// RoutingRandom wires each synapse to an input drawn uniformly (seeded by RoutingSeed);
	// duplicates are possible.
	RoutingRandom Routing = "random_routing"
	// RoutingNeuronIO interleaves the excitatory first half and inhibitory second half of
	// the inputs and gives branch b the window of SynapsesPerBranch positions starting at
	// b·ceil(NumInput/NumBranch); positions past the end are masked.
	RoutingNeuronIO Routing = "neuronio_routing"
)

// Activation names of the memory MLP.
const (
	ActivationReLU = "relu"
	ActivationSiLU = "silu"
)

// Core holds the options shared by both variants. Times are in ms. JSON names follow the
// authors' constructor arguments where one exists.
type Core struct {
	// NumInput is the input width n_in: x is [batch, time, NumInput].
	NumInput int `json:"num_input"`
	// NumOutput is the readout width: y is [batch, time, NumOutput].
	NumOutput int `json:"num_output"`
	// NumMemory is d_m, the number of memory units.
	NumMemory int `json:"num_memory"`
	// NumBranch is the number of dendritic branches; 0 means NumInput (the authors' None).
	NumBranch int `json:"num_branch"`
	// SynapsesPerBranch is the number of synapses of each branch (default 1).
	SynapsesPerBranch int `json:"num_synapse_per_branch"`
	// Routing wires inputs to synapses (default RoutingNone).
	Routing Routing `json:"input_to_synapse_routing"`
	// RoutingSeed seeds RoutingRandom.
	RoutingSeed uint64 `json:"routing_seed"`
	// MLPLayers is the number of hidden layers of the memory MLP (default 1).
	MLPLayers int `json:"mlp_num_layers"`
	// MLPHidden is the hidden width; 0 means 2·NumMemory (the default).
	MLPHidden int `json:"mlp_hidden_size"`
	// Activation is ActivationReLU (default) or ActivationSiLU.
	Activation string `json:"mlp_activation"`
	// Lambda is λ, the memory gain factor (default 5).
	Lambda float64 `json:"lambda_value"`
	// TauMMin and TauMMax bound the memory timescales τ_m in ms (defaults 1 and 1000;
	// 1 and 150 in the NeuronIO constructors).
	TauMMin float64 `json:"memory_tau_min"`
	TauMMax float64 `json:"memory_tau_max"`
	// LearnTauM makes τ_m trainable (default false).
	LearnTauM bool `json:"learn_memory_tau"`
	// ConstantTauM, when > 0, initialises every unit with this τ_m (ms) instead of the
	// log-spaced range. It must lie strictly inside (TauMMin, TauMMax).
	ConstantTauM float64 `json:"constant_tau_m"`
	// WSInit is the initial synaptic weight w_s (default 0.5).
	WSInit float64 `json:"w_s_value"`
	// DeltaT is Δt, the time step in ms (default 1).
	DeltaT float64 `json:"delta_t"`
	// InitSeed seeds the initialisation of the linear layers.
	InitSeed uint64 `json:"init_seed"`
}

// SynapseTraceConfig configures ELM v1 (see SynapseTrace): per-synapse traces with
// time constant TauS.
type SynapseTraceConfig struct {
	Core
	// TauS is τ_s, the synapse-trace time constant in ms (default 5), never trained.
	TauS float64 `json:"tau_s_value"`
}

// BranchTraceConfig configures Branch-ELM v2 (see BranchTrace): per-branch traces with
// time constant TauB.
type BranchTraceConfig struct {
	Core
	// TauB is τ_b, the branch-trace time constant in ms (default 5), never trained.
	TauB float64 `json:"tau_b_value"`
}

// Config is implemented by SynapseTraceConfig and BranchTraceConfig only.
type Config interface {
	// Variant says which cell the configuration describes.
	Variant() Variant
	// Shared returns the options common to both variants.
	Shared() Core
	// TraceTau returns τ_s (v1) or τ_b (v2) in ms.
	TraceTau() float64
	// Validate reports the first invalid field, naming it and its value.
	Validate() error
}

// Variant returns SynapseTrace.
func (c SynapseTraceConfig) Variant() Variant { return SynapseTrace }

// Shared returns the options common to both variants.
func (c SynapseTraceConfig) Shared() Core { return c.Core }

// TraceTau returns TauS.
func (c SynapseTraceConfig) TraceTau() float64 { return c.TauS }

// Validate reports the first invalid field, naming it and its value.
func (c SynapseTraceConfig) Validate() error { return validate(c) }

// Variant returns BranchTrace.
func (c BranchTraceConfig) Variant() Variant { return BranchTrace }

// Shared returns the options common to both variants.
func (c BranchTraceConfig) Shared() Core { return c.Core }

// TraceTau returns TauB.
func (c BranchTraceConfig) TraceTau() float64 { return c.TauB }

// Validate reports the first invalid field, naming it and its value.
func (c BranchTraceConfig) Validate() error { return validate(c) }

// defaultCore returns the authors' constructor defaults for the given sizes.
func defaultCore(numInput, numOutput, numMemory int) Core {
	return Core{
		NumInput:          numInput,
		NumOutput:         numOutput,
		NumMemory:         numMemory,
		NumBranch:         numInput,
		SynapsesPerBranch: 1,
		Routing:           RoutingNone,
		MLPLayers:         1,
		MLPHidden:         2 * numMemory,
		Activation:        ActivationReLU,
		Lambda:            5,
		TauMMin:           1,
		TauMMax:           1000,
		WSInit:            0.5,
		DeltaT:            1,
	}
}

// NewSynapseTraceConfig returns an ELM v1 configuration with the authors' defaults: one
// synapse per input and per branch, no routing, hidden width 2·d_m, relu, τ_s = 5 ms,
// τ_m in [1, 1000] ms, λ = 5, Δt = 1 ms, w_s = 0.5, τ_m fixed.
func NewSynapseTraceConfig(numInput, numOutput, numMemory int) SynapseTraceConfig {
	return SynapseTraceConfig{Core: defaultCore(numInput, numOutput, numMemory), TauS: 5}
}

// NewBranchTraceConfig returns a Branch-ELM v2 configuration with the same defaults as
// NewSynapseTraceConfig and τ_b = 5 ms.
func NewBranchTraceConfig(numInput, numOutput, numMemory int) BranchTraceConfig {
	return BranchTraceConfig{Core: defaultCore(numInput, numOutput, numMemory), TauB: 5}
}

// NeuronIO sizes: 1278 inputs (639 excitatory, then 639 inhibitory), 45 branches of 100
// synapses, 2 outputs (spike logit, soma).
const (
	NeuronIOInputs            = 1278
	NeuronIOBranches          = 45
	NeuronIOSynapsesPerBranch = 100
	NeuronIOOutputs           = 2
)

func neuronIOCore(numMemory int) Core {
	c := defaultCore(NeuronIOInputs, NeuronIOOutputs, numMemory)
	c.NumBranch = NeuronIOBranches
	c.SynapsesPerBranch = NeuronIOSynapsesPerBranch
	c.Routing = RoutingNeuronIO
	c.TauMMax = 150
	return c
}

// NeuronIOSynapseTraceConfig returns the configuration of the authors' published NeuronIO
// models (ELM v1, 1278 inputs, 45 × 100 synapses with NeuronIO routing, τ_m in [1, 150] ms,
// 2 outputs) with numMemory memory units.
func NeuronIOSynapseTraceConfig(numMemory int) SynapseTraceConfig {
	return SynapseTraceConfig{Core: neuronIOCore(numMemory), TauS: 5}
}

// NeuronIOBranchTraceConfig is NeuronIOSynapseTraceConfig for Branch-ELM v2.
func NeuronIOBranchTraceConfig(numMemory int) BranchTraceConfig {
	return BranchTraceConfig{Core: neuronIOCore(numMemory), TauB: 5}
}

// NumBranches returns the number of branches, resolving 0 to NumInput.
func (c Core) NumBranches() int {
	if c.NumBranch == 0 {
		return c.NumInput
	}
	return c.NumBranch
}

// NumSynapses returns NumBranches()·SynapsesPerBranch.
func (c Core) NumSynapses() int { return c.NumBranches() * c.SynapsesPerBranch }

// HiddenSize returns the MLP hidden width, resolving 0 to 2·NumMemory.
func (c Core) HiddenSize() int {
	if c.MLPHidden == 0 {
		return 2 * c.NumMemory
	}
	return c.MLPHidden
}

// NumParams returns the number of trainable parameters of a model with this
// configuration: w_s, τ_m when learnable, the MLP and the readout. Trace time constants
// and routing are not trained. The NeuronIO configuration with d_m = 20 has 8002.
func NumParams(cfg Config) int {
	c := cfg.Shared()
	nb, dm, h := c.NumBranches(), c.NumMemory, c.HiddenSize()
	n := c.NumSynapses()
	if c.LearnTauM {
		n += dm
	}
	width := nb + dm
	for range c.MLPLayers {
		n += width*h + h
		width = h
	}
	n += width*dm + dm
	n += dm*c.NumOutput + c.NumOutput
	return n
}

// ConfigError reports an invalid configuration field.
type ConfigError struct {
	Field  string // Go field name, e.g. "TauMMin"
	Value  any    // the offending value
	Reason string // what is wrong
}

// Error returns e.g. `elmlib: config field TauMMin = 150: must be < TauMMax (100)`.
func (e *ConfigError) Error() string {
	return fmt.Sprintf("elmlib: config field %s = %v: %s", e.Field, e.Value, e.Reason)
}

func fieldErr(field string, value any, format string, args ...any) error {
	return &ConfigError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validate is the one place where configurations are checked.
func validate(cfg Config) error {
	c := cfg.Shared()
	v := cfg.Variant()
	if v != SynapseTrace && v != BranchTrace {
		return fieldErr("Variant", v, "unknown variant")
	}
	ints := []struct {
		name     string
		value, m int
	}{
		{"NumInput", c.NumInput, 1}, {"NumOutput", c.NumOutput, 1},
		{"NumMemory", c.NumMemory, 1}, {"NumBranch", c.NumBranch, 0},
		{"SynapsesPerBranch", c.SynapsesPerBranch, 1}, {"MLPLayers", c.MLPLayers, 0},
		{"MLPHidden", c.MLPHidden, 0},
	}
	for _, f := range ints {
		if f.value < f.m {
			return fieldErr(f.name, f.value, "must be >= %d", f.m)
		}
	}
	if err := validateRouting(c); err != nil {
		return err
	}
	if c.Activation != ActivationReLU && c.Activation != ActivationSiLU {
		return fieldErr("Activation", fmt.Sprintf("%q", c.Activation),
			"must be %q or %q", ActivationReLU, ActivationSiLU)
	}
	return validateTimes(cfg)
}

func validateRouting(c Core) error {
	nIn, nb, spb := c.NumInput, c.NumBranches(), c.SynapsesPerBranch
	switch c.Routing {
	case RoutingNone:
		if nb*spb != nIn {
			return fieldErr("NumBranch", nb, "without routing NumBranch × SynapsesPerBranch "+
				"(%d × %d = %d) must equal NumInput (%d)", nb, spb, nb*spb, nIn)
		}
	case RoutingRandom:
	case RoutingNeuronIO:
		if stride := (nIn + nb - 1) / nb; stride > spb {
			return fieldErr("SynapsesPerBranch", spb, "NeuronIO windows do not cover the "+
				"inputs: the stride ceil(NumInput/NumBranch) = ceil(%d/%d) = %d exceeds it",
				nIn, nb, stride)
		}
	default:
		return fieldErr("Routing", fmt.Sprintf("%q", c.Routing), "must be %q, %q or %q",
			RoutingNone, RoutingRandom, RoutingNeuronIO)
	}
	return nil
}

func validateTimes(cfg Config) error {
	c := cfg.Shared()
	traceName := "TauS"
	if cfg.Variant() == BranchTrace {
		traceName = "TauB"
	}
	positive := []struct {
		name  string
		value float64
	}{
		{"DeltaT", c.DeltaT}, {"Lambda", c.Lambda}, {"TauMMin", c.TauMMin},
		{"TauMMax", c.TauMMax}, {traceName, cfg.TraceTau()},
	}
	for _, f := range positive {
		if !finite(f.value) || f.value <= 0 {
			return fieldErr(f.name, f.value, "must be a finite number > 0")
		}
	}
	if c.TauMMin >= c.TauMMax {
		return fieldErr("TauMMin", c.TauMMin, "must be < TauMMax (%v)", c.TauMMax)
	}
	if !finite(c.WSInit) {
		return fieldErr("WSInit", c.WSInit, "must be finite")
	}
	if c.ConstantTauM != 0 && !(c.ConstantTauM > c.TauMMin && c.ConstantTauM < c.TauMMax) {
		return fieldErr("ConstantTauM", c.ConstantTauM,
			"must be 0 (log-spaced) or inside (TauMMin, TauMMax) = (%v, %v)", c.TauMMin, c.TauMMax)
	}
	return nil
}
