package baseline

import (
	"fmt"
	"math"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph code reads better so
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/initializers"
	"github.com/gomlx/gomlx/pkg/ml/layers"
	"github.com/gomlx/gomlx/pkg/ml/layers/lstm"
)

// Config describes an LSTM classifier.
type Config struct {
	// Inputs is the number of input values per step, Hidden the LSTM width, Classes the
	// number of classes.
	Inputs, Hidden, Classes int
	// UseLayer runs the recurrence with GoMLX's lstm layer instead of this package's cell
	// (same weights, same values; its gradient is O(T²), see the package doc).
	UseLayer bool
}

// Validate checks the sizes.
func (c Config) Validate() error {
	if c.Inputs <= 0 || c.Hidden <= 0 || c.Classes < 2 {
		return fmt.Errorf("baseline: LSTM needs inputs > 0, hidden > 0 and ≥ 2 classes, "+
			"got %d, %d, %d",
			c.Inputs, c.Hidden, c.Classes)
	}
	return nil
}

// NumParams is the number of trainable parameters: 4·hidden·(inputs + hidden) weights,
// 8·hidden biases (the layer keeps separate input and recurrent biases, as PyTorch does), and
// the read-out's hidden·classes + classes.
func (c Config) NumParams() int {
	h := c.Hidden
	return 4*h*(c.Inputs+h) + 8*h + h*c.Classes + c.Classes
}

// HiddenForParams returns the largest hidden width whose classifier has at most target
// parameters (at least 1), to match a model of known size such as an ELM neuron.
func HiddenForParams(inputs, classes, target int) int {
	h := 1
	for (Config{Inputs: inputs, Hidden: h + 1, Classes: classes}).NumParams() <= target {
		h++
	}
	return h
}

// Logits builds the classifier's graph: x [batch, time, inputs] → logits [batch, classes],
// read from the hidden state after the last step. Variables are created in ctx (scopes
// "lstm" and "readout") on first use, initialised uniformly in ±1/√hidden like PyTorch's
// LSTM. It panics (GoMLX style) when x's shape does not match cfg.
func Logits(ctx *context.Context, cfg Config, x *Node) *Node {
	gomlxfix.InstallGradients()
	if x.Rank() != 3 || x.Shape().Dim(2) != cfg.Inputs {
		panic(fmt.Errorf("baseline: LSTM input must be [batch, time, %d], got %s", cfg.Inputs,
			x.Shape()))
	}
	k := 1 / math.Sqrt(float64(cfg.Hidden))
	ctx = ctx.WithInitializer(initializers.RandomUniformFn(ctx, -k, k))
	var last *Node
	if cfg.UseLayer {
		_, h, _ := lstm.New(ctx.In("lstm"), x, cfg.Hidden).Done()
		last = Reshape(h, x.Shape().Dim(0), cfg.Hidden)
	} else {
		last = unrolled(ctx.In("lstm"), cfg, x)
	}
	return layers.Dense(ctx.In("readout"), last, true, cfg.Classes)
}

// unrolled runs the LSTM over x [batch, time, inputs] and returns the last hidden state
// [batch, hidden]. Per step, with z = x_t·Wxᵀ + h·Whᵀ + b_x + b_h split into the gates
// (input, output, forget, cell):
//
//	i, o, f = σ(z_i), σ(z_o), σ(z_f);  c = f∘c + i∘tanh(z_c);  h = o∘tanh(c).
func unrolled(ctx *context.Context, cfg Config, x *Node) *Node {
	g := x.Graph()
	dtype := x.DType()
	batch, steps, nIn, nH := x.Shape().Dim(0), x.Shape().Dim(1), cfg.Inputs, cfg.Hidden
	inW := ctx.VariableWithShape("inputsW", shapes.Make(dtype, 1, 4, nH, nIn)).ValueGraph(g)
	recW := ctx.VariableWithShape("recurrentW", shapes.Make(dtype, 1, 4, nH, nH)).ValueGraph(g)
	biasW := ctx.VariableWithShape("biasesW", shapes.Make(dtype, 1, 8, nH)).ValueGraph(g)

	wx := Transpose(Reshape(inW, 4*nH, nIn), 0, 1)   // [inputs, 4·hidden], gate-major columns
	wh := Transpose(Reshape(recW, 4*nH, nH), 0, 1)   // [hidden, 4·hidden]
	bias := ReduceSum(Reshape(biasW, 2, 1, 4*nH), 0) // [1, 4·hidden]: input + recurrent biases

	// Time-major input, so each step reads one contiguous block. Slicing the input costs no
	// gradient: it does not depend on the parameters.
	xt := TransposeAllDims(x, 1, 0, 2)
	h := Zeros(g, shapes.Make(dtype, batch, nH))
	c := Zeros(g, shapes.Make(dtype, batch, nH))
	gate := func(z *Node, k int) *Node { return Slice(z, AxisRange(), AxisRange(k*nH, (k+1)*nH)) }
	for t := range steps {
		xs := Reshape(Slice(xt, AxisElem(t)), batch, nIn)
		z := Add(Add(Dot(xs, wx), Dot(h, wh)), bias)
		i, o, f := Sigmoid(gate(z, 0)), Sigmoid(gate(z, 1)), Sigmoid(gate(z, 2))
		c = Add(Mul(f, c), Mul(i, Tanh(gate(z, 3))))
		h = Mul(o, Tanh(c))
	}
	return h
}

// layerOf applies GoMLX's lstm layer to x in ctx (used by tests to compare with the cell).
func layerOf(ctx *context.Context, x *Node, hidden int) (all, h, c *Node) {
	return lstm.New(ctx, x, hidden).Done()
}
