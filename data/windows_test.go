package data

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// synthSims builds n simulations whose content encodes their position: soma[t] =
// 10000·sim + t, input i spikes at every bin t with t % (i+3) == 0, output spikes at every
// multiple of 50.
func synthSims(n, duration, inputs int) []*Simulation {
	sims := make([]*Simulation, n)
	for s := range sims {
		sim := &Simulation{Duration: duration, NumExcitatory: inputs / 2,
			InputSpikes: make([][]int32, inputs), SomaMV: make([]float32, duration)}
		for t := range duration {
			sim.SomaMV[t] = float32(10000*s + t)
			for i := range inputs {
				if t%(i+3) == 0 {
					sim.InputSpikes[i] = append(sim.InputSpikes[i], int32(t))
				}
			}
			if t%50 == 0 {
				sim.OutputSpikes = append(sim.OutputSpikes, int32(t))
			}
		}
		sims[s] = sim
	}
	return sims
}

// checkWindow verifies that element k of b is window w of sims, against the synthetic
// encoding of synthSims.
func checkWindow(t *testing.T, b *Batch, k int, w Window) {
	t.Helper()
	x := b.DenseInput()
	for j := range b.Steps {
		bin := w.Start + j
		if got, want := b.Soma[k*b.Steps+j], float32(10000*w.Sim+bin); got != want {
			t.Fatalf("element %d step %d: soma %g, want %g (window %+v)", k, j, got, want, w)
		}
		if got, want := b.Spike[k*b.Steps+j] == 1, bin%50 == 0; got != want {
			t.Fatalf("element %d step %d: spike %v, want %v", k, j, got, want)
		}
		for i := range b.Channels {
			want := float32(0)
			if bin%(i+3) == 0 {
				want = 1
				if i >= b.Channels/2 {
					want = -1
				}
			}
			if got := x[(k*b.Steps+j)*b.Channels+i]; got != want {
				t.Fatalf("element %d step %d input %d: %g, want %g", k, j, i, got, want)
			}
		}
	}
}

func TestEvalWindowsCoverEveryBinOnce(t *testing.T) {
	cases := []struct{ duration, steps, overlap int }{
		{1000, 500, 150}, {6000, 500, 150}, {500, 500, 100}, {1001, 500, 0}, {37, 10, 9},
	}
	for ci, c := range cases {
		sims := synthSims(2, c.duration, 2)
		plan, err := EvalWindows(sims, c.steps, c.overlap)
		if err != nil {
			t.Fatal(err)
		}
		seen := make([][]int, 2)
		for s := range seen {
			seen[s] = make([]int, c.duration)
		}
		for _, w := range plan {
			if w.Fresh != 0 && w.Fresh < c.overlap {
				t.Errorf("case %d: window %+v keeps less burn-in than the overlap %d", ci, w,
					c.overlap)
			}
			for j := w.Fresh; j < c.steps; j++ {
				seen[w.Sim][w.Start+j]++
			}
		}
		for s := range seen {
			for bin, n := range seen[s] {
				if n != 1 {
					t.Fatalf("case %d: sim %d bin %d covered %d times", ci, s, bin, n)
				}
			}
		}
	}
	plan, _ := EvalWindows(synthSims(1, 1000, 2), 500, 150)
	want := []Window{{0, 0, 0}, {0, 350, 150}, {0, 500, 350}}
	if len(plan) != len(want) {
		t.Fatalf("plan %+v, want %+v", plan, want)
	}
	for k := range want {
		if plan[k] != want[k] {
			t.Errorf("window %d: %+v, want %+v", k, plan[k], want[k])
		}
	}
}

func TestWindowIteratorBatches(t *testing.T) {
	sims := synthSims(3, 120, 6)
	it, err := NewEvalIterator(sims, 50, 10, 4)
	if err != nil {
		t.Fatal(err)
	}
	plan := it.Plan() // 3 windows per simulation: 9 in all, batches of 4, 4, 1
	if len(plan) != 9 {
		t.Fatalf("plan has %d windows, want 9: %+v", len(plan), plan)
	}
	for pass := range 2 {
		var sizes []int
		pos := 0
		for {
			b, err := it.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Validate(); err != nil {
				t.Fatal(err)
			}
			ws := it.Windows()
			for k, w := range ws {
				if w != plan[pos+k] {
					t.Fatalf("batch window %d is %+v, plan says %+v", k, w, plan[pos+k])
				}
				checkWindow(t, b, k, w)
			}
			pos += len(ws)
			sizes = append(sizes, b.Size)
		}
		if len(sizes) != 3 || sizes[0] != 4 || sizes[1] != 4 || sizes[2] != 1 {
			t.Errorf("pass %d: batch sizes %v, want [4 4 1]", pass, sizes)
		}
		it.Reset()
	}
}

func TestWindowSampler(t *testing.T) {
	sims := synthSims(2, 12, 4)
	a, err := NewWindowSampler(sims, 10, 5, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewWindowSampler(sims, 10, 5, 9)
	starts := map[Window]int{}
	for range 40 {
		ba, err := a.Next()
		if err != nil {
			t.Fatal(err)
		}
		bb, _ := b.Next()
		for k := range ba.Size {
			v := int(ba.Soma[k*ba.Steps])
			w := Window{Sim: v / 10000, Start: v % 10000}
			checkWindow(t, ba, k, w)
			starts[w]++
			if bb.Soma[k*bb.Steps] != ba.Soma[k*ba.Steps] {
				t.Fatal("two samplers with the same seed differ")
			}
		}
	}
	// 2 simulations × starts 0, 1, 2: all 6 windows appear in 200 draws, none other.
	if len(starts) != 6 {
		t.Errorf("windows drawn: %v, want all of sims 0-1 × starts 0-2", starts)
	}
	c, _ := NewWindowSampler(sims, 10, 5, 10)
	same := true
	for range 5 {
		ba, _ := a.Next()
		bc, _ := c.Next()
		for k := range ba.Size {
			same = same && ba.Soma[k*ba.Steps] == bc.Soma[k*bc.Steps]
		}
	}
	if same {
		t.Error("seeds 9 and 10 drew the same windows")
	}
}

func TestWindowedErrors(t *testing.T) {
	sims := synthSims(2, 100, 4)
	short := synthSims(1, 20, 4)
	wide := synthSims(1, 100, 6)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"no sims", func() error { _, e := NewWindowSampler(nil, 10, 2, 0); return e }(),
			"no simulations"},
		{"short", func() error {
			_, e := NewWindowSampler(append(sims, short...), 50, 2, 0)
			return e
		}(), "simulation 2 lasts 20 ms"},
		{"inputs", func() error { _, e := NewEvalIterator(append(sims, wide...), 50, 0, 2); return e }(),
			"simulation 2 has 6 inputs"},
		{"batch", func() error { _, e := NewWindowSampler(sims, 50, 0, 0); return e }(),
			"batch size 0"},
		{"overlap", func() error { _, e := EvalWindows(sims, 50, 50); return e }(),
			"overlap 50"},
		{"plan", func() error {
			_, e := NewWindowIterator(sims, []Window{{Sim: 1, Start: 60}}, 50, 2)
			return e
		}(), "window 0"},
		{"split", func() error { _, _, e := SplitSimulations(sims, 2); return e }(),
			"split at 2"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, c.err, c.want)
		}
	}
	first, rest, err := SplitSimulations(sims, 1)
	if err != nil || len(first) != 1 || len(rest) != 1 || first[0] != sims[0] || rest[0] != sims[1] {
		t.Errorf("split at 1: %v %v %v", first, rest, err)
	}
}
