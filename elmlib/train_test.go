package elmlib

import (
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/elmneuron/elm/data"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// synthSource yields batch k of a small regression task, the same for a given k in
// every run: 3 input channels with random spikes, target = a leaky trace (τ 4 steps) of
// channel 0 minus channel 1, in Batch.Soma.
type synthSource struct {
	k, limit int
}

func synthBatch(k int) *data.Batch {
	const size, steps, channels = 4, 12, 3
	rng := rand.New(rand.NewPCG(uint64(k), 99))
	b := &data.Batch{Size: size, Steps: steps, Channels: channels,
		Dense: make([]float32, size*steps*channels), Soma: make([]float32, size*steps)}
	for s := range size {
		trace := 0.0
		for t := range steps {
			row := b.Dense[(s*steps+t)*channels:]
			for c := range channels {
				if rng.Float64() < 0.3 {
					row[c] = 1
				}
			}
			trace = math.Exp(-0.25)*trace + float64(row[0]-row[1])
			b.Soma[s*steps+t] = float32(trace)
		}
	}
	return b
}

func (s *synthSource) Next() (*data.Batch, error) {
	if s.limit > 0 && s.k >= s.limit {
		return nil, io.EOF
	}
	s.k++
	return synthBatch(s.k - 1), nil
}

func synthConfig() SynapseTraceConfig {
	cfg := NewSynapseTraceConfig(3, 1, 4)
	cfg.TauMMax = 20
	cfg.InitSeed = 3
	return cfg
}

// mseOn returns the MSE loss of m on batch b.
func mseOn(t *testing.T, m *Model, b *data.Batch) float64 {
	t.Helper()
	p, err := m.Predict(b)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, target := range b.Soma {
		d := float64(p.Y.Data[i] - target)
		sum += d * d
	}
	return sum / float64(len(b.Soma))
}

func TestTrainReducesLoss(t *testing.T) {
	for _, impl := range []Implementation{Reference, Fast} {
		m, err := New(synthConfig())
		if err == nil {
			err = m.SetImplementation(impl)
		}
		if err != nil {
			t.Fatal(err)
		}
		heldOut := synthBatch(1000)
		before := mseOn(t, m, heldOut)
		var seen []int
		onStep := func(step int, _ float64) { seen = append(seen, step) }
		rep, err := Train(m, &synthSource{}, TrainOptions{Steps: 150, Loss: LossMSE,
			LearningRate: 2e-2, Quiet: true, OnStep: onStep})
		if err != nil {
			t.Fatal(err)
		}
		after := mseOn(t, m, heldOut)
		t.Logf("%s: held-out MSE %.4f -> %.4f, last batch loss %.4f",
			impl, before, after, rep.Loss)
		if !(after < 0.5*before) {
			t.Errorf("%s: held-out MSE %.4f -> %.4f: did not halve", impl, before, after)
		}
		if rep.Step != 150 || len(seen) != 150 || seen[0] != 1 || seen[149] != 150 {
			t.Errorf("%s: report step %d, callback saw %d steps", impl, rep.Step, len(seen))
		}
	}
}

func TestTrainResumeEqualsUninterrupted(t *testing.T) {
	cfg := synthConfig()
	cfg.LearnTauM = true
	opts := TrainOptions{Steps: 16, Loss: LossMSE, LearningRate: 1e-2, Cosine: true,
		CheckpointEvery: 4, KeepCheckpoints: 2, Quiet: true}

	full, _ := New(cfg)
	opts.CheckpointDir = filepath.Join(t.TempDir(), "full")
	if _, err := Train(full, &synthSource{}, opts); err != nil {
		t.Fatal(err)
	}

	// Interrupted: the first run's source ends after 6 batches.
	dir := filepath.Join(t.TempDir(), "resumed")
	opts.CheckpointDir = dir
	first, _ := New(cfg)
	rep, err := Train(first, &synthSource{limit: 6}, opts)
	if err != nil || rep.Step != 6 {
		t.Fatalf("interrupted run: step %d, %v", rep.Step, err)
	}
	second, _ := New(cfg) // a fresh process would start like this
	rep, err = Train(second, &synthSource{k: 6}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.StartStep != 6 || rep.Step != 16 {
		t.Errorf("resumed run went from step %d to %d, want 6 to 16", rep.StartStep, rep.Step)
	}
	a, _ := full.StateDict()
	b, _ := second.StateDict()
	if !reflect.DeepEqual(a, b) {
		for _, k := range a.Keys() {
			if !reflect.DeepEqual(a[k], b[k]) {
				t.Errorf("%s differs: %v vs %v", k, a[k].F32, b[k].F32)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*.json"))
	if len(files) != 2 {
		t.Errorf("%d checkpoints kept, want 2", len(files))
	}

	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := loaded.StateDict()
	if !reflect.DeepEqual(b, c) {
		t.Error("Load returned other parameters than the trained model")
	}
	if !reflect.DeepEqual(loaded.Config(), Config(cfg)) {
		t.Errorf("Load config %+v, want %+v", loaded.Config(), cfg)
	}
}

func TestCheckpointErrors(t *testing.T) {
	tmp := t.TempDir()
	if _, err := Load(filepath.Join(tmp, "nothing")); err == nil ||
		!strings.Contains(err.Error(), "no saved model in "+filepath.Join(tmp, "nothing")) ||
		!strings.Contains(err.Error(), ConfigFileName) {
		t.Errorf("Load of a missing directory: %v", err)
	}
	m, _ := New(synthConfig())
	dir := filepath.Join(tmp, "empty")
	if err := writeConfigFile(dir, m.Config()); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("Load without checkpoints: %v", err)
	}
	saved := filepath.Join(tmp, "saved")
	if err := m.SaveCheckpoint(saved); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveCheckpoint(saved); err == nil {
		t.Error("second SaveCheckpoint into the same directory: no error")
	}
	other := synthConfig()
	other.NumMemory = 5
	o, _ := New(other)
	_, err := Train(o, &synthSource{}, TrainOptions{Steps: 2, Loss: LossMSE,
		CheckpointDir: saved, Quiet: true})
	if err == nil || !strings.Contains(err.Error(), "different model configuration") {
		t.Errorf("Train into another model's directory: %v", err)
	}
	back, err := Load(saved)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.StateDict()
	b, _ := back.StateDict()
	if !reflect.DeepEqual(a, b) {
		t.Error("SaveCheckpoint + Load changed the parameters")
	}
	cfgPath := filepath.Join(saved, ConfigFileName)
	if err := os.WriteFile(cfgPath, []byte(`{"variant":"x"`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(saved); err == nil || !strings.Contains(err.Error(), cfgPath) {
		t.Errorf("corrupt config: %v", err)
	}
	if _, err := Train(m, &synthSource{}, TrainOptions{}); err == nil ||
		!strings.Contains(err.Error(), "Steps = 0") {
		t.Errorf("Steps 0: %v", err)
	}
	_, err = Train(m, &synthSource{}, TrainOptions{Steps: 1, Loss: LossNeuronIO, Quiet: true})
	if err == nil || !strings.Contains(err.Error(), "2 outputs") {
		t.Errorf("NeuronIO loss on a 1-output model: %v", err)
	}
}

func TestTauMBoundedAfterHugeUpdates(t *testing.T) {
	cfg := synthConfig()
	cfg.LearnTauM, cfg.TauMMin, cfg.TauMMax = true, 2, 8
	m, _ := New(cfg)
	if _, err := Train(m, &synthSource{}, TrainOptions{Steps: 10, Loss: LossMSE,
		LearningRate: 1e4, Quiet: true}); err != nil {
		t.Fatal(err)
	}
	tau, _ := m.TauM()
	for i, v := range tau {
		if !(v >= 2 && v <= 8) {
			t.Errorf("τ_m[%d] = %v outside [2, 8] after steps of size 1e4", i, v)
		}
	}
}

// TestLosses compares the loss graphs with the formulas evaluated in Go.
func TestLosses(t *testing.T) {
	backend, err := New(synthConfig())
	if err != nil {
		t.Fatal(err)
	}
	y := []float32{2, 0.3, -1, 0.9, 0.5, -0.7} // [1, 3, 2]
	spike := []float32{1, 0, 0}
	soma := []float32{-60, -50, -70} // mV; -50 is clipped to -55
	exec, err := NewExec(backend.Backend(), func(y, spike, soma, labels *Node) []*Node {
		return []*Node{NeuronIOLoss(y, spike, soma), CrossEntropyLast(y, labels)}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(y, 1, 3, 2),
		tensors.FromFlatDataAndDimensions(spike, 1, 3),
		tensors.FromFlatDataAndDimensions(soma, 1, 3),
		tensors.FromFlatDataAndDimensions([]int32{1}, 1))
	if err != nil {
		t.Fatal(err)
	}
	bce, mse := 0.0, 0.0
	for i := range 3 {
		x, z := float64(y[2*i]), float64(spike[i])
		bce += -(z*math.Log(1/(1+math.Exp(-x))) + (1-z)*math.Log(1-1/(1+math.Exp(-x))))
		target := (math.Min(float64(soma[i]), -55) + 67.7) * 0.1
		mse += math.Pow(float64(y[2*i+1])-target, 2)
	}
	wantNIO := 0.5*bce/3 + 0.5*mse/3
	// Last step logits (0.5, -0.7), label 1.
	wantCE := math.Log(math.Exp(0.5)+math.Exp(-0.7)) + 0.7
	got := []float64{float64(tensors.ToScalar[float32](out[0])),
		float64(tensors.ToScalar[float32](out[1]))}
	for i, want := range []float64{wantNIO, wantCE} {
		if math.Abs(got[i]-want) > 1e-6 {
			t.Errorf("loss %d = %.8f, want %.8f", i, got[i], want)
		}
	}
}

// classSource yields batches whose label says which of inputs 0 and 1 spiked more.
type classSource struct{ k int }

func (c *classSource) Next() (*data.Batch, error) {
	c.k++
	return classBatch(c.k), nil
}

func classBatch(k int) *data.Batch {
	const size, steps = 8, 10
	rng := rand.New(rand.NewPCG(uint64(k), 5))
	b := &data.Batch{Size: size, Steps: steps, Channels: 2,
		Dense: make([]float32, size*steps*2), Labels: make([]int32, size)}
	for s := range size {
		label := rng.IntN(2)
		b.Labels[s] = int32(label)
		for t := range steps {
			if rng.Float64() < 0.4 {
				b.Dense[(s*steps+t)*2+label] = 1
			}
			if rng.Float64() < 0.1 {
				b.Dense[(s*steps+t)*2+1-label] = 1
			}
		}
	}
	return b
}

func TestTrainClassification(t *testing.T) {
	cfg := NewSynapseTraceConfig(2, 2, 4)
	cfg.TauMMax = 50
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	accuracy := func() float64 {
		b := classBatch(-1) // not among the training batches
		p, err := m.Predict(b)
		if err != nil {
			t.Fatal(err)
		}
		right := 0
		for s, l := range b.Labels {
			last := b.Steps - 1
			if (p.Y.At(s, last, 1) > p.Y.At(s, last, 0)) == (l == 1) {
				right++
			}
		}
		return float64(right) / float64(b.Size)
	}
	var losses []float64
	onStep := func(_ int, l float64) { losses = append(losses, l) }
	_, err = Train(m, &classSource{}, TrainOptions{Steps: 120, Loss: LossCrossEntropyLast,
		LearningRate: 2e-2, Quiet: true, OnStep: onStep})
	if err != nil {
		t.Fatal(err)
	}
	first, last := mean(losses[:10]), mean(losses[110:])
	t.Logf("cross-entropy %.3f -> %.3f, held-out accuracy %.2f", first, last, accuracy())
	if !(last < 0.5*first) || accuracy() < 0.99 {
		t.Errorf("cross-entropy %.3f -> %.3f, accuracy %.2f", first, last, accuracy())
	}
	bad := &classSource{}
	_, err = Train(m, sourceFunc(func() (*data.Batch, error) {
		b, _ := bad.Next()
		b.Labels[3] = 7
		return b, nil
	}), TrainOptions{Steps: 121, Loss: LossCrossEntropyLast, Quiet: true}) // one more step
	if err == nil || !strings.Contains(err.Error(), "label 7 of sequence 3 outside [0, 2)") {
		t.Errorf("bad label: %v", err)
	}
}

type sourceFunc func() (*data.Batch, error)

func (f sourceFunc) Next() (*data.Batch, error) { return f() }

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func TestLoadSkipsBrokenNewestCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	opts := TrainOptions{Steps: 8, Loss: LossMSE, LearningRate: 1e-2, CheckpointEvery: 4,
		KeepCheckpoints: 10, Quiet: true, CheckpointDir: dir}
	m, _ := New(synthConfig())
	if _, err := Train(m, &synthSource{limit: 4}, opts); err != nil {
		t.Fatal(err)
	}
	at4, _ := m.StateDict()
	if _, err := Train(m, &synthSource{k: 4}, opts); err != nil {
		t.Fatal(err)
	}
	// A crash while saving step 8: the value files of the step-8 checkpoints are cut short.
	bins, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*-step-00000008.bin"))
	if len(bins) == 0 {
		t.Fatal("no step-8 checkpoint written")
	}
	for _, b := range bins {
		if err := os.Truncate(b, 10); err != nil {
			t.Fatal(err)
		}
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatalf("Load with a broken newest checkpoint: %v", err)
	}
	got, _ := loaded.StateDict()
	if !reflect.DeepEqual(got, at4) {
		t.Error("Load did not fall back to the step-4 checkpoint")
	}
	if _, err := os.Stat(bins[len(bins)-1] + ".broken"); err != nil {
		t.Errorf("broken checkpoint not kept aside: %v", err)
	}
	// Training resumes from step 4 and reaches step 8 again.
	rep, err := Train(loaded, &synthSource{k: 4}, opts)
	if err != nil || rep.StartStep != 4 || rep.Step != 8 {
		t.Fatalf("resume after the broken checkpoint: %+v, %v", rep, err)
	}
}
