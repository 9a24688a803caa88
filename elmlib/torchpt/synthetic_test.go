package torchpt

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pklEntry describes one state-dict entry of a hand-assembled data.pkl.
type pklEntry struct {
	key, storageType, storageKey string
	numel, offset                int
	shape, stride                []int
}

// binUnicode is the BINUNICODE opcode for s.
func binUnicode(s string) []byte {
	b := []byte{'X', 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[1:], uint32(len(s)))
	return append(b, s...)
}

// intTupleOps pushes a tuple of small ints.
func intTupleOps(v []int) []byte {
	b := []byte{'('}
	for _, x := range v {
		b = append(b, 'M', byte(x), byte(x>>8))
	}
	return append(b, 't')
}

// buildPickle writes the opcodes torch.save uses for an OrderedDict of tensors
// (_rebuild_tensor_v2 with a persistent storage id).
func buildPickle(entries []pklEntry) []byte {
	var b bytes.Buffer
	b.WriteString("\x80\x02ccollections\nOrderedDict\n)R(")
	for _, e := range entries {
		b.Write(binUnicode(e.key))
		b.WriteString("ctorch._utils\n_rebuild_tensor_v2\n(")
		b.WriteString("(")
		b.Write(binUnicode("storage"))
		b.WriteString("ctorch\n" + e.storageType + "\n")
		b.Write(binUnicode(e.storageKey))
		b.Write(binUnicode("cpu"))
		b.Write([]byte{'M', byte(e.numel), byte(e.numel >> 8)})
		b.WriteString("tQ")
		b.Write([]byte{'M', byte(e.offset), byte(e.offset >> 8)})
		b.Write(intTupleOps(e.shape))
		b.Write(intTupleOps(e.stride))
		b.WriteString("\x89ccollections\nOrderedDict\n)RtR")
	}
	b.WriteString("u.")
	return b.Bytes()
}

func writeArchive(t *testing.T, pkl []byte, storages map[string][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("model/data.pkl")
	w.Write(pkl)
	for k, v := range storages {
		w, _ := zw.Create("model/data/" + k)
		w.Write(v)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "synthetic.pt")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func float32Bytes(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// TestViews covers what the published checkpoints do not: a transposed view, a view with an
// offset into a storage shared by two keys, an empty tensor (as unrouted ELM models store),
// int64 and bool storages, another archive prefix than "archive/", and key order.
func TestViews(t *testing.T) {
	entries := []pklEntry{
		{"t", "FloatStorage", "0", 6, 0, []int{3, 2}, []int{1, 3}}, // transpose of 2×3
		{"tail", "FloatStorage", "0", 6, 4, []int{2}, []int{1}},    // shares storage 0
		{"empty", "FloatStorage", "1", 0, 0, []int{0}, []int{1}},
		{"idx", "LongStorage", "2", 2, 0, []int{2}, []int{1}},
		{"mask", "BoolStorage", "3", 3, 0, []int{3}, []int{1}},
	}
	idx := make([]byte, 16)
	binary.LittleEndian.PutUint64(idx, uint64(1<<40))
	binary.LittleEndian.PutUint64(idx[8:], uint64(math.MaxUint64)) // -1
	path := writeArchive(t, buildPickle(entries), map[string][]byte{
		"0": float32Bytes(0, 1, 2, 3, 4, 5), "1": nil, "2": idx, "3": {1, 0, 1},
	})
	keys, got, err := LoadOrdered(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, ",") != "t,tail,empty,idx,mask" {
		t.Errorf("keys %v", keys)
	}
	check := func(name string, ok bool) {
		if !ok {
			t.Errorf("%s: %+v", name, got[name])
		}
	}
	// Storage [[0,1,2],[3,4,5]] transposed: [[0,3],[1,4],[2,5]].
	check("t", fmt.Sprint(got["t"].F32) == "[0 3 1 4 2 5]" && fmt.Sprint(got["t"].Shape) == "[3 2]")
	check("tail", fmt.Sprint(got["tail"].F32) == "[4 5]")
	check("empty", got["empty"].DType == "float32" && len(got["empty"].F32) == 0 &&
		fmt.Sprint(got["empty"].Shape) == "[0]")
	check("idx", got["idx"].DType == "int64" && fmt.Sprint(got["idx"].I64) == "[1099511627776 -1]")
	check("mask", got["mask"].DType == "bool" && fmt.Sprint(got["mask"].Bool) == "[true false true]")
}

func TestSyntheticErrors(t *testing.T) {
	cases := []struct {
		entries  []pklEntry
		storages map[string][]byte
		want     string
		plain    bool // a plain dict instead of an OrderedDict (which drops repeated keys)
	}{
		{[]pklEntry{{"w", "DoubleStorage", "0", 1, 0, []int{1}, []int{1}}},
			map[string][]byte{"0": make([]byte, 8)}, "torch.DoubleStorage", false},
		{[]pklEntry{{"w", "FloatStorage", "0", 2, 1, []int{2}, []int{1}}},
			map[string][]byte{"0": float32Bytes(1, 2)},
			`key "w" (storage 0): shape [2], stride [1] and offset 1 reach past`, false},
		{[]pklEntry{{"w", "FloatStorage", "0", 2, 0, []int{2}, []int{1}},
			{"w", "FloatStorage", "0", 2, 0, []int{2}, []int{1}}},
			map[string][]byte{"0": float32Bytes(1, 2)}, `key "w" appears twice`, true},
		{[]pklEntry{{"w", "FloatStorage", "0", 2, 0, []int{2}, []int{1}}},
			map[string][]byte{"0": float32Bytes(1, 2, 3)}, "larger than 8 bytes", false},
	}
	for i, c := range cases {
		pkl := buildPickle(c.entries)
		if c.plain {
			pkl = bytes.Replace(pkl, []byte("ccollections\nOrderedDict\n)R("), []byte("}("), 1)
		}
		_, err := Load(writeArchive(t, pkl, c.storages))
		if err == nil || !strings.Contains(err.Error(), c.want) ||
			!strings.Contains(err.Error(), "synthetic.pt") {
			t.Errorf("case %d: error %v, want %q and the file name", i, err, c.want)
		}
	}
}
