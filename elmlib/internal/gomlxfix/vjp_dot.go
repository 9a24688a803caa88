package gomlxfix

import (
	"fmt"
	"reflect"
	"sort"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// dotVJP is the gradient of Dot for matrix·matrix, matrix·vector and vector·vector: each
// adjoint is one DotGeneral, never the broadcast outer product GoMLX v0.26 builds.
func dotVJP(node, v *Node, _ shapes.Shape) []*Node {
	lhs, rhs := node.Inputs()[0], node.Inputs()[1]
	switch {
	case lhs.Rank() == 1 && rhs.Rank() == 1: // [k]·[k] -> scalar
		return []*Node{Mul(v, rhs), Mul(v, lhs)}
	case lhs.Rank() == 2 && rhs.Rank() == 1: // [i,k]·[k] -> [i]
		return []*Node{
			DotGeneral(v, nil, nil, rhs, nil, nil), // outer product [i,k]
			DotGeneral(lhs, []int{0}, nil, v, []int{0}, nil),
		}
	case lhs.Rank() == 2 && rhs.Rank() == 2: // [i,k]·[k,j] -> [i,j]
		return []*Node{
			DotGeneral(v, []int{1}, nil, rhs, []int{1}, nil),
			DotGeneral(lhs, []int{0}, nil, v, []int{0}, nil),
		}
	}
	panic(fmt.Errorf("gomlxfix: Dot gradient for ranks %s · %s is not defined",
		lhs.Shape(), rhs.Shape()))

}

// dotGeneralVJP is the gradient of DotGeneral: one DotGeneral per operand followed by a
// transpose back into the operand's axis order.
//
// The output of DotGeneral is [batch..., lhsCross..., rhsCross...]. The lhs adjoint contracts
// v's rhsCross axes with rhs's cross axes (batch axes stay batch); the result is
// [batch..., lhsCross..., rhsContracting...] and is transposed into lhs order. The rhs
// adjoint is symmetric.
func dotGeneralVJP(node, v *Node, _ shapes.Shape) []*Node {
	lhs, rhs := node.Inputs()[0], node.Inputs()[1]
	p := dotGeneralParams(node)
	lhsCross := crossAxes(lhs.Rank(), p.lhsContracting, p.lhsBatch)
	rhsCross := crossAxes(rhs.Rank(), p.rhsContracting, p.rhsBatch)
	nb, nl, nr := len(p.lhsBatch), len(lhsCross), len(rhsCross)

	vBatch := axisRange(0, nb)
	vLhsCross := axisRange(nb, nb+nl)
	vRhsCross := axisRange(nb+nl, nb+nl+nr)

	dLhs := chunkedDotGeneral(v, vRhsCross, vBatch, rhs, rhsCross, p.rhsBatch)
	dLhs = toOperandOrder(dLhs, p.lhsBatch, lhsCross, p.lhsContracting, p.rhsContracting)

	dRhs := chunkedDotGeneral(v, vLhsCross, vBatch, lhs, lhsCross, p.lhsBatch)
	dRhs = toOperandOrder(dRhs, p.rhsBatch, rhsCross, p.rhsContracting, p.lhsContracting)
	return []*Node{dLhs, dRhs}
}

// maxContraction is the largest contracting size chunkedDotGeneral hands to one DotGeneral.
const maxContraction = 4096

// chunkedDotGeneral is DotGeneral, but a long contraction (more than maxContraction
// elements) is split along its first contracting axis into partial products that are
// summed. simplego first transposes each operand into [batch, cross, contracting] with a
// strided copy whose cost per element grows with the operand's size (measured 4.6x for a
// [16000, 20] operand against [8000, 20]); weight gradients of time-unrolled models
// contract over time·batch and would otherwise grow faster than T.
func chunkedDotGeneral(a *Node, aContract, aBatch []int, b *Node, bContract, bBatch []int) *Node {
	total := 1
	for _, axis := range aContract {
		total *= a.Shape().Dimensions[axis]
	}
	if len(aContract) == 0 || total <= maxContraction {
		return DotGeneral(a, aContract, aBatch, b, bContract, bBatch)
	}
	axisA, axisB := aContract[0], bContract[0]
	dim := a.Shape().Dimensions[axisA]
	rest := total / dim
	step := max(1, maxContraction/rest)
	var sum *Node
	for start := 0; start < dim; start += step {
		end := min(start+step, dim)
		part := DotGeneral(SliceAxis(a, axisA, AxisRange(start, end)), aContract, aBatch,
			SliceAxis(b, axisB, AxisRange(start, end)), bContract, bBatch)
		if sum == nil {
			sum = part
		} else {
			sum = Add(sum, part)
		}
	}
	return sum
}

// toOperandOrder transposes an adjoint laid out as [batch..., cross..., contracting...] into
// the operand's axis order. The trailing contracting axes come out in increasing order of
// otherContracting (the other operand's remaining axes), paired index by index with
// thisContracting.
func toOperandOrder(x *Node, batch, cross, thisContracting, otherContracting []int) *Node {
	order := make([]int, len(otherContracting))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		return otherContracting[order[a]] < otherContracting[order[b]]
	})
	axisOfPos := append(append([]int{}, batch...), cross...)
	for _, k := range order {
		axisOfPos = append(axisOfPos, thisContracting[k])
	}

	perm := make([]int, len(axisOfPos))
	identity := true
	for pos, axis := range axisOfPos {
		perm[axis] = pos
		identity = identity && axis == pos
	}
	if identity {
		return x
	}
	return TransposeAllAxes(x, perm...)
}

type dotGeneralAxes struct {
	lhsContracting, lhsBatch, rhsContracting, rhsBatch []int
}

// dotGeneralParams reads the axes of a DotGeneral node, which GoMLX v0.26 keeps in an
// unexported struct.
func dotGeneralParams(node *Node) dotGeneralAxes {
	in := nodeInputsStruct(node)
	return dotGeneralAxes{
		lhsContracting: intsField(in, "lhsContractingAxes"),
		lhsBatch:       intsField(in, "lhsBatchAxes"),
		rhsContracting: intsField(in, "rhsContractingAxes"),
		rhsBatch:       intsField(in, "rhsBatchAxes"),
	}
}

// nodeInputsStruct returns the (unexported) parameter struct of a node.
func nodeInputsStruct(node *Node) reflect.Value {
	f := reflect.ValueOf(node).Elem().FieldByName("inputs")
	if !f.IsValid() || f.IsNil() {
		panic(fmt.Errorf("gomlxfix: node %s has no readable parameters (GoMLX version changed?)", node))
	}
	return f.Elem().Elem()
}

// intsField reads an []int field by name from a parameter struct.
func intsField(s reflect.Value, name string) []int {
	f := s.FieldByName(name)
	if !f.IsValid() || f.Kind() != reflect.Slice {
		panic(fmt.Errorf("gomlxfix: field %q not found in %s (GoMLX version changed?)", name, s.Type()))
	}
	out := make([]int, f.Len())
	for i := range out {
		out[i] = int(f.Index(i).Int())
	}
	return out
}

// crossAxes lists, in increasing order, the axes that are neither contracting nor batch.
func crossAxes(rank int, contracting, batch []int) []int {
	used := make([]bool, rank)
	for _, a := range contracting {
		used[a] = true
	}
	for _, a := range batch {
		used[a] = true
	}
	var out []int
	for a := range rank {
		if !used[a] {
			out = append(out, a)
		}
	}
	return out
}

func axisRange(from, to int) []int {
	out := make([]int, 0, to-from)
	for a := from; a < to; a++ {
		out = append(out, a)
	}
	return out
}
