package elmlib

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
)

// pretrainedExpected is fixtures/pretrained_expected.json.
type pretrainedExpected struct {
	Input struct {
		T        int      `json:"T"`
		NumInput int      `json:"num_input"`
		Events   [][2]int `json:"events"`
	} `json:"input"`
	Models []struct {
		Name            string             `json:"name"`
		Dir             string             `json:"dir"`
		TrainableParams int                `json:"trainable_params"`
		MemoryUnits     []int              `json:"memory_units"`
		TauMOfUnits     []float64          `json:"tau_m_of_units"`
		Float32VsExp    map[string]float64 `json:"float32_vs_expected"`
		Expected        struct {
			Y      fixtureTensor `json:"y"`
			MUnits fixtureTensor `json:"m_units"`
		} `json:"expected"`
	} `json:"models"`
}

func readPretrainedExpected(t *testing.T) *pretrainedExpected {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(sharedDir, "fixtures", "pretrained_expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pe pretrainedExpected
	if err := json.Unmarshal(raw, &pe); err != nil {
		t.Fatal(err)
	}
	return &pe
}

// neuronIOBatch returns the fixture's input: +1 for excitatory inputs (i < 639), -1 for
// inhibitory ones, at each listed [t, i].
func (pe *pretrainedExpected) neuronIOBatch() *data.Batch {
	b := &data.Batch{Size: 1, Steps: pe.Input.T, Channels: pe.Input.NumInput,
		Events: &data.Events{}}
	for _, ev := range pe.Input.Events {
		v := float32(1)
		if ev[1] >= pe.Input.NumInput/2 {
			v = -1
		}
		b.Events.Add(ev[0], 0, ev[1], v)
	}
	return b
}

// checkPretrained compares a model's prediction with the fixture's expected outputs.
func checkPretrained(t *testing.T, m *Model, pe *pretrainedExpected, i int) {
	t.Helper()
	want := pe.Models[i]
	if m.NumParams() != want.TrainableParams {
		t.Errorf("NumParams = %d, want %d", m.NumParams(), want.TrainableParams)
	}
	p, err := m.Predict(pe.neuronIOBatch())
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "y", p.Y.Data, want.Expected.Y, tolerance(want.Float32VsExp["y"]))
	var mUnits []float32
	for step := range pe.Input.T {
		for _, u := range want.MemoryUnits {
			mUnits = append(mUnits, p.M.At(0, step, u))
		}
	}
	checkClose(t, "m units", mUnits, want.Expected.MUnits, tolerance(want.Float32VsExp["m"]))
	var tau []float32
	for _, u := range want.MemoryUnits {
		tau = append(tau, p.TauM[u])
	}
	checkClose(t, "tau_m", tau, fixtureTensor{Data: want.TauMOfUnits}, 2e-5)
}

