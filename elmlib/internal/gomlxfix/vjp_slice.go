package gomlxfix

import (
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// sliceVJP is the gradient of Slice built from Concatenate with zero blocks (and, for
// strided slices, an interleave through Reshape), because the stock gradient uses Pad,
// which simplego does not implement.
//
// Note: like the stock gradient, each Slice's adjoint is a tensor of the full operand shape.
// Unstacking a [T, ...] tensor into T slices therefore costs O(T²) in the backward pass;
// avoid that pattern (elmlib's fast path never differentiates through per-step slices).
func sliceVJP(node, v *Node, _ shapes.Shape) []*Node {
	x := node.Inputs()[0]
	in := nodeInputsStruct(node)
	starts, strides := intsField(in, "starts"), intsField(in, "strides")
	dims := x.Shape().Dimensions

	adj := v
	for axis := range dims {
		stride := max(strides[axis], 1)
		if stride > 1 {
			adj = interleaveZeros(adj, axis, stride)
		}
		// adj now covers positions starts[axis] ... starts[axis]+adj.dim-1 of the axis.
		covered := adj.Shape().Dimensions[axis]
		if over := starts[axis] + covered - dims[axis]; over > 0 {
			adj = SliceAxis(adj, axis, AxisRange(0, covered-over))
			covered -= over
		}
		adj = padAxisWithZeros(adj, axis, starts[axis], dims[axis]-starts[axis]-covered)
	}
	return []*Node{adj}
}

// padAxisWithZeros prepends `before` and appends `after` zero entries along axis.
func padAxisWithZeros(x *Node, axis, before, after int) *Node {
	if before == 0 && after == 0 {
		return x
	}
	parts := make([]*Node, 0, 3)
	if before > 0 {
		parts = append(parts, zerosAlong(x, axis, before))
	}
	parts = append(parts, x)
	if after > 0 {
		parts = append(parts, zerosAlong(x, axis, after))
	}
	return Concatenate(parts, axis)
}

// zerosAlong returns zeros shaped like x except for n entries along axis.
func zerosAlong(x *Node, axis, n int) *Node {
	s := x.Shape().Clone()
	s.Dimensions[axis] = n
	return Zeros(x.Graph(), s)
}

// interleaveZeros puts stride-1 zeros after every entry along axis: [.., n, ..] becomes
// [.., n*stride, ..] with x at positions 0, stride, 2*stride, ...
func interleaveZeros(x *Node, axis, stride int) *Node {
	dims := x.Shape().Dimensions
	expanded := InsertAxes(x, axis+1)
	expanded = Concatenate([]*Node{expanded, zerosAlong(expanded, axis+1, stride-1)}, axis+1)
	newDims := append([]int{}, dims...)
	newDims[axis] *= stride
	return Reshape(expanded, newDims...)
}
