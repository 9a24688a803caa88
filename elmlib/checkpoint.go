package elmlib

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/elmneuron/elm/elmlib/internal/atomicfile"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"
)

// ConfigFileName is the file, beside GoMLX's checkpoint files, that holds the model's
// full configuration (MarshalConfig).
const ConfigFileName = "elm_config.json"

// writeConfigFile writes cfg into dir (created if needed) atomically. An existing file
// with a different configuration is an error: the directory belongs to another model.
func writeConfigFile(dir string, cfg Config) error {
	data, err := MarshalConfig(cfg)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, ConfigFileName)
	if old, err := os.ReadFile(path); err == nil {
		if oldCfg, err := UnmarshalConfig(old); err != nil {
			return fmt.Errorf("elmlib: %s: %w", path, err)
		} else if oldData, _ := MarshalConfig(oldCfg); !bytes.Equal(oldData, data) {
			return fmt.Errorf("elmlib: %s holds a different model configuration; "+
				"use another directory or Load it", path)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("elmlib: creating checkpoint directory: %w", err)
	}
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("elmlib: %w", err)
	}
	return nil
}

// readConfigFile reads the configuration saved in dir.
func readConfigFile(dir string) (Config, error) {
	path := filepath.Join(dir, ConfigFileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("elmlib: no saved model in %s (%s is missing): %w",
			dir, ConfigFileName, err)
	}
	if err != nil {
		return nil, fmt.Errorf("elmlib: reading model configuration: %w", err)
	}
	cfg, err := UnmarshalConfig(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// hasCheckpoints reports whether dir holds GoMLX checkpoint files.
func hasCheckpoints(dir string) bool {
	found, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*"+checkpoints.JsonNameSuffix))
	return len(found) > 0
}

// Load returns the model saved in dir (by Train or SaveCheckpoint) at its latest
// checkpoint. A directory without a configuration or without checkpoints is an error,
// never a fresh model. Optimizer state stays pending in the context, so a following Train
// on the same directory continues where the checkpoint stopped.
func Load(dir string) (*Model, error) {
	cfg, err := readConfigFile(dir)
	if err != nil {
		return nil, err
	}
	if !hasCheckpoints(dir) {
		return nil, fmt.Errorf("elmlib: no checkpoint in %s", dir)
	}
	var m *Model
	var handler *checkpoints.Handler
	err = openCheckpoints(dir, func() error {
		if m, err = newEmpty(cfg); err != nil {
			return err
		}
		panicErr := catch(func() { handler, err = checkpoints.Load(m.ctx).Dir(dir).Done() })
		if err = errors.Join(panicErr, err); err != nil {
			return fmt.Errorf("elmlib: loading checkpoint from %s: %w", dir, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sd := StateDict{}
	loaded := handler.LoadedVariables()
	scope := m.ctx.In(Scope).Scope()
	for _, ps := range m.spec.layout() {
		name := context.VariableParameterNameFromScopeAndName(scope, ps.key)
		t, ok := loaded[name]
		if !ok {
			return nil, fmt.Errorf("elmlib: checkpoint in %s has no variable %q", dir, name)
		}
		if sd[ps.key], err = exportTensor(ps, t); err != nil {
			return nil, fmt.Errorf("elmlib: checkpoint in %s, variable %q: %w", dir, name, err)
		}
	}
	if err := m.setStateDict(sd, "checkpoint in "+dir); err != nil {
		return nil, err
	}
	return m, nil
}

// SaveCheckpoint writes the model (its configuration and all variables of its context)
// as a new checkpoint in dir, e.g. to convert an imported model to our format. dir must
// not hold checkpoints already (Train manages those).
func (m *Model) SaveCheckpoint(dir string) error {
	if hasCheckpoints(dir) {
		return fmt.Errorf("elmlib: %s already holds checkpoints; save into a new directory", dir)
	}
	if err := writeConfigFile(dir, m.cfg); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return catch(func() {
		handler, err := checkpoints.Build(m.ctx).Dir(dir).Keep(-1).Done()
		if err == nil {
			err = handler.Save()
		}
		if err != nil {
			panic(fmt.Errorf("elmlib: saving checkpoint in %s: %w", dir, err))
		}
	})
}

// openCheckpoints runs open, which loads the latest checkpoint of dir. GoMLX writes a
// checkpoint in place, so a crash while saving can leave the newest one unreadable: when
// open fails and an older checkpoint exists, the newest one's files are renamed to
// "<name>.broken" (kept for inspection, never deleted) and open is retried. A crash while
// saving thus costs the steps since the previous checkpoint, never the run.
func openCheckpoints(dir string, open func() error) error {
	for {
		err := open()
		if err == nil {
			return nil
		}
		names, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*"+checkpoints.JsonNameSuffix))
		if len(names) < 2 {
			return err
		}
		sort.Strings(names)
		base := strings.TrimSuffix(names[len(names)-1], checkpoints.JsonNameSuffix)
		for _, suffix := range []string{checkpoints.JsonNameSuffix, checkpoints.BinDataSuffix} {
			if rerr := os.Rename(base+suffix, base+suffix+".broken"); rerr != nil &&
				!errors.Is(rerr, os.ErrNotExist) {
				return errors.Join(err, rerr)
			}
		}
		fmt.Fprintf(os.Stderr, "elmlib: checkpoint %s is unreadable (%v); moved it aside as "+
			".broken and using the previous one\n", filepath.Base(base), err)
	}
}