func TestPretrainedFromJSON(t *testing.T) {
	pe := readPretrainedExpected(t)
	for i, pm := range pe.Models {
		t.Run(pm.Name, func(t *testing.T) {
			dir := filepath.Join(sharedDir, "fixtures", pm.Dir)
			m, err := ImportAuthorsJSON(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, impl := range implementationsUnderTest {
				if err := m.SetImplementation(impl); err != nil {
					t.Fatal(err)
				}
				t.Logf("implementation %s", impl)
				checkPretrained(t, m, pe, i)
			}
		})
	}
}

func TestPretrainedFromPyTorch(t *testing.T) {
	pe := readPretrainedExpected(t)
	for i, pm := range pe.Models {
		t.Run(pm.Name, func(t *testing.T) {
			dir := filepath.Join(sharedDir, "fixtures", pm.Dir)
			m, err := ImportPyTorch(filepath.Join(dir, AuthorsStateFile))
			if err != nil {
				t.Fatal(err)
			}
			checkPretrained(t, m, pe, i)
			// The .pt and the JSON copy hold the same tensors (fixtures README).
			fromJSON, err := ImportAuthorsJSON(dir)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := m.StateDict()
			b, _ := fromJSON.StateDict()
			if !reflect.DeepEqual(a, b) {
				t.Error("state dict from the .pt differs from the JSON copy")
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	src := filepath.Join(sharedDir, "fixtures", "pretrained", "num_memory_1")
	tmp := t.TempDir()
	copyFile := func(name string, keep func([]byte) []byte) string {
		raw, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(tmp, name)
		if err := os.WriteFile(path, keep(raw), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	same := func(b []byte) []byte { return b }
	copyFile(AuthorsConfigFile, same)

	pt := copyFile(AuthorsStateFile, func(b []byte) []byte { return b[:len(b)/2] })
	if _, err := ImportPyTorch(pt); err == nil || !strings.Contains(err.Error(), pt) {
		t.Errorf("truncated .pt: got %v, want an error naming %s", err, pt)
	}
	pt = copyFile(AuthorsStateFile, func(b []byte) []byte {
		c := append([]byte(nil), b...)
		for i := 100; i < len(c); i += 97 {
			c[i] ^= 0x5a
		}
		return c
	})
	if _, err := ImportPyTorch(pt); err == nil {
		t.Error("corrupt .pt: no error")
	}
	if _, err := ImportPyTorch(filepath.Join(tmp, "missing.pt")); err == nil ||
		!strings.Contains(err.Error(), "missing.pt") {
		t.Errorf("missing .pt: got %v", err)
	}

	sd, err := ReadStateDictJSON(filepath.Join(src, AuthorsStateJSONFile))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ReadAuthorsConfig(filepath.Join(src, AuthorsConfigFile), SynapseTrace)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	edits := []struct {
		edit func(sd StateDict)
		text string
	}{
		0: {func(sd StateDict) { delete(sd, KeyWYBias) }, `missing key "w_y.bias"`},
		1: {func(sd StateDict) { sd[KeyWYWeight].Shape = []int{1, 2} },
			`key "w_y.weight": shape [1 2], want [2 1]`},
		2: {func(sd StateDict) { sd["extra"] = sd[KeyWYBias] }, `unexpected key "extra"`},
		3: {func(sd StateDict) { sd[KeyProtoWS].F32[7] = float32(math.NaN()) },
			`key "_proto_w_s": value NaN at position 7`},
		4: {func(sd StateDict) { sd[KeyIndices].I64[3] = 5000 },
			`index 5000 at position 3 outside [0, 1278)`},
		5: {func(sd StateDict) { sd[KeyTauS].F32 = sd[KeyTauS].F32[:10] },
			`key "tau_s": 10 values for shape [4500]`},
	}
	for i, e := range edits {
		c := cloneStateDict(sd)
		e.edit(c)
		if err := m.LoadStateDict(c); err == nil || !strings.Contains(err.Error(), e.text) {
			t.Errorf("case %d: got %v, want %q", i, err, e.text)
		}
	}
	_, err = variantOf(StateDict{}, "x.pt")
	if err == nil || !strings.Contains(err.Error(), "x.pt") {
		t.Errorf("no trace key: got %v", err)
	}
}

func cloneStateDict(sd StateDict) StateDict {
	out := StateDict{}
	for k, t := range sd {
		out[k] = &Tensor{Shape: slices.Clone(t.Shape), DType: t.DType, F32: slices.Clone(t.F32),
			I64: slices.Clone(t.I64), Bool: slices.Clone(t.Bool)}
	}
	return out
}

// TestConvertPublishedModel: import from .pt, save as our checkpoint, load it back.
func TestConvertPublishedModel(t *testing.T) {
	dir := filepath.Join(sharedDir, "fixtures", "pretrained", "num_memory_20")
	m, err := ImportPyTorch(filepath.Join(dir, AuthorsStateFile))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dm20")
	if err := m.SaveCheckpoint(out); err != nil {
		t.Fatal(err)
	}
	back, err := Load(out)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.StateDict()
	b, _ := back.StateDict()
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(back.Config(), m.Config()) {
		t.Error("the converted checkpoint differs from the imported model")
	}
}
