package elmlib

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/elmneuron/elm/data"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// fixtureTensor is {"shape", "data"} as in the fixtures.
type fixtureTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (ft fixtureTensor) f32() []float32 {
	out := make([]float32, len(ft.Data))
	for i, v := range ft.Data {
		out[i] = float32(v)
	}
	return out
}

type fixtureCase struct {
	Name              string                   `json:"name"`
	Model             string                   `json:"model"`
	Config            json.RawMessage          `json:"config"`
	Batch             int                      `json:"batch"`
	T                 int                      `json:"T"`
	Params            map[string]fixtureTensor `json:"params"`
	InitialProtoTauM  fixtureTensor            `json:"initial_proto_tau_m"`
	Derived           map[string]fixtureTensor `json:"derived"`
	Input             fixtureTensor            `json:"input"`
	Target            fixtureTensor            `json:"target"`
	Expected          map[string]json.RawMessage
	Grads             map[string]fixtureTensor `json:"grads"`
	Float32VsExpected map[string]float64       `json:"float32_vs_expected"`
}

func readFixtureCases(t *testing.T, file string) []fixtureCase {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(sharedDir, "fixtures", file))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []fixtureCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return f.Cases
}

// stateDict converts the case's params to a state dict in the authors' dtypes.
func (fc *fixtureCase) stateDict() StateDict {
	sd := StateDict{}
	for key, ft := range fc.Params {
		t := &Tensor{Shape: ft.Shape, DType: "float32", F32: ft.f32()}
		if len(ft.Data) > 0 && key == KeyIndices {
			t.DType, t.F32 = "int64", nil
			for _, v := range ft.Data {
				t.I64 = append(t.I64, int64(v))
			}
		}
		if len(ft.Data) > 0 && key == KeyMask {
			t.DType, t.F32 = "bool", nil
			for _, v := range ft.Data {
				t.Bool = append(t.Bool, v != 0)
			}
		}
		sd[key] = t
	}
	return sd
}

func (fc *fixtureCase) variant() Variant {
	if fc.Model == "elm_v1" {
		return SynapseTrace
	}
	return BranchTrace
}

func (fc *fixtureCase) expected(t *testing.T, key string) fixtureTensor {
	var ft fixtureTensor
	if err := json.Unmarshal(fc.Expected[key], &ft); err != nil {
		t.Fatalf("%s: expected.%s: %v", fc.Name, key, err)
	}
	return ft
}

// implementationsUnderTest are run on every numerical fixture.
var implementationsUnderTest = []Implementation{Reference, Fast}

// fixtureModel builds the case's model with its parameters.
func fixtureModel(t *testing.T, fc *fixtureCase, impl Implementation) *Model {
	t.Helper()
	cfg, err := ParseAuthorsConfig(fc.Config, fc.variant())
	if err != nil {
		t.Fatalf("%s: %v", fc.Name, err)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("%s: %v", fc.Name, err)
	}
	if err := m.LoadStateDict(fc.stateDict()); err != nil {
		t.Fatalf("%s: %v", fc.Name, err)
	}
	if err := m.SetImplementation(impl); err != nil {
		t.Fatalf("%s: %v", fc.Name, err)
	}
	return m
}

// maxAbsDiff returns max |got - want| and where it occurs.
func maxAbsDiff(got []float32, want []float64) (float64, int) {
	worst, at := 0.0, -1
	if len(got) != len(want) {
		return math.Inf(1), -1
	}
	for i := range got {
		d := math.Abs(float64(got[i]) - want[i])
		if !(d <= worst) { // also catches NaN
			worst, at = d, i
		}
	}
	return worst, at
}

// tolerance derives the allowed float32 error from a fixture's float32_vs_expected
// (PyTorch float32 against float64): our summation order differs, so allow 4x that
// figure plus a floor of 1e-6 for entries where PyTorch happened to round exactly.
func tolerance(f32VsExpected float64) float64 { return 4*f32VsExpected + 1e-6 }

func checkClose(t *testing.T, what string, got []float32, want fixtureTensor, tol float64) {
	t.Helper()
	d, at := maxAbsDiff(got, want.Data)
	t.Logf("%s: max |diff| %.3g (tolerance %.3g, %d values)", what, d, tol, len(got))
	if d > tol {
		t.Errorf("%s: max |diff| = %.3g at %d (tolerance %.3g)", what, d, at, tol)
	}
}

