package seqtrain

import (
	"fmt"
	"sort"
	"strings"

	"github.com/elmneuron/elm/data/seqtasks"
	"github.com/elmneuron/elm/elmlib"
)

// Task is a prepared classification task: training and test sequences plus the ELM
// settings of the paper for it.
type Task struct {
	// Config holds the task's sizes and ELM settings (seqtasks.TaskConfigs).
	Config seqtasks.TaskConfig
	// Train and Test hold [examples] sequences of [Config.Steps, Config.Channels] values.
	Train, Test *seqtasks.Set
}

// NewTask checks that both sets match cfg's steps, channels and classes and returns the
// task. Use it for data Experiment cannot load by name (SHD) or for tests.
func NewTask(cfg seqtasks.TaskConfig, train, test *seqtasks.Set) (*Task, error) {
	if train == nil || test == nil {
		return nil, fmt.Errorf("seqtrain: task %q: training and test sets are required", cfg.Task)
	}
	for _, s := range []*seqtasks.Set{train, test} {
		if s.Steps != cfg.Steps || s.Channels != cfg.Channels || s.Classes != cfg.Classes {
			return nil, fmt.Errorf("seqtrain: task %q wants %d steps × %d channels, %d classes; "+
				"set %q has %d × %d, %d classes", cfg.Task, cfg.Steps, cfg.Channels, cfg.Classes,
				s.Name, s.Steps, s.Channels, s.Classes)
		}
		if s.Len() == 0 {
			return nil, fmt.Errorf("seqtrain: task %q: set %q is empty", cfg.Task, s.Name)
		}
	}
	return &Task{Config: cfg, Train: train, Test: test}, nil
}

