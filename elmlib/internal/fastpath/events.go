package fastpath

import (
	"fmt"
	"math"

	"github.com/elmneuron/elm/data"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// SynapseEvents is a batch's input as a flat list of synapse events, built on the Go side
// from the input events and the fixed routing: entry k says that synapse Syn[k] received
// Value[k] at the time step and sequence encoded in Slot[k], which indexes the time-major
// trace-group drive [Steps, Batch, groups] as (t·Batch + b)·groups + group.
//
// The list is padded with zero-valued entries to a bucketed length (see BucketLength), so
// that batches with similar spike counts share one compiled graph.
type SynapseEvents struct {
	Batch, Steps int
	// Groups is the number of trace groups (NumBranch when τ is equal within branches).
	Groups int
	// Syn [Len] synapse index, Slot [Len] drive slot, Value [Len] input value.
	Syn, Slot []int32
	Value     []float32
	// Count is the number of real entries; entries from Count on are padding.
	Count int
}

// Len is the padded length of the event list.
func (e *SynapseEvents) Len() int { return len(e.Syn) }

// Tensors returns Syn, Slot and Value as tensors of shape [Len], in the order Forward's
// Inputs takes them.
func (e *SynapseEvents) Tensors() []*tensors.Tensor {
	return []*tensors.Tensor{
		tensors.FromFlatDataAndDimensions(e.Syn, e.Len()),
		tensors.FromFlatDataAndDimensions(e.Slot, e.Len()),
		tensors.FromFlatDataAndDimensions(e.Value, e.Len()),
	}
}

// MinBucket is the smallest padded event-list length.
const MinBucket = 1024

// BucketLength rounds n up to the padded length used for event lists: at least MinBucket,
// and otherwise the next number of the form m·2^k with 8 ≤ m < 16, so padding wastes at
// most 12.5 % and a training run sees only a handful of distinct graph shapes.
func BucketLength(n int) int {
	if n <= MinBucket {
		return MinBucket
	}
	shift := 0
	for (n-1)>>shift >= 16 {
		shift++
	}
	m := ((n - 1) >> shift) + 1
	return m << shift
}

// Router maps input channels to the synapses reading them; build it once per Spec.
type Router struct {
	spec    Spec
	groups  traceGroups
	start   []int32 // [NumInput+1] CSR offsets into syn
	syn     []int32 // synapses by input channel
	numSyn  int
	nGroups int
}

// NewRouter validates spec and indexes its routing.
func NewRouter(spec Spec) (*Router, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	r := &Router{spec: spec, groups: spec.traceGroups(), numSyn: spec.NumSynapse()}
	r.nGroups = len(r.groups.kappa)
	counts := make([]int32, spec.NumInput+1)
	input := func(j int) int {
		if spec.Indices == nil {
			return j
		}
		return int(spec.Indices[j])
	}
	valid := func(j int) bool { return spec.Mask == nil || spec.Mask[j] }
	for j := range r.numSyn {
		if valid(j) {
			counts[input(j)+1]++
		}
	}
	for i := 1; i <= spec.NumInput; i++ {
		counts[i] += counts[i-1]
	}
	r.start = counts
	r.syn = make([]int32, counts[spec.NumInput])
	fill := append([]int32{}, counts[:spec.NumInput]...)
	for j := range r.numSyn {
		if valid(j) {
			i := input(j)
			r.syn[fill[i]] = int32(j)
			fill[i]++
		}
	}
	return r, nil
}

// Groups is the number of trace groups of the router's spec.
func (r *Router) Groups() int { return r.nGroups }

// Events converts a batch into synapse events. The batch's channels must equal the spec's
// NumInput; dense input uses its nonzero entries; NaN or infinite inputs are an error.
func (r *Router) Events(b *data.Batch) (*SynapseEvents, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	if b.Channels != r.spec.NumInput {
		return nil, fmt.Errorf("fastpath: batch has %d channels, model has %d inputs",
			b.Channels, r.spec.NumInput)
	}
	if total := b.Size * b.Steps * r.nGroups; total > math.MaxInt32 {
		return nil, fmt.Errorf("fastpath: %d drive slots exceed int32", total)
	}
	ev := &SynapseEvents{Batch: b.Size, Steps: b.Steps, Groups: r.nGroups}
	n := BucketLength(r.countEvents(b))
	ev.Syn, ev.Slot, ev.Value = make([]int32, 0, n), make([]int32, 0, n), make([]float32, 0, n)
	add := func(t, seq, ch int, v float32) error {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("fastpath: input value %g at step %d, sequence %d, channel %d",
				v, t, seq, ch)
		}
		if v == 0 {
			return nil
		}
		base := int32((t*b.Size + seq) * r.nGroups)
		for _, j := range r.syn[r.start[ch]:r.start[ch+1]] {
			ev.Syn = append(ev.Syn, j)
			ev.Slot = append(ev.Slot, base+r.groups.ofSynapse[j])
			ev.Value = append(ev.Value, v)
		}
		return nil
	}
	if e := b.Events; e != nil {
		for k := range e.Step {
			if err := add(int(e.Step[k]), int(e.Seq[k]), int(e.Channel[k]), e.Value[k]); err != nil {
				return nil, err
			}
		}
	} else {
		for seq := range b.Size {
			for t := range b.Steps {
				row := b.Dense[(seq*b.Steps+t)*b.Channels:][:b.Channels]
				for ch, v := range row {
					if err := add(t, seq, ch, v); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	ev.Count = len(ev.Syn)
	n = BucketLength(ev.Count)
	ev.Syn, ev.Slot, ev.Value = ev.Syn[:n], ev.Slot[:n], ev.Value[:n] // zero padding
	return ev, nil
}

// countEvents is the number of synapse events b produces (its nonzero inputs' fan-out).
func (r *Router) countEvents(b *data.Batch) int {
	count := 0
	fanOut := func(ch int) int { return int(r.start[ch+1] - r.start[ch]) }
	if e := b.Events; e != nil {
		for k, ch := range e.Channel {
			if e.Value[k] != 0 {
				count += fanOut(int(ch))
			}
		}
		return count
	}
	for i, v := range b.Dense {
		if v != 0 {
			count += fanOut(i % b.Channels)
		}
	}
	return count
}

// BuildSynapseEvents is NewRouter(spec) followed by Events(b); build a Router once when
// converting many batches.
func BuildSynapseEvents(spec Spec, b *data.Batch) (*SynapseEvents, error) {
	r, err := NewRouter(spec)
	if err != nil {
		return nil, err
	}
	return r.Events(b)
}
