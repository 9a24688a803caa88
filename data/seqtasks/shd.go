package seqtasks

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
)

// SHDClasses is the number of Spiking Heidelberg Digits classes: digits 0–9 spoken in
// English (labels 0–9) and German (labels 10–19). A label's digit value is label mod 10.
const SHDClasses = 20

// SHD holds spike recordings of the Spiking Heidelberg Digits data set (Cramer et al. 2020)
// as read from the binary file written by shd/shd_to_bin.py.
type SHD struct {
	// Channels is the number of input channels (700 cochlear channels).
	Channels int
	// Labels holds one class 0..19 per sample.
	Labels []int32
	// Times[i] holds sample i's spike times in seconds; Units[i] the matching channels.
	Times [][]float32
	Units [][]uint16
}

// ReadSHD reads a file written by shd/shd_to_bin.py (format in that script's doc string).
// Sizes, labels (0..19), channels and spike times (finite, ≥ 0) are checked; errors name the
// file.
func ReadSHD(path string) (*SHD, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seqtasks: reading SHD file: %w", err)
	}
	d, err := parseSHD(raw)
	if err != nil {
		return nil, fmt.Errorf("seqtasks: SHD file %s: %w", path, err)
	}
	return d, nil
}

func parseSHD(raw []byte) (*SHD, error) {
	if len(raw) < 16 || string(raw[:4]) != "SHD1" {
		return nil, fmt.Errorf("missing magic \"SHD1\" (not written by shd_to_bin.py?)")
	}
	le := binary.LittleEndian
	n, ch, m := int(le.Uint32(raw[4:])), int(le.Uint32(raw[8:])), int(le.Uint32(raw[12:]))
	if ch == 0 || ch > math.MaxUint16+1 {
		return nil, fmt.Errorf("implausible channel count %d", ch)
	}
	want := 16 + 2*n + 4*n + 4*m + 2*m
	if len(raw) != want {
		return nil, fmt.Errorf("%d bytes, but the header (%d samples, %d spikes) needs %d",
			len(raw), n, m, want)
	}
	r := bytes.NewReader(raw[16:])
	labels16 := make([]uint16, n)
	counts := make([]uint32, n)
	times := make([]float32, m)
	units := make([]uint16, m)
	for _, v := range []any{labels16, counts, times, units} {
		if err := binary.Read(r, le, v); err != nil {
			return nil, err
		}
	}
	d := &SHD{Channels: ch, Labels: make([]int32, n), Times: make([][]float32, n),
		Units: make([][]uint16, n)}
	off := 0
	for i := 0; i < n; i++ {
		if labels16[i] >= SHDClasses {
			return nil, fmt.Errorf("sample %d has label %d, outside 0..%d", i, labels16[i],
				SHDClasses-1)
		}
		d.Labels[i] = int32(labels16[i])
		c := int(counts[i])
		if off+c > m {
			return nil, fmt.Errorf("spike counts exceed the %d spikes in the file at sample %d", m,
				i)
		}
		d.Times[i], d.Units[i] = times[off:off+c], units[off:off+c]
		for k := off; k < off+c; k++ {
			if int(units[k]) >= ch {
				return nil, fmt.Errorf("sample %d: channel %d outside 0..%d", i, units[k], ch-1)
			}
			if t := float64(times[k]); math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
				return nil, fmt.Errorf("sample %d: spike time %v s is not a finite "+
					"non-negative number", i, t)
			}
		}
		off += c
	}
	if off != m {
		return nil, fmt.Errorf("spike counts sum to %d, header says %d", off, m)
	}
	return d, nil
}

// SHDBinning says how spike times become time steps.
type SHDBinning struct {
	// DtMS is the bin width in ms (10 in the paper's SHD set-up).
	DtMS float64
	// DurationMS is the recording length kept, in ms (1000); later spikes are dropped.
	DurationMS float64
	// Binary clips counts to 1; otherwise an input is the number of spikes in the bin.
	Binary bool
}

// DefaultSHDBinning is the paper's setting: 10-ms bins over 1 s, spike counts.
func DefaultSHDBinning() SHDBinning { return SHDBinning{DtMS: 10, DurationMS: 1000} }

