package teacher

import (
	"fmt"
	"math"
	"runtime"
)

// Config selects a teacher data set. Every field except Workers is part of the data set's
// identity: it goes into the cache file name, and two configs that differ in any other field
// generate different data.
type Config struct {
	// NumSims is the number of simulations. Default 128.
	NumSims int
	// DurationMS is the length of each simulation in 1-ms bins. Default 6000.
	DurationMS int
	// Seed selects the random input; simulation i draws from a stream derived from (Seed, i),
	// so the first n simulations of a larger set equal a set of n. Default 0.
	Seed uint64
	// DtMS is the integration step in ms; 1/DtMS must be a whole number. Default 0.1.
	DtMS float64
	// DriveMin and DriveMax bound the per-simulation drive factor D ~ U(DriveMin, DriveMax)
	// that scales the excitatory input counts. Defaults 0.1 and 1.0.
	DriveMin, DriveMax float64
	// AMPAnS, NMDAnS and GABAnS are the peak conductances of one synapse in nS.
	// Defaults 0.2, 0.5 and 0.9. NMDAnS = 0 switches NMDA off.
	AMPAnS, NMDAnS, GABAnS float64
	// MgSlope is k in the NMDA Mg²⁺ block 1/(1 + exp(-k·v)·[Mg]/3.57), per mV. Default 0.08.
	MgSlope float64
	// MgMM is the extracellular [Mg²⁺] in mM. Default 1.
	MgMM float64
	// Workers bounds the number of simulations generated in parallel; 0 means
	// runtime.GOMAXPROCS(0). It does not change the data.
	Workers int
}

// DefaultConfig returns the recommended teacher ("teacher B" of the calibration note):
// 128 simulations of 6 s at dt = 0.1 ms.
func DefaultConfig() Config {
	return Config{
		NumSims:    128,
		DurationMS: 6000,
		Seed:       0,
		DtMS:       0.1,
		DriveMin:   0.1,
		DriveMax:   1.0,
		AMPAnS:     0.2,
		NMDAnS:     0.5,
		GABAnS:     1.1,
		MgSlope:    0.08,
		MgMM:       1,
	}
}

// maxDurationMS bounds a simulation's length (one hour) so that a typo cannot allocate
// unbounded memory.
const maxDurationMS = 3_600_000

// Validate reports the first field that is out of range, naming the field and its value.
func (c Config) Validate() error {
	if c.NumSims < 1 {
		return fmt.Errorf("teacher: Config.NumSims = %d, must be at least 1", c.NumSims)
	}
	if c.DurationMS < 1 || c.DurationMS > maxDurationMS {
		return fmt.Errorf("teacher: Config.DurationMS = %d, must be in 1..%d",
			c.DurationMS, maxDurationMS)
	}
	if !(c.DtMS > 0 && c.DtMS <= 1) {
		return fmt.Errorf("teacher: Config.DtMS = %g, must be in (0, 1] ms", c.DtMS)
	}
	if n := 1 / c.DtMS; math.Abs(n-math.Round(n)) > 1e-9*n {
		return fmt.Errorf("teacher: Config.DtMS = %g does not divide 1 ms into whole steps",
			c.DtMS)
	}
	if !(c.DriveMin >= 0 && c.DriveMin <= c.DriveMax && c.DriveMax <= 100) {
		return fmt.Errorf("teacher: Config.DriveMin = %g and DriveMax = %g, "+
			"need 0 <= DriveMin <= DriveMax <= 100", c.DriveMin, c.DriveMax)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"AMPAnS", c.AMPAnS}, {"NMDAnS", c.NMDAnS}, {"GABAnS", c.GABAnS},
		{"MgSlope", c.MgSlope}, {"MgMM", c.MgMM}} {
		if !(f.v >= 0 && f.v <= 1000) {
			return fmt.Errorf("teacher: Config.%s = %g, must be in [0, 1000]", f.name, f.v)
		}
	}
	if c.Workers < 0 {
		return fmt.Errorf("teacher: Config.Workers = %d, must be >= 0", c.Workers)
	}
	return nil
}

// substeps is the number of integration steps per 1-ms bin.
func (c Config) substeps() int { return int(math.Round(1 / c.DtMS)) }

// workers is the size of the worker pool.
func (c Config) workers() int {
	w := c.Workers
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, c.NumSims))
}
