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
	// offset, when non-zero, is added to the value written to the second path.
	offset float64
}

// axes is the one place that maps axis names to configuration fields. The JSON paths are
// those of the run configuration: elmlib's model configuration under "model", the seed at
// the top level.
var axes = map[string]axisSpec{
	"tau_max": {doc: "upper end of the τ_m range, ms", typ: typePositive,
		paths: []string{"model.memory_tau_max"}},
	"learn_tau": {doc: "whether τ_m is learnable", typ: typeBool,
		paths: []string{"model.learn_memory_tau"}},
	"tau_m": {doc: "one τ_m for all units, ms (range [v, v+1e-3])", typ: typePositive,
		paths: []string{"model.memory_tau_min", "model.memory_tau_max"}, offset: 1e-3},
	"d_m": {doc: "number of memory units", typ: typeCount,
		paths: []string{"model.num_memory"}},
	"mlp_hidden": {doc: "width of each hidden MLP layer", typ: typeCount,
		paths: []string{"model.mlp_hidden_size"}},
	"mlp_layers": {doc: "number of hidden MLP layers (0: no hidden layer)", typ: typeCount,
		paths: []string{"model.mlp_num_layers"}},
	"lambda": {doc: "memory update scale λ", typ: typePositive,
		paths: []string{"model.lambda_value"}},
	"variant": {doc: "model variant (ELM v1 or Branch-ELM v2)", typ: typeString,
		paths: []string{"model.variant"}},
	"routing": {doc: "input-to-synapse routing (neuronio, random)", typ: typeString,
		paths: []string{"model.routing"}},
	"seed": {doc: "random seed of initialisation and data", typ: typeCount,
		paths: []string{"seed"}},
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
	for i, p := range a.paths {
		val := v
		if i > 0 && a.offset != 0 {
			f, _ := v.(json.Number).Float64()
			val = json.Number(fmt.Sprint(f + a.offset))
		}
		if err := setPath(cfg, p, val); err != nil {
			return fmt.Errorf("axis %s: %w", name, err)
		}
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
