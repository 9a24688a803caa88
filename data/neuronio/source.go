package neuronio

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/elmneuron/elm/data"
)

// SourceConfig configures a WindowSource. Zero fields take the defaults given.
type SourceConfig struct {
	// Files are the NeuronIO files to draw from.
	Files []string
	// BatchSize is the number of windows per batch (default 8).
	BatchSize int
	// Window is the window length in ms (default 500).
	Window int
	// FilesInMemory is how many files are held at once (default 2). One more file is loaded
	// in the background while batches are drawn.
	FilesInMemory int
	// BatchesPerSwap is how many batches are drawn before the oldest file in memory is
	// replaced by the next one (default 100). Files are visited in a seeded random order,
	// reshuffled after each pass.
	BatchesPerSwap int
	// Seed makes the stream reproducible.
	Seed uint64
}

// WindowSource streams random training windows from NeuronIO files with bounded memory.
// It implements data.Source and never returns io.EOF. It is not safe for concurrent use.
type WindowSource struct {
	cfg      SourceConfig
	rng      *rand.Rand // windows
	orderRng *rand.Rand // file order
	order    []int      // current pass over cfg.Files
	next     int        // position in order of the next file to load
	resident []*loaded  // oldest first
	pending  chan loadResult
	batches  int
	err      error
}

type loaded struct {
	path string
	sims []*data.Simulation
}

type loadResult struct {
	file *loaded
	err  error
}

// NewWindowSource loads the first files and returns the source.
func NewWindowSource(cfg SourceConfig) (*WindowSource, error) {
	if len(cfg.Files) == 0 {
		return nil, fmt.Errorf("neuronio: window source needs at least one file")
	}
	defaults := []*int{&cfg.BatchSize, &cfg.Window, &cfg.FilesInMemory, &cfg.BatchesPerSwap}
	for i, d := range []int{8, 500, 2, 100} {
		if *defaults[i] == 0 {
			*defaults[i] = d
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"BatchSize", cfg.BatchSize}, {"Window", cfg.Window},
		{"FilesInMemory", cfg.FilesInMemory}, {"BatchesPerSwap", cfg.BatchesPerSwap}} {
		if f.v < 0 {
			return nil, fmt.Errorf("neuronio: window source %s = %d must be positive", f.name, f.v)
		}
	}
	cfg.FilesInMemory = min(cfg.FilesInMemory, len(cfg.Files))
	s := &WindowSource{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 1)),
		orderRng: rand.New(rand.NewPCG(cfg.Seed, 2))}
	for range cfg.FilesInMemory {
		f, err := s.load(s.nextFile())
		if err != nil {
			return nil, err
		}
		s.resident = append(s.resident, f)
	}
	s.prefetch()
	return s, nil
}

// nextFile returns the path of the next file in the shuffled order.
func (s *WindowSource) nextFile() string {
	if s.next == len(s.order) {
		s.order = s.orderRng.Perm(len(s.cfg.Files))
		s.next = 0
	}
	s.next++
	return s.cfg.Files[s.order[s.next-1]]
}

func (s *WindowSource) load(path string) (*loaded, error) {
	sims, err := Load(path)
	if err != nil {
		return nil, err
	}
	f := &loaded{path: path, sims: sims}
	return f, s.check(f)
}

// check verifies that a loaded file fits the source: simulations long enough for a window and
// the same number of inputs as the files already in memory.
func (s *WindowSource) check(f *loaded) error {
	path, sims := f.path, f.sims
	if len(sims) == 0 {
		return fmt.Errorf("neuronio: %s holds no simulations", path)
	}
	for i, sim := range sims {
		if sim.Duration < s.cfg.Window {
			return fmt.Errorf("neuronio: %s: simulation %d lasts %d ms, shorter than the "+
				"%d ms window", path, i, sim.Duration, s.cfg.Window)
		}
	}
	if len(s.resident) > 0 && len(sims[0].InputSpikes) != len(s.resident[0].sims[0].InputSpikes) {
		return fmt.Errorf("neuronio: %s has %d inputs, %s has %d", path,
			len(sims[0].InputSpikes), s.resident[0].path, len(s.resident[0].sims[0].InputSpikes))
	}
	return nil
}

// prefetch starts loading the next file in the background, if files rotate at all.
func (s *WindowSource) prefetch() {
	if len(s.cfg.Files) <= s.cfg.FilesInMemory {
		return
	}
	path := s.nextFile()
	ch := make(chan loadResult, 1)
	s.pending = ch
	go func() {
		sims, err := Load(path)
		ch <- loadResult{&loaded{path: path, sims: sims}, err}
	}()
}

// swap replaces the oldest resident file by the prefetched one.
func (s *WindowSource) swap() error {
	if s.pending == nil {
		return nil
	}
	r := <-s.pending
	s.pending = nil
	if r.err != nil {
		return r.err
	}
	if err := s.check(r.file); err != nil {
		return err
	}
	s.resident = append(s.resident[1:], r.file)
	s.prefetch()
	return nil
}

// Next returns a batch of cfg.BatchSize random windows: each from a uniformly chosen resident
// file, simulation and start. Input is signed spikes, targets are the output spikes and the
// soma voltage in mV. An error (a file that fails to load) is returned from then on.
func (s *WindowSource) Next() (*data.Batch, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.batches > 0 && s.batches%s.cfg.BatchesPerSwap == 0 {
		if s.err = s.swap(); s.err != nil {
			return nil, s.err
		}
	}
	s.batches++
	sims := make([]*data.Simulation, s.cfg.BatchSize)
	starts := make([]int, s.cfg.BatchSize)
	for k := range sims {
		f := s.resident[s.rng.IntN(len(s.resident))]
		sims[k] = f.sims[s.rng.IntN(len(f.sims))]
		starts[k] = s.rng.IntN(sims[k].Duration - s.cfg.Window + 1)
	}
	return data.WindowBatch(sims, starts, s.cfg.Window)
}

// Resident lists the files whose simulations are in memory, oldest first.
func (s *WindowSource) Resident() []string {
	out := make([]string, len(s.resident))
	for i, f := range s.resident {
		out[i] = f.path
	}
	return slices.Clip(out)
}
