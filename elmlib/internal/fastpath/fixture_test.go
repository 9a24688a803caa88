package fastpath

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/elmneuron/elm/data"
	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// fixtureDir is ../shared/fixtures relative to the repository root.
var fixtureDir = filepath.Join("..", "..", "..", "..", "shared", "fixtures")

type fxTensor struct {
	Shape     []int     `json:"shape"`
	Data      []float64 `json:"data"`
	Trainable bool      `json:"trainable"`
}

func (t fxTensor) f32() []float32 {
	out := make([]float32, len(t.Data))
	for i, v := range t.Data {
		out[i] = float32(v)
	}
	return out
}

type fxCase struct {
	Name   string `json:"name"`
	Model  string `json:"model"`
	Config struct {
		NumInput     int      `json:"num_input"`
		NumOutput    int      `json:"num_output"`
		NumMemory    int      `json:"num_memory"`
		Hidden       int      `json:"mlp_hidden_size"`
		TauMin       float64  `json:"memory_tau_min"`
		TauMax       float64  `json:"memory_tau_max"`
		Lambda       float64  `json:"lambda_value"`
		Layers       int      `json:"mlp_num_layers"`
		DeltaT       float64  `json:"delta_t"`
		NumBranch    int      `json:"num_branch"`
		SynPerBranch int      `json:"num_synapse_per_branch"`
		Routing      *string  `json:"input_to_synapse_routing"`
		Activation   string   `json:"mlp_activation"`
		LearnTau     bool     `json:"learn_memory_tau"`
		TauS         *float64 `json:"tau_s_value"`
		TauB         *float64 `json:"tau_b_value"`
	} `json:"config"`
	Batch    int                 `json:"batch"`
	T        int                 `json:"T"`
	Params   map[string]fxTensor `json:"params"`
	Input    fxTensor            `json:"input"`
	Target   fxTensor            `json:"target"`
	Expected struct {
		Y      fxTensor `json:"y"`
		M      fxTensor `json:"m"`
		Branch fxTensor `json:"branch"`
		Loss   float64  `json:"loss"`
	} `json:"expected"`
	Grads map[string]fxTensor `json:"grads"`
	F32   struct {
		Y, M, Loss, Grads float64
	} `json:"float32_vs_expected"`
}

func loadFixture(t *testing.T, name string) []fxCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	var f struct {
		Cases []fxCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
	return f.Cases
}

// spec builds the fast path's Spec from a fixture case's constructor arguments.
func (c *fxCase) spec() Spec {
	cfg := c.Config
	s := Spec{
		Variant: ELMv1, NumInput: cfg.NumInput, NumBranch: cfg.NumBranch,
		SynPerBranch: cfg.SynPerBranch, NumMemory: cfg.NumMemory, Hidden: cfg.Hidden,
		Layers: cfg.Layers, NumOutput: cfg.NumOutput, Activation: cfg.Activation,
		Lambda: cfg.Lambda, DeltaT: cfg.DeltaT, TauMin: cfg.TauMin, TauMax: cfg.TauMax,
	}
	if c.Model == "branch_elm_v2" {
		s.Variant = BranchELMv2
		s.TraceTau = c.Params["tau_b"].f32()
	} else {
		s.TraceTau = c.Params["tau_s"].f32()
	}
	if cfg.Routing != nil {
		for _, v := range c.Params["input_to_synapse_indices"].Data {
			s.Indices = append(s.Indices, int32(v))
		}
		for _, v := range c.Params["valid_indices_mask"].Data {
			s.Mask = append(s.Mask, v != 0)
		}
	}
	return s
}

// paramsFromNodes maps graph inputs (in paramNames order) to Params.
func paramsFromNodes(x []*Node, layers int, learnTau bool) Params {
	p := Params{ProtoWS: x[0], ProtoTauM: x[1]}
	if !learnTau {
		p.ProtoTauM = StopGradient(x[1])
	}
	for l := 0; l <= layers; l++ {
		p.W = append(p.W, x[2+2*l])
		p.B = append(p.B, x[3+2*l])
	}
	p.WY, p.BY = x[len(x)-2], x[len(x)-1]
	return p
}

