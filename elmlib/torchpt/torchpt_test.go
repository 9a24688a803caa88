package torchpt

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const pretrainedDir = "../../../shared/fixtures/pretrained"

// jsonTensor is one entry of the fixtures' state_dict.json (the same weights as plain JSON).
type jsonTensor struct {
	DType string    `json:"dtype"`
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func readStateDictJSON(t *testing.T, path string) map[string]jsonTensor {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]jsonTensor
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestPublishedCheckpoints loads the authors' three published NeuronIO models and requires
// every tensor to equal the JSON copy exactly (float32 values read as float64 are exact).
func TestPublishedCheckpoints(t *testing.T) {
	for _, name := range []string{"num_memory_1", "num_memory_20", "best_elm_neuron"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(pretrainedDir, name)
			keys, got, err := LoadOrdered(filepath.Join(dir, "neuronio_best_model_state.pt"))
			if err != nil {
				t.Fatal(err)
			}
			want := readStateDictJSON(t, filepath.Join(dir, "state_dict.json"))
			if len(got) != len(want) || len(keys) != len(want) {
				t.Fatalf("got %d tensors (%d keys), JSON has %d", len(got), len(keys), len(want))
			}
			if keys[0] != "_proto_w_s" || keys[len(keys)-1] != "w_y.bias" {
				t.Errorf("key order %v, want _proto_w_s first and w_y.bias last", keys)
			}
			for k, w := range want {
				compareTensor(t, k, got[k], w)
			}
		})
	}
}

func compareTensor(t *testing.T, key string, g *Tensor, w jsonTensor) {
	t.Helper()
	if g == nil {
		t.Errorf("%s: missing", key)
		return
	}
	if g.DType != w.DType || !slices.Equal(g.Shape, w.Shape) {
		t.Errorf("%s: dtype %s shape %v, want %s %v", key, g.DType, g.Shape, w.DType, w.Shape)
		return
	}
	if g.NumElements() != len(w.Data) {
		t.Errorf("%s: %d elements, JSON has %d", key, g.NumElements(), len(w.Data))
		return
	}
	for i, v := range w.Data {
		var x float64
		switch g.DType {
		case "float32":
			// The JSON holds the shortest decimal that reads back to the float32.
			if float32(v) != g.F32[i] {
				t.Errorf("%s[%d] = %v, want %v", key, i, g.F32[i], float32(v))
				return
			}
			continue
		case "int64":
			x = float64(g.I64[i])
		case "bool":
			if g.Bool[i] {
				x = 1
			}
		}
		if x != v {
			t.Errorf("%s[%d] = %v, want %v", key, i, x, v)
			return
		}
	}
}

// rewriteZip copies the fixture archive with edit applied to each member (nil drops it).
func rewriteZip(t *testing.T, edit func(name string, b []byte) []byte) string {
	t.Helper()
	src := filepath.Join(pretrainedDir, "num_memory_1", "neuronio_best_model_state.pt")
	zr, err := zip.OpenReader(src)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		nb := edit(f.Name, b.Bytes())
		if nb == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(nb)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "edited.pt")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCorruptFiles checks that each kind of damage gives an error naming the file (and the
// key or storage where one is involved), never a panic.
func TestCorruptFiles(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join(pretrainedDir, "num_memory_1",
		"neuronio_best_model_state.pt"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name string
		path string
		want []string // substrings of the error
	}{
		{"missing file", filepath.Join(t.TempDir(), "nope.pt"), []string{"nope.pt"}},
		{"truncated", write("trunc.pt", orig[:len(orig)/2]), []string{"trunc.pt", "zip"}},
		{"not a zip", write("text.pt", []byte("this is not a checkpoint\n")),
			[]string{"text.pt", "not a readable torch zip"}},
		{"no data.pkl", rewriteZip(t, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				return nil
			}
			return b
		}), []string{"edited.pt", "no data.pkl"}},
		{"missing storage", rewriteZip(t, func(n string, b []byte) []byte {
			if n == "archive/data/3" {
				return nil
			}
			return b
		}), []string{"edited.pt", "storage 3", "missing archive member archive/data/3"}},
		{"short storage", rewriteZip(t, func(n string, b []byte) []byte {
			if n == "archive/data/0" {
				return b[:100]
			}
			return b
		}), []string{"edited.pt", `key "_proto_w_s"`, "holds 100 bytes, want 18000"}},
		{"truncated pickle", rewriteZip(t, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				return b[:len(b)/2]
			}
			return b
		}), []string{"edited.pt", "data.pkl ends early (truncated)"}},
		{"garbage pickle", rewriteZip(t, func(n string, b []byte) []byte {
			if strings.HasSuffix(n, "data.pkl") {
				g := append([]byte{}, b...)
				for i := 40; i < len(g); i += 7 {
					g[i] ^= 0x5a
				}
				return g
			}
			return b
		}), []string{"edited.pt"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(c.path)
			if err == nil {
				t.Fatalf("case %d: no error", i)
			}
			t.Logf("error: %v", err)
			for _, s := range c.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("case %d: error %q does not contain %q", i, err, s)
				}
			}
		})
	}
}

// TestFlatIndices checks the strided gather on a transposed 2×3 view of a 3×2 storage.
func TestFlatIndices(t *testing.T) {
	// Storage [[0,1],[2,3],[4,5]] viewed transposed: shape [2,3], stride [1,2].
	got := flatIndices([]int{2, 3}, []int{1, 2}, 0, 6)
	want := []int{0, 2, 4, 1, 3, 5}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestLibraryPanicRecovered feeds a data.pkl whose OrderedDict key is a bytes object: gopickle
// panics inserting it into a Go map ("hash of unhashable type"); Load must return an error.
func TestLibraryPanicRecovered(t *testing.T) {
	pkl := []byte("\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01C\x01xK\x01s.")
	path := rewriteZip(t, func(n string, b []byte) []byte {
		if strings.HasSuffix(n, "data.pkl") {
			return pkl
		}
		return b
	})
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "edited.pt") ||
		!strings.Contains(err.Error(), "corrupt data.pkl") {
		t.Errorf("error %v, want a recovered panic naming the file", err)
	}
}
