package data

import "fmt"

// Events is a sparse input: entry k says that channel Channel[k] of sequence Seq[k] has
// value Value[k] at time step Step[k]. All other entries are zero. Spike inputs in the
// NeuronIO convention carry +1 for excitatory and -1 for inhibitory channels.
type Events struct {
	Step    []int32
	Seq     []int32
	Channel []int32
	Value   []float32
}

// Len is the number of events.
func (e *Events) Len() int { return len(e.Step) }

// Add appends one event.
func (e *Events) Add(step, seq, channel int, value float32) {
	e.Step = append(e.Step, int32(step))
	e.Seq = append(e.Seq, int32(seq))
	e.Channel = append(e.Channel, int32(channel))
	e.Value = append(e.Value, value)
}

// Batch is one mini-batch of sequences, the common currency between data sets and models.
//
// Input is either sparse (Events, for spike data) or dense (Dense, [Size, Steps, Channels]
// row-major); exactly one is set. Targets are optional and depend on the task:
// Spike and Soma for NeuronIO-shaped data, Labels for sequence classification.
type Batch struct {
	Size, Steps, Channels int

	Events *Events
	Dense  []float32

	// Spike is [Size, Steps]: 1 where the neuron fired in that 1-ms bin, else 0.
	Spike []float32
	// Soma is [Size, Steps]: somatic voltage in mV, unclipped.
	Soma []float32
	// Labels is [Size]: class index per sequence.
	Labels []int32
}

// Validate checks that the batch's slices agree with its sizes and that events are in range.
func (b *Batch) Validate() error {
	if b.Size <= 0 || b.Steps <= 0 || b.Channels <= 0 {
		return fmt.Errorf("data: batch sizes must be positive, got size %d, steps %d, channels %d",
			b.Size, b.Steps, b.Channels)
	}
	if (b.Events == nil) == (b.Dense == nil) {
		return fmt.Errorf("data: batch must have exactly one of Events and Dense input")
	}
	if b.Dense != nil && len(b.Dense) != b.Size*b.Steps*b.Channels {
		return fmt.Errorf("data: dense input has %d values, want %d (size %d × steps %d × channels %d)",
			len(b.Dense), b.Size*b.Steps*b.Channels, b.Size, b.Steps, b.Channels)
	}
	if e := b.Events; e != nil {
		n := len(e.Step)
		if len(e.Seq) != n || len(e.Channel) != n || len(e.Value) != n {
			return fmt.Errorf("data: event slices differ in length: step %d, seq %d, channel %d, value %d",
				n, len(e.Seq), len(e.Channel), len(e.Value))
		}
		for k := 0; k < n; k++ {
			if int(e.Step[k]) >= b.Steps || e.Step[k] < 0 || int(e.Seq[k]) >= b.Size || e.Seq[k] < 0 ||
				int(e.Channel[k]) >= b.Channels || e.Channel[k] < 0 {
				return fmt.Errorf("data: event %d (step %d, seq %d, channel %d) is outside the batch %d×%d×%d",
					k, e.Step[k], e.Seq[k], e.Channel[k], b.Size, b.Steps, b.Channels)
			}
		}
	}
	for _, t := range []struct {
		name string
		v    []float32
	}{{"Spike", b.Spike}, {"Soma", b.Soma}} {
		if t.v != nil && len(t.v) != b.Size*b.Steps {
			return fmt.Errorf("data: %s target has %d values, want %d (size %d × steps %d)",
				t.name, len(t.v), b.Size*b.Steps, b.Size, b.Steps)
		}
	}
	if b.Labels != nil && len(b.Labels) != b.Size {
		return fmt.Errorf("data: %d labels for a batch of %d", len(b.Labels), b.Size)
	}
	return nil
}

// DenseInput returns the input as [Size, Steps, Channels] row-major values, materialising
// events if the batch is sparse. Events at the same position add up.
func (b *Batch) DenseInput() []float32 {
	if b.Dense != nil {
		return b.Dense
	}
	out := make([]float32, b.Size*b.Steps*b.Channels)
	e := b.Events
	for k := range e.Step {
		out[(int(e.Seq[k])*b.Steps+int(e.Step[k]))*b.Channels+int(e.Channel[k])] += e.Value[k]
	}
	return out
}

// Source yields mini-batches one after another, e.g. random training windows.
// Next returns io.EOF when a finite source is exhausted.
type Source interface {
	Next() (*Batch, error)
}
