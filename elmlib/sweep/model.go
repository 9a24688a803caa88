package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/elmneuron/elm/elmlib"
)

// ValidateModel checks the "model" field of a run configuration with elmlib: it must be in
// the form elmlib.MarshalConfig writes ({"variant": ..., "config": {...}}, every field
// present, no unknown field) and pass elmlib's validation. It is the validator of every
// run kind registered without one.
func ValidateModel(cfgJSON []byte) error {
	var c struct {
		Model json.RawMessage `json:"model"`
	}
	if err := json.Unmarshal(cfgJSON, &c); err != nil {
		return fmt.Errorf("run configuration: %w", err)
	}
	if len(bytes.TrimSpace(c.Model)) == 0 {
		return fmt.Errorf(`run configuration has no "model" field (want elmlib.MarshalConfig's` +
			` {"variant", "config"} form)`)
	}
	if _, err := elmlib.UnmarshalConfig(c.Model); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

// BaseConfig returns a base configuration for a sweep: model under "model" (in
// elmlib.MarshalConfig's form) plus the given top-level fields (e.g. "seed" and the run
// kind's training budget), which must not include "model".
func BaseConfig(model elmlib.Config, fields map[string]any) (json.RawMessage, error) {
	m, err := elmlib.MarshalConfig(model)
	if err != nil {
		return nil, err
	}
	obj := map[string]any{"model": json.RawMessage(m)}
	for k, v := range fields {
		if k == "model" {
			return nil, fmt.Errorf(`sweep: BaseConfig: fields must not set "model"`)
		}
		obj[k] = v
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("sweep: BaseConfig: %w", err)
	}
	return b, nil
}
