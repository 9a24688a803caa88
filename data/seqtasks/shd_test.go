package seqtasks

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const python = "/usr/bin/python3"

// writeSHDH5 writes a small HDF5 file in the published SHD layout (labels; spikes/times and
// spikes/units as ragged arrays; an extra/speaker dataset the converter must ignore) and
// converts it with shd/shd_to_bin.py. It skips the test when h5py is missing.
func writeSHDH5(t *testing.T, samples string) (h5, bin string, convErr error, convOut string) {
	t.Helper()
	if err := exec.Command(python, "-c", "import h5py").Run(); err != nil {
		t.Skipf("python3-h5py missing (apt-get install python3-h5py): %v", err)
	}
	dir := t.TempDir()
	h5, bin = filepath.Join(dir, "shd.h5"), filepath.Join(dir, "shd.bin")
	script := `
import sys, h5py, numpy as np
samples = ` + samples + `
with h5py.File(sys.argv[1], "w") as f:
    f.create_dataset("labels", data=np.array([s[0] for s in samples], dtype=np.uint16))
    g = f.create_group("spikes")
    ft = h5py.vlen_dtype(np.dtype("float32"))
    fu = h5py.vlen_dtype(np.dtype("uint16"))
    t = g.create_dataset("times", (len(samples),), dtype=ft)
    u = g.create_dataset("units", (len(samples),), dtype=fu)
    for i, s in enumerate(samples):
        t[i] = np.array(s[1], dtype=np.float32)
        u[i] = np.array(s[2], dtype=np.uint16)
    f.create_group("extra").create_dataset("speaker", data=np.arange(len(samples)))
`
	if out, err := exec.Command(python, "-c", script, h5).CombinedOutput(); err != nil {
		t.Fatalf("writing test HDF5: %v\n%s", err, out)
	}
	out, err := exec.Command(python, "shd/shd_to_bin.py", h5, bin).CombinedOutput()
	return h5, bin, err, string(out)
}

func TestSHDConvertAndBin(t *testing.T) {
	_, bin, err, out := writeSHDH5(t, `[
    (3, [0.0, 0.005, 0.012, 0.999, 1.2], [0, 0, 699, 5, 7]),
    (17, [0.5], [10]),
    (12, [], []),
]`)
	if err != nil {
		t.Fatalf("converter: %v\n%s", err, out)
	}
	d, err := ReadSHD(bin)
	if err != nil {
		t.Fatal(err)
	}
	if d.Channels != 700 || len(d.Labels) != 3 || d.Labels[1] != 17 || len(d.Times[0]) != 5 ||
		len(d.Times[2]) != 0 || d.Units[0][2] != 699 || d.Times[1][0] != 0.5 {
		t.Fatalf("read back %+v", d)
	}

	s, err := d.Sequences("shd", DefaultSHDBinning())
	if err != nil {
		t.Fatal(err)
	}
	if s.Steps != 100 || s.Channels != 700 || s.Classes != 20 {
		t.Fatalf("set %d×%d, %d classes", s.Steps, s.Channels, s.Classes)
	}
	// 10-ms bins: 0 and 5 ms -> bin 0 channel 0 (count 2); 12 ms -> bin 1; 999 ms -> bin 99;
	// 1.2 s lies beyond the 1-s window and is dropped.
	in := s.Input(0)
	want := map[int]float32{0*700 + 0: 2, 1*700 + 699: 1, 99*700 + 5: 1}
	var sum float32
	for k, v := range in {
		sum += v
		if v != want[k] {
			t.Errorf("input[%d] (step %d, channel %d) = %v, want %v", k, k/700, k%700, v, want[k])
		}
	}
	if sum != 4 {
		t.Errorf("sample 0 holds %v spikes in 1 s, want 4", sum)
	}
	if in := s.Input(1); in[50*700+10] != 1 {
		t.Errorf("500 ms should land in bin 50")
	}
	sb, _ := d.Sequences("shd", SHDBinning{DtMS: 10, DurationMS: 1000, Binary: true})
	if sb.Input(0)[0] != 1 {
		t.Errorf("binary binning: %v, want 1", sb.Input(0)[0])
	}
	s4, _ := d.Sequences("shd", SHDBinning{DtMS: 4, DurationMS: 1000})
	if s4.Steps != 250 || s4.Input(0)[1*700+0] != 1 || s4.Input(0)[3*700+699] != 1 {
		t.Errorf("4-ms bins: steps %d; 5 ms -> bin 1, 12 ms -> bin 3", s4.Steps)
	}

	add, pairs, err := d.Adding("shd-adding", DefaultSHDBinning(), 12, 4)
	if err != nil {
		t.Fatal(err)
	}
	if add.Steps != 200 || add.Classes != 19 {
		t.Fatalf("adding set: %d steps, %d classes", add.Steps, add.Classes)
	}
	for k, p := range pairs {
		// digit values: label mod 10 (3 -> 3, 17 -> 7, 12 -> 2).
		if want := d.Labels[p[0]]%10 + d.Labels[p[1]]%10; add.Labels[k] != want {
			t.Errorf("pair %d %v: label %d, want %d", k, p, add.Labels[k], want)
		}
		in, a, b := add.Input(k), s.Input(p[0]), s.Input(p[1])
		for j := range a {
			if in[j] != a[j] || in[100*700+j] != b[j] {
				t.Fatalf("pair %d: concatenation differs at %d", k, j)
			}
		}
	}
	again, pairs2, _ := d.Adding("x", DefaultSHDBinning(), 12, 4)
	if pairs2[5] != pairs[5] || again.Labels[7] != add.Labels[7] {
		t.Error("SHD-Adding pairs not fixed by seed")
	}
}

func TestSHDBadFiles(t *testing.T) {
	_, bin, err, out := writeSHDH5(t, `[(1, [0.1, 0.2], [3, 4]), (19, [0.3], [699])]`)
	if err != nil {
		t.Fatalf("converter: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(bin)
	dir := t.TempDir()
	put := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o644)
		return p
	}
	edit := func(off int, v uint16) []byte {
		b := append([]byte(nil), raw...)
		binary.LittleEndian.PutUint16(b[off:], v)
		return b
	}
	// Layout: 16 header bytes, 2 labels (4 bytes), 2 counts (8), 3 times (12), 3 units (6).
	nan := append([]byte(nil), raw...)
	binary.LittleEndian.PutUint32(nan[28:], math.Float32bits(float32(math.NaN())))
	for i, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"trunc", raw[:len(raw)-1], "needs 46"},
		{"magic", append([]byte("XXXX"), raw[4:]...), "missing magic"},
		{"label", edit(18, 20), "sample 1 has label 20"},
		{"unit", edit(40, 700), "sample 0: channel 700 outside 0..699"},
		{"nan", nan, "sample 0: spike time NaN"},
	} {
		p := put(tc.name, tc.b)
		if _, err := ReadSHD(p); err == nil || !strings.Contains(err.Error(), tc.want) ||
			!strings.Contains(err.Error(), p) {
			t.Errorf("case %d (%s): error %v, want %q naming the file", i, tc.name, err, tc.want)
		}
	}

	// The converter rejects ragged arrays that disagree, naming the sample.
	_, _, err, out = writeSHDH5(t, `[(1, [0.1, 0.2], [3])]`)
	if err == nil || !strings.Contains(out, "sample 0 has 2 times but 1 units") {
		t.Errorf("converter accepted mismatched sample: %v %s", err, out)
	}
}
