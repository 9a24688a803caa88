package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Axis is one dimension of a sweep: an axis name from AxisNames and the values it takes.
type Axis struct {
	// Name is the axis name, e.g. "tau_max".
	Name string `json:"name"`
	// Values are the values, in order; each must be JSON-encodable (numbers, bools, strings).
	Values []any `json:"values"`
}

// ValidateFunc checks a resolved run configuration (a JSON object) and returns an error that
// names the offending field and value, or nil.
type ValidateFunc func(cfgJSON []byte) error

// Sweep is a base configuration plus the axes to vary.
type Sweep struct {
	// Name labels the sweep in plans and progress; it does not enter run IDs.
	Name string `json:"name"`
	// Kind is the registered run kind that executes every run (see RegisterRunKind).
	Kind string `json:"kind"`
	// Base is the base configuration, a JSON object.
	Base json.RawMessage `json:"base"`
	// Axes are varied in order; the last axis varies fastest.
	Axes []Axis `json:"axes"`
	// Validate, if set, checks every resolved configuration; if nil, the validator registered
	// with the run kind (if any) is used.
	Validate ValidateFunc `json:"-"`
}

// Run is one resolved point of a sweep.
type Run struct {
	// Index is the position of the run in its sweep's expansion.
	Index int `json:"index"`
	// ID is 16 hex digits of the SHA-256 of the kind and the canonical configuration.
	ID string `json:"id"`
	// Name lists the axis values, e.g. "tau_max=25,seed=1" ("base" without axes).
	Name string `json:"name"`
	// Sweep is the name of the sweep the run was planned in.
	Sweep string `json:"sweep"`
	// Kind is the registered run kind.
	Kind string `json:"kind"`
	// Axes holds the run's value of every axis, as decoded JSON (float64, bool, string).
	Axes map[string]any `json:"axes"`
	// Config is the resolved configuration, canonical JSON (sorted keys, no spaces).
	Config json.RawMessage `json:"config"`
}

// ParseSweep decodes a sweep from JSON ({"name", "kind", "base", "axes": [{"name",
// "values"}]}), refusing unknown fields.
func ParseSweep(data []byte) (Sweep, error) {
	var s Sweep
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&s); err != nil {
		return Sweep{}, fmt.Errorf("sweep: decoding sweep definition: %w", err)
	}
	return s, nil
}

// LoadSweepFile reads and decodes a sweep definition file (see ParseSweep).
func LoadSweepFile(path string) (Sweep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Sweep{}, fmt.Errorf("sweep: %w", err)
	}
	s, err := ParseSweep(data)
	if err != nil {
		return Sweep{}, fmt.Errorf("%w (file %s)", err, path)
	}
	return s, nil
}

// Expand resolves the cartesian product of the axes into runs, validating every axis and
// every resolved configuration. Errors name the axis, the run and the value.
func (s Sweep) Expand() ([]Run, error) {
	if s.Kind == "" {
		return nil, fmt.Errorf("sweep %q: no run kind (registered kinds: %s)",
			s.Name, strings.Join(RunKinds(), ", "))
	}
	validate := s.Validate
	if validate == nil {
		validate = kindValidator(s.Kind)
	}
	base, err := decodeObject(s.Base)
	if err != nil {
		return nil, fmt.Errorf("sweep %q: base configuration: %w", s.Name, err)
	}
	values, err := s.axisValues()
	if err != nil {
		return nil, err
	}

	total := 1
	for _, vs := range values {
		total *= len(vs)
	}
	runs := make([]Run, 0, total)
	seen := map[string]string{}
	pos := make([]int, len(s.Axes))
	for i := 0; i < total; i++ {
		r, err := s.resolve(i, base, values, pos, validate)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[r.ID]; dup {
			return nil, fmt.Errorf("sweep %q: runs %s and %s resolve to the same configuration",
				s.Name, other, r.Name)
		}
		seen[r.ID] = r.Name
		runs = append(runs, r)
		for a := len(pos) - 1; a >= 0; a-- { // odometer: last axis fastest
			pos[a]++
			if pos[a] < len(values[a]) {
				break
			}
			pos[a] = 0
		}
	}
	return runs, nil
}