// Steps is the number of bins, ceil(DurationMS / DtMS).
func (b SHDBinning) Steps() int { return int(math.Ceil(b.DurationMS/b.DtMS - 1e-9)) }

func (b SHDBinning) validate() error {
	if !(b.DtMS > 0) || !(b.DurationMS >= b.DtMS) {
		return fmt.Errorf("seqtasks: SHD binning dt %v ms, duration %v ms: want 0 < dt ≤ duration",
			b.DtMS, b.DurationMS)
	}
	return nil
}

// shdEvent is one binned spike: step and channel.
type shdEvent struct {
	step    int32
	channel uint16
}

// binned returns sample i's spikes as (bin, channel) events, dropping spikes at or after
// DurationMS.
func (d *SHD) binned(i int, b SHDBinning) []shdEvent {
	steps := b.Steps()
	ev := make([]shdEvent, 0, len(d.Times[i]))
	for k, t := range d.Times[i] {
		ms := float64(t) * 1000
		if ms >= b.DurationMS {
			continue
		}
		bin := min(int(ms/b.DtMS), steps-1)
		ev = append(ev, shdEvent{int32(bin), d.Units[i][k]})
	}
	return ev
}

// add writes events into dst [steps, channels], shifted by offset steps.
func addEvents(dst []float32, ev []shdEvent, channels, offset int, clip bool) {
	for _, e := range ev {
		k := (int(e.step)+offset)*channels + int(e.channel)
		if clip {
			dst[k] = 1
		} else {
			dst[k]++
		}
	}
}

// Sequences bins every sample into a Set with Steps = b.Steps(), Channels = d.Channels and
// 20 classes. Input values are spike counts per bin (or 0/1 with Binary).
func (d *SHD) Sequences(name string, b SHDBinning) (*Set, error) {
	if err := b.validate(); err != nil {
		return nil, err
	}
	events := make([][]shdEvent, len(d.Labels))
	for i := range events {
		events[i] = d.binned(i, b)
	}
	return &Set{Name: name, Steps: b.Steps(), Channels: d.Channels, Classes: SHDClasses,
		Labels: d.Labels, fill: func(i int, dst []float32) {
			addEvents(dst, events[i], d.Channels, 0, b.Binary)
		}}, nil
}

// SHDAddingClasses is the number of SHD-Adding classes: sums 0..18.
const SHDAddingClasses = 19

// Adding builds the SHD-Adding task of the paper: n examples, each two samples drawn at
// random (seeded) and played one after the other, so Steps = 2·b.Steps(). The label is the
// sum of the two digit values (label mod 10), 0..18. Pairs[k] names the two samples of
// example k.
func (d *SHD) Adding(name string, b SHDBinning, n int, seed uint64) (set *Set, pairs [][2]int,
	err error) {
	if err := b.validate(); err != nil {
		return nil, nil, err
	}
	if len(d.Labels) == 0 || n <= 0 {
		return nil, nil, fmt.Errorf("seqtasks: SHD-Adding needs samples and n > 0, "+
			"got %d samples, n %d",
			len(d.Labels), n)
	}
	rng := rand.New(rand.NewPCG(seed, 0xadd))
	pairs = make([][2]int, n)
	labels := make([]int32, n)
	for k := range pairs {
		i, j := rng.IntN(len(d.Labels)), rng.IntN(len(d.Labels))
		pairs[k] = [2]int{i, j}
		labels[k] = d.Labels[i]%10 + d.Labels[j]%10
	}
	events := make([][]shdEvent, len(d.Labels))
	for i := range events {
		events[i] = d.binned(i, b)
	}
	steps := b.Steps()
	set = &Set{Name: name, Steps: 2 * steps, Channels: d.Channels, Classes: SHDAddingClasses,
		Labels: labels, fill: func(k int, dst []float32) {
			addEvents(dst, events[pairs[k][0]], d.Channels, 0, b.Binary)
			addEvents(dst, events[pairs[k][1]], d.Channels, steps, b.Binary)
		}}
	return set, pairs, nil
}
