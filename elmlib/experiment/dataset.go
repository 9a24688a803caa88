package experiment

import (
	"fmt"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/data/teacher"
)

// DataOptions selects the teacher data set and its split.
type DataOptions struct {
	// CacheDir holds the generated data set (required).
	CacheDir string
	// Teacher is the generator's configuration; the zero value means teacher.DefaultConfig().
	Teacher teacher.Config
	// NumTest and NumVal are the simulations held out for testing and for choosing the
	// linear baseline's ridge strength, taken from the end of the set. Defaults 16 and 8.
	NumTest, NumVal int
}

// Data is a teacher data set split into training, validation and test simulations.
type Data struct {
	Train, Val, Test []*data.Simulation
	// Teacher is the configuration that generated the set.
	Teacher teacher.Config
	// Stats summarises all simulations.
	Stats teacher.Stats
}

// TeacherData loads the teacher data set from o.CacheDir, generating and caching it on the
// first call, and splits it: the last NumTest simulations are the test set, the NumVal
// before them the validation set, the rest the training set.
func TeacherData(o DataOptions) (*Data, error) {
	if o.CacheDir == "" {
		return nil, fmt.Errorf("experiment: DataOptions.CacheDir is empty")
	}
	cfg := o.Teacher
	if cfg.NumSims == 0 {
		cfg = teacher.DefaultConfig()
	}
	if o.NumTest == 0 {
		o.NumTest = 16
	}
	if o.NumVal == 0 {
		o.NumVal = 8
	}
	if o.NumTest < 0 || o.NumVal < 0 || o.NumTest+o.NumVal >= cfg.NumSims {
		return nil, fmt.Errorf("experiment: %d test and %d validation simulations leave no "+
			"training data out of %d", o.NumTest, o.NumVal, cfg.NumSims)
	}
	sims, err := teacher.Cached(o.CacheDir, cfg)
	if err != nil {
		return nil, err
	}
	n := len(sims)
	return &Data{
		Train:   sims[:n-o.NumTest-o.NumVal],
		Val:     sims[n-o.NumTest-o.NumVal : n-o.NumTest],
		Test:    sims[n-o.NumTest:],
		Teacher: cfg,
		Stats:   teacher.Summarize(sims),
	}, nil
}