// axisValues checks the axes and returns their values decoded with UseNumber.
func (s Sweep) axisValues() ([][]any, error) {
	values := make([][]any, len(s.Axes))
	names := map[string]bool{}
	for i, ax := range s.Axes {
		spec, err := lookupAxis(ax.Name)
		if err != nil {
			return nil, fmt.Errorf("sweep %q: %w", s.Name, err)
		}
		if names[ax.Name] {
			return nil, fmt.Errorf("sweep %q: axis %s appears twice", s.Name, ax.Name)
		}
		names[ax.Name] = true
		if len(ax.Values) == 0 {
			return nil, fmt.Errorf("sweep %q: axis %s has no values", s.Name, ax.Name)
		}
		seen := map[string]bool{}
		for _, v := range ax.Values {
			nv, err := normalise(v)
			if err != nil {
				return nil, fmt.Errorf("sweep %q: axis %s: value %v: %w", s.Name, ax.Name, v, err)
			}
			if err := spec.check(ax.Name, nv); err != nil {
				return nil, fmt.Errorf("sweep %q: %w", s.Name, err)
			}
			key := jsonText(nv)
			if seen[key] {
				return nil, fmt.Errorf("sweep %q: axis %s: value %s appears twice",
					s.Name, ax.Name, key)
			}
			seen[key] = true
			values[i] = append(values[i], nv)
		}
	}
	return values, nil
}

// resolve builds run i from the base and the axis positions pos.
func (s Sweep) resolve(i int, base []byte, values [][]any, pos []int,
	validate ValidateFunc) (Run, error) {
	cfg := objectOf(base)
	var name []string
	axisVals := map[string]any{}
	for a, ax := range s.Axes {
		v := values[a][pos[a]]
		text, isString := v.(string)
		if !isString {
			text = jsonText(v)
		}
		name = append(name, ax.Name+"="+text)
		var plain any
		_ = json.Unmarshal([]byte(jsonText(v)), &plain)
		axisVals[ax.Name] = plain
	}
	runName := strings.Join(name, ",")
	if runName == "" {
		runName = "base"
	}
	for a, ax := range s.Axes {
		if err := axes[ax.Name].apply(ax.Name, cfg, values[a][pos[a]]); err != nil {
			return Run{}, fmt.Errorf("sweep %q: run %d (%s): %w", s.Name, i, runName, err)
		}
	}
	canon, err := json.Marshal(cfg)
	if err != nil {
		return Run{}, fmt.Errorf("sweep %q: run %d (%s): %w", s.Name, i, runName, err)
	}
	if validate != nil {
		if err := validate(canon); err != nil {
			return Run{}, fmt.Errorf("sweep %q: run %d (%s): invalid configuration: %w",
				s.Name, i, runName, err)
		}
	}
	return Run{Index: i, ID: RunID(s.Kind, canon), Name: runName, Sweep: s.Name,
		Kind: s.Kind, Axes: axisVals, Config: canon}, nil
}

// RunID returns the ID of a run: 16 hex digits of SHA-256 over the kind, a newline and the
// canonical configuration.
func RunID(kind string, canonicalConfig []byte) string {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{'\n'})
	h.Write(canonicalConfig)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// decodeObject decodes a JSON object with UseNumber and returns its canonical encoding, from
// which every run takes a fresh copy. Anything but an object is an error.
func decodeObject(raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, fmt.Errorf("empty; want a JSON object")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, fmt.Errorf("is %s, want a JSON object", jsonText(v))
	}
	return json.Marshal(canonicalNumbers(v))
}

// canonicalNumbers rewrites every number of a decoded JSON value in one spelling: integers
// as integers (exact up to int64), other numbers in Go's shortest float64 form, so that
// 25, 25.0 and 2.5e1 give the same configuration and run ID.
func canonicalNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = canonicalNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = canonicalNumbers(e)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
		if f, err := x.Float64(); err == nil {
			if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return json.Number(strconv.FormatInt(int64(f), 10))
			}
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return v
}

// objectOf decodes canonical object bytes into a fresh map (numbers kept exact).
func objectOf(raw []byte) map[string]any {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

// normalise turns a Go value into its decoded-JSON form (json.Number for numbers).
func normalise(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return canonicalNumbers(out), nil
}
