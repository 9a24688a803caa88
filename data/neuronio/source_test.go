package neuronio

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

// copies puts n copies of testdata files into a temp dir (alternating small.p and py3.p).
func copies(t *testing.T, n int) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for i := 0; i < n; i++ {
		src := []string{"small.p", "py3.p"}[i%2]
		b, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, string(rune('a'+i))+"_"+src)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestWindowSourceRotation: with 4 files, 2 in memory and a swap every 3 batches, memory
// never holds more than 2 files, the oldest is replaced on schedule, and all files are visited.
func TestWindowSourceRotation(t *testing.T) {
	files := copies(t, 4)
	s, err := NewWindowSource(SourceConfig{Files: files, BatchSize: 4, Window: 200,
		FilesInMemory: 2, BatchesPerSwap: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var _ data.Source = s
	seen := map[string]bool{}
	prev := s.Resident()
	for b := 0; b < 24; b++ {
		batch, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		if batch.Size != 4 || batch.Steps != 200 || batch.Channels != 1278 {
			t.Fatalf("batch %d: %d×%d×%d", b, batch.Size, batch.Steps, batch.Channels)
		}
		r := s.Resident()
		if len(r) != 2 {
			t.Fatalf("batch %d: %d files in memory", b, len(r))
		}
		changed := !slices.Equal(r, prev)
		if wantChange := b > 0 && b%3 == 0; changed != wantChange {
			t.Errorf("batch %d: resident %v after %v (change expected: %v)", b, r, prev, wantChange)
		}
		if changed && r[0] != prev[1] {
			t.Errorf("batch %d: the oldest file was not the one replaced: %v -> %v", b, prev, r)
		}
		for _, f := range r {
			seen[f] = true
		}
		prev = r
	}
	if len(seen) != 4 {
		t.Errorf("visited %d of 4 files", len(seen))
	}
}

// TestWindowSourceWindows finds each drawn window in the loaded simulations (by its soma
// trace) and requires the batch to equal data.WindowBatch on that simulation and start.
func TestWindowSourceWindows(t *testing.T) {
	files := []string{"testdata/small.p", "testdata/py3.p"}
	var all []*data.Simulation
	for _, f := range files {
		sims, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, sims...)
	}
	const w = 300
	s, err := NewWindowSource(SourceConfig{Files: files, BatchSize: 3, Window: w, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 4; b++ {
		batch, err := s.Next()
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < batch.Size; k++ {
			soma := batch.Soma[k*w : (k+1)*w]
			sim, start := findWindow(all, soma)
			if sim == nil {
				t.Fatalf("batch %d window %d: soma trace not found in any simulation", b, k)
			}
			want, _ := data.WindowBatch([]*data.Simulation{sim}, []int{start}, w)
			got := sliceBatch(batch, k)
			if !reflect.DeepEqual(got, want.DenseInput()) ||
				!slices.Equal(batch.Spike[k*w:(k+1)*w], want.Spike) {
				t.Fatalf("batch %d window %d: input or spikes differ from WindowBatch", b, k)
			}
		}
	}
}

func findWindow(sims []*data.Simulation, soma []float32) (*data.Simulation, int) {
	for _, s := range sims {
		for st := 0; st+len(soma) <= s.Duration; st++ {
			if slices.Equal(s.SomaMV[st:st+len(soma)], soma) {
				return s, st
			}
		}
	}
	return nil, 0
}

// sliceBatch returns window k of b as dense [Steps, Channels] input.
func sliceBatch(b *data.Batch, k int) []float32 {
	x := b.DenseInput()
	n := b.Steps * b.Channels
	return x[k*n : (k+1)*n]
}

func TestWindowSourceDeterministic(t *testing.T) {
	files := copies(t, 3)
	draw := func(seed uint64) []*data.Batch {
		s, err := NewWindowSource(SourceConfig{Files: files, BatchSize: 2, Window: 100,
			FilesInMemory: 1, BatchesPerSwap: 2, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var out []*data.Batch
		for i := 0; i < 7; i++ {
			b, err := s.Next()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}
	a, b, c := draw(1), draw(1), draw(2)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed gave different batches")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds gave the same batches")
	}
}

func TestWindowSourceErrors(t *testing.T) {
	// A truncated file in the rotation: the error names it when its turn comes.
	s, err := NewWindowSource(SourceConfig{Files: []string{"testdata/small.p",
		"testdata/truncated.p"}, FilesInMemory: 1, BatchesPerSwap: 1, Window: 100, Seed: 3})
	if err != nil {
		if !strings.Contains(err.Error(), "truncated.p") {
			t.Fatalf("error %v does not name truncated.p", err)
		}
	} else {
		var last error
		for i := 0; i < 6 && last == nil; i++ {
			_, last = s.Next()
		}
		if last == nil || !strings.Contains(last.Error(), "truncated.p") || last == io.EOF {
			t.Errorf("error %v, want one naming truncated.p", last)
		}
	}

	cases := []struct {
		cfg  SourceConfig
		want string
	}{
		{SourceConfig{}, "at least one file"},
		{SourceConfig{Files: []string{"testdata/small.p"}, Window: 2000},
			"lasts 1000 ms, shorter than the 2000 ms window"},
		{SourceConfig{Files: []string{"testdata/small.p"}, BatchSize: -1}, "BatchSize = -1"},
		{SourceConfig{Files: []string{"testdata/missing_key.p"}}, "missing_key.p"},
	}
	for i, c := range cases {
		_, err := NewWindowSource(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want %q", i, err, c.want)
		}
	}
}