// runFast evaluates y, m, branch, the MSE loss and the gradient of every parameter with
// the fast path.
func runFast(t *testing.T, spec Spec, params map[string]fxTensor, learnTau bool,
	batch *data.Batch, target []float32) []*tensors.Tensor {
	t.Helper()
	backend, err := gomlxfix.Backend()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := BuildSynapseEvents(spec, batch)
	if err != nil {
		t.Fatal(err)
	}
	names := ParamNames(spec.Layers)
	var args []any
	for _, n := range names {
		p := params[n]
		args = append(args, tensors.FromFlatDataAndDimensions(p.f32(), p.Shape...))
	}
	for _, x := range ev.Tensors() {
		args = append(args, x)
	}
	args = append(args, tensors.FromFlatDataAndDimensions(target, batch.Size, batch.Steps,
		spec.NumOutput))
	np := len(names)
	return MustExecOnceN(backend, func(x []*Node) []*Node {
		p := paramsFromNodes(x[:np], spec.Layers, learnTau)
		in := Inputs{Syn: x[np], Slot: x[np+1], Value: x[np+2], Batch: batch.Size,
			Steps: batch.Steps}
		out := Forward(spec, p, in)
		loss := ReduceAllMean(Square(Sub(out.Y, x[np+3])))
		res := []*Node{out.Y, out.M, out.Branch, loss}
		return append(res, Gradient(loss, x[:np]...)...)
	}, args...)
}

func flat32(t *testing.T, x *tensors.Tensor) []float32 {
	t.Helper()
	v, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// maxAbsDiff returns the largest |got-want| and its index.
func maxAbsDiff(got []float32, want []float64) (float64, int) {
	worst, at := 0.0, -1
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > worst || math.IsNaN(d) {
			worst, at = d, i
			if math.IsNaN(d) {
				return math.Inf(1), i
			}
		}
	}
	return worst, at
}

// TestFixtures checks outputs, memory trajectory, branch drive, loss and every parameter
// gradient against the float64 fixture values. The tolerance is a multiple of the
// deviation the fixture measured for a float32 PyTorch run (float32_vs_expected): our
// sums are associated differently, so we allow 8× that, plus 2e-7 absolute.
func TestFixtures(t *testing.T) {
	for _, file := range []string{"elm_v1_small.json", "branch_elm_small.json"} {
		for _, c := range loadFixture(t, file) {
			t.Run(c.Name, func(t *testing.T) {
				spec := c.spec()
				batch := &data.Batch{Size: c.Batch, Steps: c.T, Channels: spec.NumInput,
					Dense: c.Input.f32()}
				res := runFast(t, spec, c.Params, c.Config.LearnTau, batch, c.Target.f32())
				check := func(what string, got *tensors.Tensor, want []float64, f32 float64) {
					t.Helper()
					tol := 8*f32 + 2e-7
					d, at := maxAbsDiff(flat32(t, got), want)
					if len(flat32(t, got)) != len(want) || d > tol {
						t.Errorf("%s: max |diff| %.3g at %d exceeds %.3g", what, d, at, tol)
					}
					t.Logf("%s: max |diff| %.3g (tol %.3g)", what, d, tol)
				}
				check("y", res[0], c.Expected.Y.Data, c.F32.Y)
				check("m", res[1], c.Expected.M.Data, c.F32.M)
				check("branch", res[2], c.Expected.Branch.Data, c.F32.M)
				check("loss", res[3], []float64{c.Expected.Loss}, c.F32.Loss)
				for i, name := range ParamNames(spec.Layers) {
					if name == "_proto_tau_m" && !c.Config.LearnTau {
						continue
					}
					check("grad "+name, res[4+i], c.Grads[name].Data, c.F32.Grads)
				}
			})
		}
	}
}
