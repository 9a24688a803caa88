package views

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data/seqtasks"
	"github.com/elmneuron/elm/elmlib/seqtrain"
)

func longRangeResults() *seqtrain.Results {
	b := seqtrain.Budget{Steps: 10, Batch: 16, LR: 5e-3}
	elm := seqtrain.Row{Task: "pathfinder32", Model: "ELM d_m 100", Kind: seqtrain.KindELM,
		Params: 42110, TauMMax: 2000, Steps: 1024, Channels: 8, Budget: b, Accuracy: 0.5,
		Chance: 0.5, TestExamples: 128, StepMillis: 2048, TrainSeconds: 30}
	lstm := elm
	lstm.Model, lstm.Kind, lstm.TauMMax, lstm.Accuracy, lstm.StepMillis = "LSTM hidden 97",
		seqtrain.KindLSTM, 0, 0.625, 1024
	short := elm
	short.TauMMax, short.Accuracy = 10, 0.25
	return &seqtrain.Results{Experiment: seqtrain.Experiment{Task: "pathfinder32"},
		Compare: []seqtrain.Row{elm, lstm}, Sweep: []seqtrain.Row{short, elm}}
}

func TestLongRangeViews(t *testing.T) {
	res := longRangeResults()
	tab := LongRangeTable("cmp", res)
	if len(tab.Rows) != 2 || tab.Rows[1][1] != "LSTM hidden 97" || tab.Rows[1][4] != "62.5" {
		t.Errorf("table rows %q", tab.Rows)
	}

	if skip := LongRangeTable("cmp", nil, res, nil); len(skip.Rows) != 2 {
		t.Errorf("nil results not left out: %d rows, want 2", len(skip.Rows))
	}
	if _, err := TauMaxSweep(nil); err == nil || !strings.Contains(err.Error(), "no long-range") {
		t.Errorf("TauMaxSweep(nil): %v", err)
	}

	c, err := TauMaxSweep(res)
	if err != nil {
		t.Fatal(err)
	}
	// Two lines: the ELM at τ_max 10 and 2000 (25 %, 50 %), the LSTM flat at 62.5 %.
	if !json.Valid(c.Option()) {
		t.Fatalf("sweep chart option is not JSON: %s", c.Option())
	}
	js := string(c.Option())
	if !strings.Contains(js, "LSTM hidden 97 (no τ)") || !strings.Contains(js, "62.5") ||
		!strings.Contains(js, "25") {
		t.Errorf("sweep chart option lacks the LSTM line or values: %s", js)
	}
	res.Sweep = nil
	if _, err := TauMaxSweep(res); err == nil || !strings.Contains(err.Error(), "no τ_max sweep") {
		t.Errorf("no sweep: %v", err)
	}

	// 2048 ms per 1024 steps = 2 ms per time step; Path-X: 16384 steps → 32.768 s per step,
	// 160000/16 = 10000 steps per epoch → 91.02 h.
	costs := StepCosts("c", []*seqtrain.Results{res}, []SeqLength{{Name: "Path-X",
		Steps: 16384, Examples: 160000}, {Name: "other", Steps: 1, Examples: 1, Task: "listops"}})
	if len(costs.Rows) != 2 || costs.Rows[0][3] != "2.00" || costs.Rows[0][6] != "32.77" ||
		costs.Rows[0][7] != "91.02" || costs.Rows[1][7] != "45.51" {
		t.Errorf("cost rows %q", costs.Rows)
	}
}

func TestSequenceImageAndSettings(t *testing.T) {
	// A 2×2 image with one bright pixel, pixel by pixel with 2 bins: steps 4, channels 2.
	im := &seqtasks.Images{Height: 2, Width: 2, Pixels: []uint8{0, 255, 0, 0},
		Labels: []int32{1}, Classes: 2}
	set, err := im.Sequences("tiny", seqtasks.ImageEncoding{Bins: 2})
	if err != nil {
		t.Fatal(err)
	}
	c, err := SequenceImage(set, 0, "tiny")
	if err != nil {
		t.Fatal(err)
	}
	// Bin 0 (row 0) is on at steps 0, 2, 3; bin 1 (row 1) at step 1: cells [x, y, value].
	js := string(c.Option())
	for _, cell := range []string{"[0,0,1]", "[1,0,0]", "[1,1,1]", "[3,1,0]"} {
		if !strings.Contains(js, cell) {
			t.Errorf("sequence image lacks cell %s: %s", cell, js)
		}
	}
	if _, err := SequenceImage(set, 1, ""); err == nil ||
		!strings.Contains(err.Error(), "example 1 outside 0..0") {
		t.Errorf("bad index: %v", err)
	}

	tab, err := TaskSettings("pathfinder32")
	if err != nil {
		t.Fatal(err)
	}
	// ELM: 8 + 108·200+200 + 200·100+100 + 202 = 42110; LSTM hidden 97:
	// 4·97·(8+97) + 8·97 + 97·2+2 = 40740 + 776 + 196 = 41712.
	if r := tab.Rows[0]; r[8] != "42110" || r[9] != "97" || r[10] != "41712" {
		t.Errorf("settings row %q", r)
	}
	if _, err := TaskSettings("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown task: %v", err)
	}
}
