package neuronio

import (
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/elmneuron/elm/data"
)

// File is one NeuronIO data file after loading.
type File struct {
	// Path is the file's path as given to LoadFile.
	Path string
	// Simulations are in file order, in the NeuronIO layout of package data.
	Simulations []*data.Simulation
	// SegmentTypes is Params.allSegmentsType: one entry per dendritic segment (e.g. "basal",
	// "apical"); segment i carries excitatory input i and inhibitory input len+i.
	SegmentTypes []string
	// DurationMS is Params.totalSimDurationInSec · 1000.
	DurationMS int
}

// Load reads the simulations of one NeuronIO file (see the package doc for the format).
func Load(path string) ([]*data.Simulation, error) {
	f, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	return f.Simulations, nil
}

// LoadFile reads one NeuronIO file. Errors name the file and, where relevant, the simulation
// and key. Large arrays the loader does not use (high-resolution traces, dendritic voltages)
// are skipped without being read.
func LoadFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("neuronio: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("neuronio: %s: %w", path, err)
	}
	in := newFileReader(f, st.Size())
	root, err := unpickle(in)
	if err != nil {
		return nil, fmt.Errorf("neuronio: %s: %w", path, err)
	}
	out, err := convert(root, in)
	if err != nil {
		return nil, fmt.Errorf("neuronio: %s: %w", path, err)
	}
	out.Path = path
	return out, nil
}

func dictKey(d any, where, key string) (any, error) {
	dd, ok := d.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("%s is %s, want a dict", where, typeName(d))
	}
	v, ok := dd.get(key)
	if !ok && where == "simulation" {
		return nil, fmt.Errorf("missing key %q", key)
	}
	if !ok {
		return nil, fmt.Errorf("%s: missing key %q", where, key)
	}
	return v, nil
}

func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case *pyObject:
		return x.class.module + "." + x.class.name
	case *ndarray:
		return "numpy array"
	case *pyDict:
		return "dict"
	case *pyList:
		return "list"
	case pyTuple:
		return "tuple"
	}
	return fmt.Sprintf("%T", v)
}

func convert(root any, in *fileReader) (*File, error) {
	params, err := dictKey(root, "top level", "Params")
	if err != nil {
		return nil, err
	}
	results, err := dictKey(root, "top level", "Results")
	if err != nil {
		return nil, err
	}
	segs, err := dictKey(params, "Params", "allSegmentsType")
	if err != nil {
		return nil, err
	}
	segList, ok := segs.(*pyList)
	if !ok || len(segList.items) == 0 {
		return nil, fmt.Errorf("Params.allSegmentsType is %s, want a non-empty list",
			typeName(segs))
	}
	out := &File{}
	for _, s := range segList.items {
		name, _ := s.(string)
		out.SegmentTypes = append(out.SegmentTypes, name)
	}
	secs, err := dictKey(params, "Params", "totalSimDurationInSec")
	if err != nil {
		return nil, err
	}
	ms, ok := number(secs)
	if !ok || ms*1000 != math.Round(ms*1000) || ms <= 0 || ms > 1e6 {
		return nil, fmt.Errorf("Params.totalSimDurationInSec = %v is not a positive duration "+
			"in whole ms", secs)
	}
	out.DurationMS = int(math.Round(ms * 1000))

	list, err := dictKey(results, "Results", "listOfSingleSimulationDicts")
	if err != nil {
		return nil, err
	}
	sims, ok := list.(*pyList)
	if !ok {
		return nil, fmt.Errorf("Results.listOfSingleSimulationDicts is %s, want a list",
			typeName(list))
	}
	for i, sd := range sims.items {
		s, err := convertSimulation(sd, in, len(out.SegmentTypes), out.DurationMS)
		if err != nil {
			return nil, fmt.Errorf("simulation %d: %w", i, err)
		}
		out.Simulations = append(out.Simulations, s)
	}
	return out, nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func convertSimulation(sd any, in *fileReader, nSeg, dur int) (*data.Simulation, error) {
	s := &data.Simulation{Duration: dur, NumExcitatory: nSeg,
		InputSpikes: make([][]int32, 2*nSeg)}
	for k, key := range []string{"exInputSpikeTimes", "inhInputSpikeTimes"} {
		m, err := dictKey(sd, "simulation", key)
		if err != nil {
			return nil, err
		}
		if err := spikeMap(m, in, key, s.InputSpikes[k*nSeg:(k+1)*nSeg], dur); err != nil {
			return nil, err
		}
	}

	soma, err := dictKey(sd, "simulation", "somaVoltageLowRes")
	if err != nil {
		return nil, err
	}
	v, err := floats(soma, in, "somaVoltageLowRes")
	if err != nil {
		return nil, err
	}
	if len(v) != dur {
		return nil, fmt.Errorf("somaVoltageLowRes has %d samples, want %d (1 per ms)", len(v), dur)
	}
	s.SomaMV = make([]float32, dur)
	for t, x := range v {
		s.SomaMV[t] = float32(x)
	}

	outs, err := dictKey(sd, "simulation", "outputSpikeTimes")
	if err != nil {
		return nil, err
	}
	times, err := floats(outs, in, "outputSpikeTimes")
	if err != nil {
		return nil, err
	}
	for _, t := range times {
		// The authors' bin: int(t - 0.5), truncating towards zero.
		b := math.Trunc(t - 0.5)
		if math.IsNaN(b) || b < 0 || b >= float64(dur) {
			return nil, fmt.Errorf("outputSpikeTimes: %v ms is outside the %d ms simulation", t, dur)
		}
		s.OutputSpikes = append(s.OutputSpikes, int32(b))
	}
	s.OutputSpikes = sortUnique(s.OutputSpikes)
	return s, nil
}

// spikeMap fills rows from a dict segment index -> spike times in ms.
func spikeMap(m any, in *fileReader, key string, rows [][]int32, dur int) error {
	d, ok := m.(*pyDict)
	if !ok {
		return fmt.Errorf("%s is %s, want a dict", key, typeName(m))
	}
	for i, k := range d.keys {
		seg, ok := number(k)
		if !ok || seg != math.Trunc(seg) || seg < 0 || seg >= float64(len(rows)) {
			return fmt.Errorf("%s: segment %v outside 0..%d", key, k, len(rows)-1)
		}
		times, err := floats(d.vals[i], in, fmt.Sprintf("%s[%v]", key, k))
		if err != nil {
			return err
		}
		row := rows[int(seg)]
		for _, t := range times {
			b := math.Floor(t) // whole ms in NeuronIO; the time is the bin
			if math.IsNaN(b) || b < 0 || b >= float64(dur) {
				return fmt.Errorf("%s[%v]: spike at %v ms is outside the %d ms simulation",
					key, k, t, dur)
			}
			row = append(row, int32(b))
		}
		rows[int(seg)] = sortUnique(row)
	}
	return nil
}

// floats reads a numpy array or a list of numbers.
func floats(v any, in *fileReader, what string) ([]float64, error) {
	switch x := v.(type) {
	case *ndarray:
		vals, err := x.values(in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return vals, nil
	case *pyList:
		out := make([]float64, len(x.items))
		for i, it := range x.items {
			f, ok := number(it)
			if !ok {
				return nil, fmt.Errorf("%s[%d] is %s, want a number", what, i, typeName(it))
			}
			out[i] = f
		}
		return out, nil
	case pyTuple:
		return floats(&pyList{items: x}, in, what)
	}
	return nil, fmt.Errorf("%s is %s, want an array of numbers", what, typeName(v))
}

func sortUnique(x []int32) []int32 {
	slices.Sort(x)
	return slices.Compact(x)
}