// TaskNames lists the tasks LoadTask builds by name, sorted.
func TaskNames() []string {
	var names []string
	for name := range loaders {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// TaskConfig returns the settings of a task by name, or an error listing the known names.
func TaskConfig(name string) (seqtasks.TaskConfig, error) {
	cfg, ok := seqtasks.TaskConfigs()[name]
	if !ok {
		var known []string
		for k := range seqtasks.TaskConfigs() {
			known = append(known, k)
		}
		sort.Strings(known)
		return cfg, fmt.Errorf("seqtrain: unknown task %q (known: %s)", name,
			strings.Join(known, ", "))
	}
	return cfg, nil
}

// loader builds a task's training and test sets of the given sizes.
type loader func(train, test int, seed uint64) (tr, te *seqtasks.Set, err error)

var loaders = map[string]loader{
	"fashion-mnist-row":   fashion(seqtasks.ImageEncoding{Rows: true, Bins: 16}),
	"fashion-mnist-pixel": fashion(seqtasks.ImageEncoding{Bins: 16}),
	"pathfinder32":        pathfinder(32),
	"pathfinder64":        pathfinder(64),
	"pathx":               pathfinder(128),
	"listops":             listOps,
}

// PathfinderDashes is the contour length, in dashes, of the Pathfinder images LoadTask
// generates (6 is the easiest difficulty of the original data set).
var PathfinderDashes = 6

// LoadTask builds a task by name (see TaskNames) with the first train examples of the
// training data and the first test examples of the test data. Fashion-MNIST is read from
// seqtasks.FashionMNISTDir and encoded with 16 grey bins (row by row: 28 steps of 448
// values; pixel by pixel: 784 steps of 16); Pathfinder images (8 grey bins, pixel by pixel)
// and ListOps expressions (one-hot tokens, padded in front) are generated from seed, the
// test examples following the training ones.
func LoadTask(name string, train, test int, seed uint64) (*Task, error) {
	cfg, err := TaskConfig(name)
	if err != nil {
		return nil, err
	}
	load, ok := loaders[name]
	if !ok {
		return nil, fmt.Errorf("seqtrain: task %q has no loader here (it needs data files); "+
			"build it with NewTask (loadable: %s)", name, strings.Join(TaskNames(), ", "))
	}
	if train < 1 || test < 1 {
		return nil, fmt.Errorf("seqtrain: task %q: %d training and %d test examples, want ≥ 1",
			name, train, test)
	}
	tr, te, err := load(train, test, seed)
	if err != nil {
		return nil, fmt.Errorf("seqtrain: task %q: %w", name, err)
	}
	return NewTask(cfg, tr, te)
}

func fashion(enc seqtasks.ImageEncoding) loader {
	return func(train, test int, _ uint64) (tr, te *seqtasks.Set, err error) {
		if tr, err = fashionSplit(seqtasks.Train, train, enc); err != nil {
			return nil, nil, err
		}
		te, err = fashionSplit(seqtasks.Test, test, enc)
		return tr, te, err
	}
}

func fashionSplit(split seqtasks.Split, n int, enc seqtasks.ImageEncoding) (*seqtasks.Set,
	error) {
	s, err := seqtasks.FashionMNIST("", split, enc)
	if err != nil {
		return nil, err
	}
	if n > s.Len() {
		return nil, fmt.Errorf("%d %s examples asked, the split has %d", n, split, s.Len())
	}
	first, _, err := s.Split(n)
	return first, err
}

func pathfinder(size int) loader {
	return func(train, test int, seed uint64) (tr, te *seqtasks.Set, err error) {
		all, err := seqtasks.Pathfinder(seqtasks.DefaultPathfinder(size, PathfinderDashes), seed,
			train+test, seqtasks.ImageEncoding{Bins: 8})
		if err != nil {
			return nil, nil, err
		}
		return all.Split(train)
	}
}

func listOps(train, test int, seed uint64) (tr, te *seqtasks.Set, err error) {
	all, _, err := seqtasks.ListOps(seqtasks.DefaultListOps(), seed, train+test,
		seqtasks.ListOpsEncoding{OneHot: true, PadFront: true})
	if err != nil {
		return nil, nil, err
	}
	return all.Split(train)
}

// ELMConfig maps a task's settings onto an ELM configuration: ELM v1 (or Branch-ELM v2
// when BranchELM is set) with Channels inputs, one synapse per input and branch, Classes
// outputs, d_m NumMemory, λ Lambda, MLPLayers hidden layers, τ_m in [MemoryTauMin,
// MemoryTauMax] ms (fixed), τ_s (τ_b) SynapseTau and Δt DtMS. The result is validated.
func ELMConfig(tc seqtasks.TaskConfig) (elmlib.Config, error) {
	var cfg elmlib.Config
	set := func(c *elmlib.Core) {
		c.MLPLayers, c.Lambda, c.DeltaT = tc.MLPLayers, tc.Lambda, tc.DtMS
		c.TauMMin, c.TauMMax = tc.MemoryTauMin, tc.MemoryTauMax
	}
	if tc.BranchELM {
		c := elmlib.NewBranchTraceConfig(tc.Channels, tc.Classes, tc.NumMemory)
		set(&c.Core)
		c.TauB = tc.SynapseTau
		cfg = c
	} else {
		c := elmlib.NewSynapseTraceConfig(tc.Channels, tc.Classes, tc.NumMemory)
		set(&c.Core)
		c.TauS = tc.SynapseTau
		cfg = c
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("seqtrain: ELM configuration of task %q: %w", tc.Task, err)
	}
	return cfg, nil
}

// WithTauMax returns cfg with the largest memory timescale τ_max set to tauMax ms.
func WithTauMax(cfg elmlib.Config, tauMax float64) (elmlib.Config, error) {
	switch c := cfg.(type) {
	case elmlib.SynapseTraceConfig:
		c.TauMMax = tauMax
		cfg = c
	case elmlib.BranchTraceConfig:
		c.TauMMax = tauMax
		cfg = c
	default:
		return nil, fmt.Errorf("seqtrain: unknown ELM configuration type %T", cfg)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("seqtrain: τ_max %g ms: %w", tauMax, err)
	}
	return cfg, nil
}
