package baseline

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph code reads better so
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// signOfSum is the synthetic task: x [size, steps, 2] standard normal, label 1 when the sum
// over time of input 0 is positive; input 1 is a distractor. The read-out at the last step
// must integrate the whole sequence.
type signOfSum struct {
	rng         *rand.Rand
	size, steps int
}

func (s *signOfSum) Next() (*data.Batch, error) {
	b := &data.Batch{Size: s.size, Steps: s.steps, Channels: 2,
		Dense: make([]float32, s.size*s.steps*2), Labels: make([]int32, s.size)}
	for i := range b.Dense {
		b.Dense[i] = float32(s.rng.NormFloat64())
	}
	for k := 0; k < s.size; k++ {
		sum := float32(0)
		for t := 0; t < s.steps; t++ {
			sum += b.Dense[(k*s.steps+t)*2]
		}
		if sum > 0 {
			b.Labels[k] = 1
		}
	}
	return b, nil
}

func sigmoid(v float64) float64 { return 1 / (1 + math.Exp(-v)) }

// referenceLSTM computes the last hidden state of one sequence x [steps][inputs] in plain Go
// from the layer's weights: W [4][h][in], R [4][h][h], b [8][h], gates (i, o, f, c).
func referenceLSTM(x [][]float64, w, r [][][]float64, b [][]float64) []float64 {
	nh := len(b[0])
	h, c := make([]float64, nh), make([]float64, nh)
	for _, xt := range x {
		z := make([][]float64, 4)
		for g := range z {
			z[g] = make([]float64, nh)
			for j := range nh {
				v := b[g][j] + b[4+g][j]
				for k, xv := range xt {
					v += w[g][j][k] * xv
				}
				for k, hv := range h {
					v += r[g][j][k] * hv
				}
				z[g][j] = v
			}
		}
		for j := range nh {
			c[j] = sigmoid(z[2][j])*c[j] + sigmoid(z[0][j])*math.Tanh(z[3][j])
		}
		for j := range nh {
			h[j] = sigmoid(z[1][j]) * math.Tanh(c[j])
		}
	}
	return h
}

