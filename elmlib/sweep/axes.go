package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
)

// valueType is the JSON type an axis accepts.
type valueType int

const (
	typeNumber   valueType = iota // any finite number
	typePositive                  // a finite number > 0
	typeCount                     // an integer >= 0
	typeBool                      // true or false
	typeString                    // a non-empty string
)

// axisSpec says how one axis sets the configuration.
type axisSpec struct {
	doc   string
	typ   valueType
	paths []string // dotted JSON paths set to the value
	// aliases maps short string values to the configuration's names (e.g. "v1").
	aliases map[string]string
	// fix, if set, adjusts the configuration after the paths are set.
	fix func(cfg map[string]any, v any) error
}

// Field names of elmlib's configuration JSON (elmlib.MarshalConfig), under "model".
const (
	modelVariant = "model.variant"
	modelField   = "model.config."
)

// axes is the one place that maps axis names to configuration fields. A run configuration
// holds elmlib's model configuration in the form elmlib.MarshalConfig writes, under
// "model" ({"variant": ..., "config": {...}}), and the seed of everything else (data,
// training) at the top level as "seed"; other top-level fields belong to the run kind.
var axes = map[string]axisSpec{
	"tau_max": {doc: "upper end of the τ_m range, ms", typ: typePositive,
		paths: []string{modelField + "memory_tau_max"}},
	"learn_tau": {doc: "whether τ_m is learnable", typ: typeBool,
		paths: []string{modelField + "learn_memory_tau"}},
	"tau_m": {doc: "one τ_m for all units, ms (inside the τ_m range)", typ: typePositive,
		paths: []string{modelField + "constant_tau_m"}},
	"d_m": {doc: "number of memory units", typ: typeCount,
		paths: []string{modelField + "num_memory"}},
	"mlp_hidden": {doc: "width of each hidden MLP layer (0: 2·d_m)", typ: typeCount,
		paths: []string{modelField + "mlp_hidden_size"}},
	"mlp_layers": {doc: "number of hidden MLP layers (0: no hidden layer)", typ: typeCount,
		paths: []string{modelField + "mlp_num_layers"}},
	"lambda": {doc: "memory gain factor λ", typ: typePositive,
		paths: []string{modelField + "lambda_value"}},
	"variant": {doc: "v1 (ELM v1, synapse traces) or v2 (Branch-ELM v2, branch traces)",
		typ: typeString, paths: []string{modelVariant},
		aliases: map[string]string{"v1": "elm_v1_synapse_trace",
			"v2": "branch_elm_v2_branch_trace"},
		fix: renameTraceTau},
	"routing": {doc: "input-to-synapse routing: neuronio, random or none", typ: typeString,
		paths: []string{modelField + "input_to_synapse_routing"},
		aliases: map[string]string{"neuronio": "neuronio_routing",
			"random": "random_routing"}},
	"seed": {doc: "seed of data and training, and of the model's initialisation and random" +
		" routing", typ: typeCount,
		paths: []string{"seed", modelField + "init_seed", modelField + "routing_seed"}},
}

// traceTauKey is the trace time-constant field of each variant.
var traceTauKey = map[string]string{"elm_v1_synapse_trace": "tau_s_value",
	"branch_elm_v2_branch_trace": "tau_b_value"}

// renameTraceTau renames the trace time constant of the other variant (tau_s_value of v1,
// tau_b_value of v2) to the one of the variant just set, so that a base configuration of
// either variant can be switched.
func renameTraceTau(cfg map[string]any, v any) error {
	model, _ := cfg["model"].(map[string]any)
	fields, _ := model["config"].(map[string]any)
	want := traceTauKey[fmt.Sprint(v)]
	if fields == nil || want == "" {
		return nil
	}
	for _, other := range traceTauKey {
		if val, ok := fields[other]; ok && other != want {
			delete(fields, other)
			fields[want] = val
		}
	}
	return nil
}

// AxisNames returns the names of the axes a sweep may vary, sorted.
func AxisNames() []string {
	names := make([]string, 0, len(axes))
	for n := range axes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// AxisDoc returns a one-line description of the named axis and the configuration fields it
// sets, or "" for an unknown axis.
func AxisDoc(name string) string {
	a, ok := axes[name]
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s: %s; sets %s", name, a.doc, strings.Join(a.paths, ", "))
}

// lookupAxis returns the spec of an axis or an error listing the known names.
func lookupAxis(name string) (axisSpec, error) {
	a, ok := axes[name]
	if !ok {
		return axisSpec{}, fmt.Errorf("unknown axis %q (known axes: %s)",
			name, strings.Join(AxisNames(), ", "))
	}
	return a, nil
}

// check verifies that v (decoded with UseNumber) has the axis's type.
func (a axisSpec) check(name string, v any) error {
	bad := func(want string) error {
		return fmt.Errorf("axis %s: value %s is not %s", name, jsonText(v), want)
	}
	switch a.typ {
	case typeBool:
		if _, ok := v.(bool); !ok {
			return bad("true or false")
		}
	case typeString:
		if s, ok := v.(string); !ok || s == "" {
			return bad("a non-empty string")
		}
	default:
		n, ok := v.(json.Number)
		if !ok {
			return bad("a number")
		}
		f, err := n.Float64()
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad("a finite number")
		}
		if a.typ == typePositive && f <= 0 {
			return bad("a number > 0")
		}
		if a.typ == typeCount {
			if _, err := n.Int64(); err != nil || f < 0 {
				return bad("an integer >= 0")
			}
		}
	}
	return nil
}

// apply sets the axis's fields of cfg to v.
func (a axisSpec) apply(name string, cfg map[string]any, v any) error {
	if s, ok := v.(string); ok && a.aliases[s] != "" {
		v = a.aliases[s]
	}
	for _, p := range a.paths {
		if err := setPath(cfg, p, v); err != nil {
			return fmt.Errorf("axis %s: %w", name, err)
		}
	}
	if a.fix != nil {
		return a.fix(cfg, v)
	}
	return nil
}

// setPath sets the dotted path in a JSON object, creating missing objects on the way.
func setPath(obj map[string]any, path string, v any) error {
	keys := strings.Split(path, ".")
	for i, k := range keys[:len(keys)-1] {
		next, ok := obj[k]
		if !ok {
			m := map[string]any{}
			obj[k] = m
			obj = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot set %s: %s in the base configuration is %s, not an object",
				path, strings.Join(keys[:i+1], "."), jsonText(next))
		}
		obj = m
	}
	obj[keys[len(keys)-1]] = v
	return nil
}

// jsonText renders a decoded JSON value compactly for messages and names.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
