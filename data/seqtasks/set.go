package seqtasks

import (
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/elmneuron/elm/data"
)

// Set is an in-memory data set of labelled sequences, all Steps long with Channels input
// values per step. Example i's input is produced on demand by the task's encoder, so large
// encodings (one-hot, binned spikes) are only materialised per batch.
type Set struct {
	// Name says which task and encoding the set holds, e.g. "fashion-mnist/pixel/bins16".
	Name string
	// Steps is the sequence length, Channels the number of input values per step.
	Steps, Channels int
	// Classes is the number of classes; labels are 0..Classes-1.
	Classes int
	// Labels holds one label per example.
	Labels []int32

	// fill writes example i's input, [Steps, Channels] row-major, into dst (zeroed by caller).
	fill func(i int, dst []float32)
}

// Len is the number of examples.
func (s *Set) Len() int { return len(s.Labels) }

// Input returns example i's input as [Steps, Channels] row-major values.
func (s *Set) Input(i int) []float32 {
	dst := make([]float32, s.Steps*s.Channels)
	s.fill(i, dst)
	return dst
}

// Batch assembles the examples with the given indices into one batch with Dense input
// [len(indices), Steps, Channels] and Labels [len(indices)].
func (s *Set) Batch(indices []int) (*data.Batch, error) {
	if len(indices) == 0 {
		return nil, fmt.Errorf("seqtasks: %s: empty batch", s.Name)
	}
	per := s.Steps * s.Channels
	b := &data.Batch{Size: len(indices), Steps: s.Steps, Channels: s.Channels,
		Dense: make([]float32, len(indices)*per), Labels: make([]int32, len(indices))}
	for k, i := range indices {
		if i < 0 || i >= s.Len() {
			return nil, fmt.Errorf("seqtasks: %s: example %d outside 0..%d", s.Name, i, s.Len()-1)
		}
		s.fill(i, b.Dense[k*per:(k+1)*per])
		b.Labels[k] = s.Labels[i]
	}
	return b, nil
}

// Subset returns a set holding the examples with the given indices, in that order, sharing
// the encoder. Use it for train/validation splits.
func (s *Set) Subset(indices []int) (*Set, error) {
	labels := make([]int32, len(indices))
	for k, i := range indices {
		if i < 0 || i >= s.Len() {
			return nil, fmt.Errorf("seqtasks: %s: subset index %d outside 0..%d", s.Name, i,
				s.Len()-1)
		}
		labels[k] = s.Labels[i]
	}
	idx := append([]int(nil), indices...)
	fill := s.fill
	return &Set{Name: s.Name, Steps: s.Steps, Channels: s.Channels, Classes: s.Classes,
		Labels: labels, fill: func(i int, dst []float32) { fill(idx[i], dst) }}, nil
}

// Split divides the set into its first n examples and the rest.
func (s *Set) Split(n int) (first, rest *Set, err error) {
	if n <= 0 || n >= s.Len() {
		return nil, nil, fmt.Errorf("seqtasks: %s: split at %d must lie in 1..%d", s.Name, n,
			s.Len()-1)
	}
	all := make([]int, s.Len())
	for i := range all {
		all[i] = i
	}
	if first, err = s.Subset(all[:n]); err != nil {
		return nil, nil, err
	}
	rest, err = s.Subset(all[n:])
	return first, rest, err
}

// Shuffled is an endless data.Source over a Set: each epoch visits the examples in a fresh
// seeded random order, in full batches (the last incomplete batch of an epoch is skipped).
type Shuffled struct {
	set       *Set
	batchSize int
	rng       *rand.Rand
	order     []int
	pos       int
	epoch     int
}

// Shuffled returns a training source of batches of batchSize examples, reproducible from seed.
func (s *Set) Shuffled(batchSize int, seed uint64) (*Shuffled, error) {
	if batchSize <= 0 || batchSize > s.Len() {
		return nil, fmt.Errorf("seqtasks: %s: batch size %d must lie in 1..%d", s.Name, batchSize,
			s.Len())
	}
	it := &Shuffled{set: s, batchSize: batchSize, rng: rand.New(rand.NewPCG(seed, 0x5eed)),
		order: make([]int, s.Len()), pos: s.Len()}
	for i := range it.order {
		it.order[i] = i
	}
	it.epoch = -1
	return it, nil
}

// Next returns the next batch; it never returns io.EOF.
func (it *Shuffled) Next() (*data.Batch, error) {
	if it.pos+it.batchSize > len(it.order) {
		it.rng.Shuffle(len(it.order), func(i, j int) {
			it.order[i], it.order[j] = it.order[j],
				it.order[i]
		})
		it.pos = 0
		it.epoch++
	}
	b, err := it.set.Batch(it.order[it.pos : it.pos+it.batchSize])
	it.pos += it.batchSize
	return b, err
}

// Epoch is the index of the epoch the last batch came from: 0 for the first pass.
func (it *Shuffled) Epoch() int { return it.epoch }

// BatchesPerEpoch is the number of full batches in one epoch.
func (it *Shuffled) BatchesPerEpoch() int { return len(it.order) / it.batchSize }

// InOrder is a finite data.Source over a Set for evaluation: examples 0, 1, 2, ... in batches
// of batchSize; the last batch holds the remainder and may be smaller. Next returns io.EOF
// after the last example.
type InOrder struct {
	set       *Set
	batchSize int
	pos       int
}

// InOrder returns an evaluation source over all examples in order.
func (s *Set) InOrder(batchSize int) (*InOrder, error) {
	if batchSize <= 0 {
		return nil, fmt.Errorf("seqtasks: %s: batch size %d must be positive", s.Name, batchSize)
	}
	return &InOrder{set: s, batchSize: batchSize}, nil
}

// Next returns the next batch or io.EOF.
func (it *InOrder) Next() (*data.Batch, error) {
	n := it.set.Len()
	if it.pos >= n {
		return nil, io.EOF
	}
	end := min(it.pos+it.batchSize, n)
	idx := make([]int, end-it.pos)
	for k := range idx {
		idx[k] = it.pos + k
	}
	it.pos = end
	return it.set.Batch(idx)
}

// Reset starts the iteration over from the first example.
func (it *InOrder) Reset() { it.pos = 0 }