func TestCellMatchesLayerAndReference(t *testing.T) {
	const batch, steps, nIn, nH = 2, 6, 3, 4
	cfg := Config{Inputs: nIn, Hidden: nH, Classes: 2}
	m, err := NewClassifier(cfg, 1e-3, 3)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float32, batch*steps*nIn)
	for i := range xs {
		xs[i] = float32(rng.NormFloat64())
	}
	x := tensors.FromFlatDataAndDimensions(xs, batch, steps, nIn)
	// Last hidden states from this package's cell and from GoMLX's layer, same variables.
	exec, err := context.NewExec(m.backend, m.ctx, func(ctx *context.Context, x *Node) []*Node {
		layerCfg := cfg
		layerCfg.UseLayer = true
		Logits(ctx, cfg, x) // creates the variables
		ctx = ctx.Reuse().In("lstm")
		own := unrolled(ctx, cfg, x)
		_, h, _ := layerOf(ctx, x, nH)
		return []*Node{own, Reshape(h, batch, nH)}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	own, _ := tensors.CopyFlatData[float32](out[0])
	layer, _ := tensors.CopyFlatData[float32](out[1])

	get := func(name string) []float32 {
		v := m.ctx.In("lstm").GetVariable(name)
		if v == nil {
			t.Fatalf("variable lstm/%s missing", name)
		}
		d, _ := tensors.CopyFlatData[float32](v.MustValue())
		return d
	}
	wf, rf, bf := get("inputsW"), get("recurrentW"), get("biasesW")
	w, r, b := make([][][]float64, 4), make([][][]float64, 4), make([][]float64, 8)
	for g := range 4 {
		w[g], r[g] = make([][]float64, nH), make([][]float64, nH)
		for j := range nH {
			w[g][j], r[g][j] = make([]float64, nIn), make([]float64, nH)
			for k := range nIn {
				w[g][j][k] = float64(wf[(g*nH+j)*nIn+k])
			}
			for k := range nH {
				r[g][j][k] = float64(rf[(g*nH+j)*nH+k])
			}
		}
	}
	for g := range 8 {
		b[g] = make([]float64, nH)
		for j := range nH {
			b[g][j] = float64(bf[g*nH+j])
		}
	}
	const tol = 1e-5 // float32 graph against float64 reference over 6 steps
	for s := range batch {
		seq := make([][]float64, steps)
		for t0 := range steps {
			seq[t0] = make([]float64, nIn)
			for k := range nIn {
				seq[t0][k] = float64(xs[(s*steps+t0)*nIn+k])
			}
		}
		ref := referenceLSTM(seq, w, r, b)
		for j := range nH {
			if math.Abs(float64(own[s*nH+j])-ref[j]) > tol ||
				math.Abs(float64(layer[s*nH+j])-ref[j]) > tol {
				t.Errorf("seq %d unit %d: cell %v, layer %v, reference %v", s, j, own[s*nH+j],
					layer[s*nH+j], ref[j])
			}
		}
	}
	if n := m.NumParams(); n != cfg.NumParams() || n != 4*nH*(nIn+nH)+8*nH+nH*2+2 {
		t.Errorf("variables hold %d parameters, Config.NumParams says %d", n, cfg.NumParams())
	}
}

func TestHiddenForParams(t *testing.T) {
	// 16 inputs, 10 classes: hidden 20 has 4·20·36 + 8·20 + 20·10 + 10 = 3250 parameters,
	// hidden 21 has 4·21·37 + 168 + 210 + 10 = 3496.
	for i, tc := range []struct{ target, want int }{{3250, 20}, {3495, 20}, {3496, 21}, {10, 1}} {
		if got := HiddenForParams(16, 10, tc.target); got != tc.want {
			t.Errorf("case %d: hidden %d for %d parameters, want %d", i, got, tc.target, tc.want)
		}
	}
}

func TestLearnsSignOfSum(t *testing.T) {
	cfg := Config{Inputs: 2, Hidden: 8, Classes: 2}
	m, err := NewClassifier(cfg, 0.02, 1)
	if err != nil {
		t.Fatal(err)
	}
	train := &signOfSum{rng: rand.New(rand.NewPCG(1, 1)), size: 16, steps: 20}
	stats, err := m.Train(train, 150, func(s int, l float64) {
		if s%25 == 0 {
			t.Logf("step %d loss %.3f", s, l)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Steps != 150 || stats.Examples != 2400 {
		t.Errorf("stats %d steps %d examples", stats.Steps, stats.Examples)
	}
	test := &signOfSum{rng: rand.New(rand.NewPCG(9, 9)), size: 64, steps: 20}
	ev, err := m.Evaluate(test, 8)
	if err != nil {
		t.Fatal(err)
	}
	// Chance is 0.5 and loss ln 2 = 0.693; the trained LSTM must be far above chance.
	t.Logf("accuracy %.3f, loss %.3f after %d steps (first loss %.3f)", ev.Accuracy, ev.Loss,
		stats.Steps, stats.Losses[0])
	if ev.Examples != 512 || ev.Accuracy < 0.85 || ev.Loss > 0.5 {
		t.Errorf("after training: accuracy %.3f, loss %.3f on %d examples; want ≥ 0.85, ≤ 0.5",
			ev.Accuracy, ev.Loss, ev.Examples)
	}
}

// TestLayerPathTrains trains through GoMLX's lstm layer (gradients from gomlxfix) and
// through the package's own cell, from the same seed on the same batches: the per-step
// losses must agree, since both run the same equations on the same weights.
func TestLayerPathTrains(t *testing.T) {
	var losses [2][]float64
	for i, layer := range []bool{true, false} {
		cfg := Config{Inputs: 2, Hidden: 4, Classes: 2, UseLayer: layer}
		m, err := NewClassifier(cfg, 0.01, 1)
		if err != nil {
			t.Fatal(err)
		}
		src := &signOfSum{rng: rand.New(rand.NewPCG(1, 1)), size: 8, steps: 5}
		stats, err := m.Train(src, 3, nil)
		if err != nil {
			t.Fatalf("UseLayer %v: %v", layer, err)
		}
		losses[i] = stats.Losses
	}
	if len(losses[0]) != 3 || len(losses[1]) != 3 {
		t.Fatalf("losses %v (layer) and %v (own cell), want 3 steps each", losses[0], losses[1])
	}
	t.Logf("losses through the layer %v, through the own cell %v", losses[0], losses[1])
	for s := range 3 {
		if math.Abs(losses[0][s]-losses[1][s]) > 1e-5 {
			t.Errorf("step %d: loss %v through the layer, %v through the own cell", s,
				losses[0][s], losses[1][s])
		}
	}
}

func TestBadBatches(t *testing.T) {
	m, _ := NewClassifier(Config{Inputs: 3, Hidden: 3, Classes: 2}, 0.01, 1)
	src := &signOfSum{rng: rand.New(rand.NewPCG(1, 1)), size: 4, steps: 3}
	if _, err := m.Train(src, 1, nil); err == nil || !strings.Contains(err.Error(),
		"2 channels, the LSTM takes 3") {
		t.Errorf("channel mismatch: %v", err)
	}
	m, _ = NewClassifier(Config{Inputs: 2, Hidden: 3, Classes: 2}, 0.01, 1)
	b, _ := src.Next()
	b.Labels[2] = 5
	if _, err := m.Logits(b); err != nil {
		t.Errorf("logits need no valid labels? got %v", err)
	}
	if _, err := m.Train(sourceOf(b), 1, nil); err == nil || !strings.Contains(err.Error(),
		"label 5 of example 2") {
		t.Errorf("bad label: %v", err)
	}
	if _, err := NewClassifier(Config{Inputs: 1, Hidden: 0, Classes: 2}, 0.01, 1); err == nil {
		t.Error("hidden 0 accepted")
	}
}

type oneBatch struct{ b *data.Batch }

func (o oneBatch) Next() (*data.Batch, error) { return o.b, nil }

func sourceOf(b *data.Batch) data.Source { return oneBatch{b} }
