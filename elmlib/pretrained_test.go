package elmlib

import (
	"encoding/json"
	"os"
	"path/filepath"
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
	b := &data.Batch{Size: 1, Steps: pe.Input.T, Channels: pe.Input.NumInput, Events: &data.Events{}}
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
			checkPretrained(t, m, pe, i)
		})
	}
}
