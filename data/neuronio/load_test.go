package neuronio

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// expectedSim is one simulation of testdata/expected.json, written by make_fixtures.py with
// the authors' conventions (input bin = time, output bin = int(t - 0.5)).
type expectedSim struct {
	Inputs [][]int32 `json:"inputs"`
	Soma   []float64 `json:"soma"`
	Output []int32   `json:"output"`
}

func readExpected(t *testing.T) map[string][]expectedSim {
	t.Helper()
	b, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]expectedSim
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestLoadFixtures loads the Python-2-layout file (numpy scalars, float16 arrays) and the
// Python-3-layout file (float64 arrays, big-endian float32 soma), each with the lazy path on
// and off, and compares every spike bin and voltage with expected.json.
func TestLoadFixtures(t *testing.T) {
	want := readExpected(t)
	for _, threshold := range []int{1 << 16, 512} {
		old := lazyThreshold
		lazyThreshold = threshold
		for _, name := range []string{"small.p", "py3.p"} {
			f, err := LoadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if f.DurationMS != 1000 || len(f.SegmentTypes) != 639 || f.SegmentTypes[0] != "basal" ||
				f.SegmentTypes[638] != "apical" {
				t.Errorf("%s: duration %d, %d segment types", name, f.DurationMS, len(f.SegmentTypes))
			}
			w := want[name]
			if len(f.Simulations) != len(w) {
				t.Fatalf("%s: %d simulations, want %d", name, len(f.Simulations), len(w))
			}
			for i, s := range f.Simulations {
				compareSim(t, name, i, s.InputSpikes, s.SomaMV, s.OutputSpikes, w[i])
				if s.NumExcitatory != 639 || s.Duration != 1000 {
					t.Errorf("%s sim %d: %d excitatory, %d ms", name, i, s.NumExcitatory, s.Duration)
				}
				if err := s.Validate(); err != nil {
					t.Errorf("%s sim %d: %v", name, i, err)
				}
			}
		}
		lazyThreshold = old
	}
}

func compareSim(t *testing.T, name string, i int, in [][]int32, soma []float32, out []int32,
	w expectedSim) {
	t.Helper()
	if len(in) != 1278 || len(w.Inputs) != 1278 {
		t.Fatalf("%s sim %d: %d input rows, expected.json %d", name, i, len(in), len(w.Inputs))
	}
	for r := range in {
		if !slices.Equal(in[r], w.Inputs[r]) && !(len(in[r]) == 0 && len(w.Inputs[r]) == 0) {
			t.Fatalf("%s sim %d input %d: %v, want %v", name, i, r, in[r], w.Inputs[r])
		}
	}
	for k, v := range w.Soma {
		if soma[k] != float32(v) {
			t.Fatalf("%s sim %d soma[%d] = %v, want %v", name, i, k, soma[k], v)
		}
	}
	if !slices.Equal(out, w.Output) {
		t.Errorf("%s sim %d output bins %v, want %v", name, i, out, w.Output)
	}
	if len(out) == 0 || out[0] != 0 {
		t.Errorf("%s sim %d: the spike at 0.3 ms should be in bin 0, got %v", name, i, out)
	}
}

// TestBadFiles: each damaged file gives an error naming the file (and simulation and key).
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.p")
	os.WriteFile(garbage, []byte("\x80\x02}q\x00(U\x06Params\xff\xff"), 0o644)
	notDict := filepath.Join(dir, "list.p")
	os.WriteFile(notDict, []byte("\x80\x02]q\x00."), 0o644)
	cases := []struct {
		path string
		want []string
	}{
		{"testdata/truncated.p", []string{"testdata/truncated.p", "file ends early (truncated?)"}},
		{"testdata/missing_key.p", []string{"testdata/missing_key.p", "simulation 1",
			`missing key "somaVoltageLowRes"`}},
		{filepath.Join(dir, "absent.p"), []string{"absent.p", "no such file"}},
		{garbage, []string{"garbage.p", "unknown pickle opcode 0xff"}},
		{notDict, []string{"list.p", "top level is list, want a dict"}},
	}
	for i, c := range cases {
		_, err := Load(c.path)
		if err == nil {
			t.Errorf("case %d (%s): no error", i, c.path)
			continue
		}
		for _, s := range c.want {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("case %d: error %q does not contain %q", i, err, s)
			}
		}
	}
}

func TestHalfToFloat32(t *testing.T) {
	cases := []struct {
		h    uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, 5.9604645e-08}, // smallest subnormal
		{0x3555, 0.33325195}, {0x8000, 0}, {0xd460, -70},
	}
	for i, c := range cases {
		if got := halfToFloat32(c.h); got != c.want {
			t.Errorf("case %d: %#04x -> %v, want %v", i, c.h, got, c.want)
		}
	}
}

// TestCorruptionNeverPanics flips random bytes of a fixture and cuts it at random lengths; every
// load must return (an error or simulations) without panicking.
func TestCorruptionNeverPanics(t *testing.T) {
	orig, err := os.ReadFile("testdata/missing_key.p")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	for i := 0; i < 150; i++ {
		b := append([]byte(nil), orig...)
		if i%3 == 0 {
			b = b[:rng.IntN(len(b))]
		} else {
			for k := 0; k < 1+rng.IntN(4); k++ {
				b[rng.IntN(len(b))] = byte(rng.IntN(256))
			}
		}
		p := filepath.Join(dir, "bad.p")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("mutation %d: panic %v", i, r)
				}
			}()
			if _, err := Load(p); err != nil && !strings.Contains(err.Error(), "bad.p") {
				t.Errorf("mutation %d: error %q does not name the file", i, err)
			}
		}()
	}
}