func TestFixtureForward(t *testing.T) {
	for _, file := range []string{"elm_v1_small.json", "branch_elm_small.json"} {
		for _, fc := range readFixtureCases(t, file) {
			for _, impl := range implementationsUnderTest {
				t.Run(fc.Name+"/"+string(impl), func(t *testing.T) {
					m := fixtureModel(t, &fc, impl)
					nIn := m.spec.NumInput
					b := &data.Batch{Size: fc.Batch, Steps: fc.T, Channels: nIn,
						Dense: fc.Input.f32()}
					p, err := m.Predict(b)
					if err != nil {
						t.Fatal(err)
					}
					tol := fc.Float32VsExpected
					checkClose(t, "y", p.Y.Data, fc.expected(t, "y"), tolerance(tol["y"]))
					checkClose(t, "m", p.M.Data, fc.expected(t, "m"), tolerance(tol["m"]))
					wantBranch := fc.expected(t, "branch")
					checkClose(t, "branch", p.Branch.Data, wantBranch, tolerance(tol["m"]))
					checkClose(t, "tau_m", p.TauM, fc.Derived["tau_m"], 1e-5)
				})
			}
		}
	}
}

func TestFixtureInitialProtoTauM(t *testing.T) {
	for _, file := range []string{"elm_v1_small.json", "branch_elm_small.json"} {
		for _, fc := range readFixtureCases(t, file) {
			cfg, err := ParseAuthorsConfig(fc.Config, fc.variant())
			if err != nil {
				t.Fatal(err)
			}
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			sd, err := m.StateDict()
			if err != nil {
				t.Fatal(err)
			}
			got := sd[KeyProtoTauM].F32
			for i, want := range fc.InitialProtoTauM.Data {
				if math.Abs(float64(got[i])-want) > 1e-6*math.Abs(want) {
					t.Errorf("%s: initial _proto_tau_m[%d] = %.9g, want %.9g",
						fc.Name, i, got[i], want)
				}
			}
		}
	}
}

// lossAndGrads returns mean((y - target)²) on batch b and its gradient with respect to
// the given parameters of m (trainable or not), keyed by state-dict key.
func lossAndGrads(t *testing.T, m *Model, b *data.Batch, target *tensors.Tensor,
	keys []string) (float32, map[string][]float32) {
	t.Helper()
	m.mu.Lock()
	e, err := m.currentEngine()
	m.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := e.inputs(b)
	if err != nil {
		t.Fatal(err)
	}
	graphFn := func(ctx *context.Context, in []*Node) []*Node {
		n := len(in) - 1
		y := m.forwardInputs(ctx, e, in[:n], b.Size, b.Steps, false).Y
		loss := ReduceAllMean(Square(Sub(y, in[n])))
		var wrt []*Node
		for _, k := range keys {
			wrt = append(wrt, ctx.In(Scope).GetVariable(k).ValueGraph(y.Graph()))
		}
		return append([]*Node{loss}, Gradient(loss, wrt...)...)
	}
	exec, err := context.NewExec(m.backend, m.ctx, graphFn)
	if err != nil {
		t.Fatal(err)
	}
	var args []any
	for _, in := range append(inputs, target) {
		args = append(args, in)
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	grads := map[string][]float32{}
	for i, k := range keys {
		grads[k] = tensors.MustCopyFlatData[float32](out[i+1])
	}
	return tensors.MustCopyFlatData[float32](out[0])[0], grads
}

func TestFixtureLossAndGradients(t *testing.T) {
	for _, file := range []string{"elm_v1_small.json", "branch_elm_small.json"} {
		for _, fc := range readFixtureCases(t, file) {
			for _, impl := range implementationsUnderTest {
				t.Run(fc.Name+"/"+string(impl), func(t *testing.T) {
					m := fixtureModel(t, &fc, impl)
					b := &data.Batch{Size: fc.Batch, Steps: fc.T, Channels: m.spec.NumInput,
						Dense: fc.Input.f32()}
					target := tensors.FromFlatDataAndDimensions(fc.Target.f32(),
						fc.Target.Shape...)
					var keys []string
					for k := range fc.Grads {
						if k == KeyProtoTauM && !m.spec.LearnTauM {
							continue // given for fixed tau too; the fixture says to ignore it
						}
						keys = append(keys, k)
					}
					loss, grads := lossAndGrads(t, m, b, target, keys)
					var wantLoss float64
					if err := json.Unmarshal(fc.Expected["loss"], &wantLoss); err != nil {
						t.Fatal(err)
					}
					tol := fc.Float32VsExpected
					if d := math.Abs(float64(loss) - wantLoss); d > tolerance(tol["loss"]) {
						t.Errorf("loss %.9g, want %.9g", loss, wantLoss)
					}
					for _, k := range keys {
						what := fmt.Sprintf("grad %s", k)
						checkClose(t, what, grads[k], fc.Grads[k], tolerance(tol["grads"]))
					}
					if len(keys) < 7 {
						t.Errorf("only %d gradients checked", len(keys))
					}
				})
			}
		}
	}
}
