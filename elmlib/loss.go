package elmlib

import (
	"fmt"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:staticcheck // graph code reads as math
)

// LossKind selects the training loss of Train.
type LossKind string

const (
	// LossNeuronIO is 0.5·BCE-with-logits(y[...,0], spike) + 0.5·MSE(y[...,1], soma'),
	// soma' = (min(soma, -55 mV) + 67.7)·0.1, both means over the whole window. It needs
	// Batch.Spike and Batch.Soma and two outputs.
	LossNeuronIO LossKind = "neuronio"
	// LossCrossEntropyLast is the cross-entropy of the last step's outputs (logits, one
	// per class) against Batch.Labels.
	LossCrossEntropyLast LossKind = "cross_entropy_last"
	// LossMSE is the mean squared error between y[..., 0] and Batch.Soma used as a generic
	// per-step target [batch, time], unscaled.
	LossMSE LossKind = "mse"
)

// NeuronIO soma target transform: clip at SomaClipMV, add SomaOffsetMV, times SomaScale.
const (
	SomaClipMV   = -55.0
	SomaOffsetMV = 67.7
	SomaScale    = 0.1
)

// selectChannel returns y[..., c] for y [batch, time, channels] as a product with a
// one-hot vector, which keeps Slice off the differentiated path.
func selectChannel(y *Node, c int) *Node {
	n := y.Shape().Dim(-1)
	oneHot := make([]float32, n)
	oneHot[c] = 1
	mask := Reshape(Const(y.Graph(), oneHot), 1, 1, n)
	return ReduceSum(Mul(y, mask), -1)
}

// lastStep returns y[:, T-1, :] for y [batch, time, channels], by a one-hot product.
func lastStep(y *Node) *Node {
	steps := y.Shape().Dim(1)
	oneHot := make([]float32, steps)
	oneHot[steps-1] = 1
	return ReduceSum(Mul(y, Reshape(Const(y.Graph(), oneHot), 1, steps, 1)), 1)
}

// BCEWithLogits returns mean(max(x,0) - x·z + log(1 + exp(-|x|))) for logits x and
// targets z in [0, 1] of the same shape.
func BCEWithLogits(x, z *Node) *Node {
	return ReduceAllMean(Add(Sub(MaxScalar(x, 0), Mul(x, z)), Log1p(Exp(Neg(Abs(x))))))
}

// NeuronIOLoss returns the authors' NeuronIO training loss for y [batch, time, 2] (spike
// logit, soma in training scale), spike [batch, time] (0/1) and soma [batch, time] in mV.
func NeuronIOLoss(y, spike, soma *Node) *Node {
	target := MulScalar(AddScalar(MinScalar(soma, SomaClipMV), SomaOffsetMV), SomaScale)
	mse := ReduceAllMean(Square(Sub(selectChannel(y, 1), target)))
	return Add(MulScalar(BCEWithLogits(selectChannel(y, 0), spike), 0.5), MulScalar(mse, 0.5))
}

// CrossEntropyLast returns the mean cross-entropy of the last step's logits of y
// [batch, time, classes] against labels [batch] (int32 class indices).
func CrossEntropyLast(y, labels *Node) *Node {
	logits := lastStep(y)
	peak := StopGradient(ReduceMax(logits, -1))
	lse := Add(Log(ReduceSum(Exp(Sub(logits, InsertAxes(peak, -1))), -1)), peak)
	picked := ReduceSum(Mul(logits, OneHot(labels, y.Shape().Dim(-1), dtypes.Float32)), -1)
	return ReduceAllMean(Sub(lse, picked))
}

// lossGraph returns the loss of kind for y and the label nodes Train feeds: NeuronIO
// [spike, soma], cross-entropy [labels], MSE [target].
func lossGraph(kind LossKind, y *Node, labels []*Node) *Node {
	switch kind {
	case LossNeuronIO:
		return NeuronIOLoss(y, labels[0], labels[1])
	case LossCrossEntropyLast:
		return CrossEntropyLast(y, labels[0])
	case LossMSE:
		return ReduceAllMean(Square(Sub(selectChannel(y, 0), labels[0])))
	}
	panic(fmt.Errorf("elmlib: unknown loss %q", kind))
}
