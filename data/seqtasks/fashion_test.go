package seqtasks

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// needFashion skips when Debian's dataset-fashion-mnist package is not installed.
func needFashion(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(FashionMNISTDir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		t.Skipf("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
}

func TestLoadFashionMNISTReal(t *testing.T) {
	needFashion(t)
	// First labels as printed by Python's gzip module on the same Debian files; the data set
	// is balanced: 6000 images per class in train, 1000 in test.
	for _, tc := range []struct {
		split    Split
		n        int
		first    []int32
		perClass int
	}{
		{Train, 60000, []int32{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, 6000},
		{Test, 10000, []int32{9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, 1000},
	} {
		im, err := LoadFashionMNIST("", tc.split)
		if err != nil {
			t.Fatal(err)
		}
		if im.Len() != tc.n || im.Height != 28 || im.Width != 28 || im.Classes != 10 {
			t.Fatalf("%v: %d images of %d×%d, %d classes", tc.split, im.Len(), im.Height, im.Width,
				im.Classes)
		}
		for i, l := range tc.first {
			if im.Labels[i] != l {
				t.Errorf("%v: label %d = %d, want %d", tc.split, i, im.Labels[i], l)
			}
		}
		counts := make([]int, 10)
		for _, l := range im.Labels {
			counts[l]++
		}
		for c, n := range counts {
			if n != tc.perClass {
				t.Errorf("%v: class %d has %d images, want %d", tc.split, c, n, tc.perClass)
			}
		}
	}
	// Pixel sum and maximum of training image 0 (Python: sum(d[16:800]) = 76247, max 255).
	im, _ := LoadFashionMNIST("", Train)
	sum, mx := 0, uint8(0)
	for _, p := range im.Image(0) {
		sum += int(p)
		mx = max(mx, p)
	}
	if sum != 76247 || mx != 255 {
		t.Errorf("image 0: pixel sum %d, max %d; want 76247, 255", sum, mx)
	}
}

// idxBytes builds an idx file of unsigned bytes with the given dimensions.
func idxBytes(dims []int, values []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(values)
	return b.Bytes()
}

func gzipped(raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	good := idxBytes([]int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	for i, tc := range []struct {
		name    string
		content []byte
		dims    int
		wantErr string // empty: must succeed
	}{
		{"plain", good, 2, ""},
		{"gz", gzipped(good), 2, ""},
		{"truncated", good[:len(good)-2], 2,
			"truncated: header announces [2 3] = 6 values, file holds 4"},
		{"truncated.gz", gzipped(good[:len(good)-2]), 2, "truncated"},
		{"trailing", append(append([]byte{}, good...), 9, 9), 2, "2 bytes after the 6 values"},
		{"badmagic", append([]byte{1, 2}, good[2:]...), 2, "not an idx file"},
		{"float", append([]byte{0, 0, 0x0d}, good[3:]...), 2, "is not unsigned byte"},
		{"dims", good, 3, "announces 2 dimensions, want 3"},
		{"short", []byte{0, 0}, 2, "too short for the 4 magic bytes"},
		{"badgz", []byte{0x1f, 0x8b, 0, 0, 0}, 2, "bad gzip header"},
		{"header", good[:9], 2, "header truncated in dimension 1"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, tc.content, 0o644); err != nil {
			t.Fatal(err)
		}
		idx, err := ReadIDXFile(path, tc.dims)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("case %d (%s): %v", i, tc.name, err)
			} else if len(idx.Dims) != 2 || idx.Dims[0] != 2 || idx.Dims[1] != 3 ||
				idx.Values[5] != 6 {
				t.Errorf("case %d (%s): read dims %v values %v", i, tc.name, idx.Dims, idx.Values)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) ||
			!strings.Contains(err.Error(), path) {
			t.Errorf("case %d (%s): error %v, want one naming %s and saying %q", i, tc.name, err,
				path, tc.wantErr)
		}
	}
	if _, err := ReadIDXFile(filepath.Join(dir, "missing"), 1); err == nil ||
		!strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestLoadFashionMNISTMismatch(t *testing.T) {
	dir := t.TempDir()
	img := idxBytes([]int{2, 28, 28}, make([]byte, 2*784))
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("t10k-images-idx3-ubyte", img)
	write("t10k-labels-idx1-ubyte", idxBytes([]int{3}, []byte{1, 2, 3}))
	if _, err := LoadFashionMNIST(dir, Test); err == nil || !strings.Contains(err.Error(),
		"holds 2 images but") {
		t.Errorf("count mismatch: error %v", err)
	}
	write("t10k-labels-idx1-ubyte", idxBytes([]int{2}, []byte{1, 12}))
	if _, err := LoadFashionMNIST(dir, Test); err == nil || !strings.Contains(err.Error(),
		"label 12 of example 1") {
		t.Errorf("bad label: error %v", err)
	}
	write("t10k-labels-idx1-ubyte", idxBytes([]int{2}, []byte{1, 7}))
	im, err := LoadFashionMNIST(dir, Test)
	if err != nil || im.Len() != 2 || im.Labels[1] != 7 {
		t.Errorf("plain files: %v", err)
	}
	if _, err := LoadFashionMNIST(dir, Train); err == nil || !strings.Contains(err.Error(),
		"train-images") {
		t.Errorf("missing split: error %v", err)
	}
}

// tinyImages is 2 images of 2×3 pixels with known grey levels.
func tinyImages() *Images {
	return &Images{Height: 2, Width: 3, Classes: 2, Labels: []int32{0, 1},
		Pixels: []uint8{0, 15, 16, 128, 254, 255, 1, 2, 3, 4, 5, 6}}
}

func TestImageSequences(t *testing.T) {
	im := tinyImages()
	s, err := im.Sequences("tiny", ImageEncoding{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Steps != 6 || s.Channels != 1 || s.Name != "tiny/pixel/value" {
		t.Fatalf("pixel/value: %s steps %d channels %d", s.Name, s.Steps, s.Channels)
	}
	if g := im.Grey(0); len(g) != 6 || g[1] != 15.0/255 || g[5] != 1 {
		t.Errorf("grey values %v", g)
	}
	if in := s.Input(0); in[1] != 15.0/255 || in[5] != 1 || in[0] != 0 {
		t.Errorf("pixel/value input %v", in)
	}

	// 16 bins: level = grey*16/256, so 0,15 -> 0; 16 -> 1; 128 -> 8; 254,255 -> 15.
	s, _ = im.Sequences("tiny", ImageEncoding{Bins: 16})
	in := s.Input(0)
	for t0, want := range []int{0, 0, 1, 8, 15, 15} {
		for c := 0; c < 16; c++ {
			v := in[t0*16+c]
			if (c == want) != (v == 1) || (v != 0 && v != 1) {
				t.Errorf("step %d channel %d = %v, want one-hot at %d", t0, c, v, want)
			}
		}
	}

	s, _ = im.Sequences("tiny", ImageEncoding{Rows: true, Bins: 8})
	if s.Steps != 2 || s.Channels != 24 {
		t.Fatalf("row/bins8: steps %d channels %d", s.Steps, s.Channels)
	}
	if in := s.Input(0); in[1*24+1*8+7] != 1 || in[0*24+2*8+0] != 1 {
		t.Errorf("row/bins8: pixel (1,1)=254 should be level 7, (0,2)=16 level 0")
	}

	// Quantised level as one value: 128 -> level 8 of 16 -> 8/15; 255 -> 1; 15 -> 0.
	s, _ = im.Sequences("tiny", ImageEncoding{Bins: 16, BinValue: true})
	if in := s.Input(0); s.Channels != 1 || s.Name != "tiny/pixel/level16" || in[3] != 8.0/15 ||
		in[5] != 1 || in[1] != 0 {
		t.Errorf("pixel/level16: %s channels %d input %v", s.Name, s.Channels, in)
	}

	enc := ImageEncoding{Permute: true, PermSeed: 3}
	s, _ = im.Sequences("tiny", enc)
	perm := PixelPermutation(6, 3)
	in = s.Input(1)
	seen := make([]bool, 6)
	for t0, p := range perm {
		seen[p] = true
		if in[t0] != float32(im.Image(1)[p])/255 {
			t.Errorf("permuted step %d = %v, want pixel %d", t0, in[t0], p)
		}
	}
	for p, ok := range seen {
		if !ok {
			t.Errorf("permutation %v misses pixel %d", perm, p)
		}
	}
	if again := PixelPermutation(6, 3); !slices.Equal(again, perm) {
		t.Errorf("permutation not fixed by seed: %v then %v", perm, again)
	}

	if _, err := im.Sequences("tiny", ImageEncoding{Bins: 1}); err == nil {
		t.Error("bins 1 accepted")
	}
}

func TestIterators(t *testing.T) {
	im := &Images{Height: 1, Width: 1, Classes: 10}
	for i := 0; i < 10; i++ {
		im.Pixels = append(im.Pixels, uint8(i))
		im.Labels = append(im.Labels, int32(i))
	}
	s, _ := im.Sequences("ten", ImageEncoding{})

	ev, _ := s.InOrder(4)
	var sizes []int
	for k := 0; ; k++ {
		b, err := ev.Next()
		if err == io.EOF {
			break
		}
		if err != nil || b.Validate() != nil {
			t.Fatal(err, b.Validate())
		}
		for j, l := range b.Labels {
			if int(l) != 4*k+j || b.Dense[j] != float32(4*k+j)/255 {
				t.Errorf("eval batch %d row %d: label %d input %v", k, j, l, b.Dense[j])
			}
		}
		sizes = append(sizes, b.Size)
	}
	if !slices.Equal(sizes, []int{4, 4, 2}) {
		t.Errorf("eval batch sizes %v, want [4 4 2]", sizes)
	}

	// Shuffled: each epoch of 3 batches of 3 holds 9 distinct examples; same seed, same order.
	a, _ := s.Shuffled(3, 42)
	b, _ := s.Shuffled(3, 42)
	c, _ := s.Shuffled(3, 43)
	differ := false
	for ep := 0; ep < 2; ep++ {
		seen := map[int32]bool{}
		for k := 0; k < a.BatchesPerEpoch(); k++ {
			ba, _ := a.Next()
			bb, _ := b.Next()
			bc, _ := c.Next()
			for j := range ba.Labels {
				if ba.Labels[j] != bb.Labels[j] {
					t.Fatalf("same seed gave different batches")
				}
				differ = differ || ba.Labels[j] != bc.Labels[j]
				if seen[ba.Labels[j]] {
					t.Errorf("epoch %d repeats example %d", ep, ba.Labels[j])
				}
				seen[ba.Labels[j]] = true
			}
		}
		if a.Epoch() != ep {
			t.Errorf("epoch counter %d, want %d", a.Epoch(), ep)
		}
	}
	if !differ {
		t.Error("seeds 42 and 43 gave the same order")
	}
	if _, err := s.Shuffled(11, 1); err == nil {
		t.Error("batch larger than the set accepted")
	}

	tr, va, err := s.Split(7)
	if err != nil || tr.Len() != 7 || va.Len() != 3 || va.Labels[0] != 7 ||
		va.Input(2)[0] != 9.0/255 {
		t.Errorf("split: %v", err)
	}
}
