package fastpath

import (
	"testing"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// kernelChain times a graph of n chained ops of the loop's per-step size (B 8, H 40,
// d_m 20); ns/op divided by n is the cost of one op including executor overhead.
func kernelChain(b *testing.B, n int, step func(x, w, big *Node, i int) *Node) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		b.Fatal(err)
	}
	exec := MustNewExec(backend, func(x, w, big *Node) *Node {
		for i := range n {
			x = step(x, w, big, i)
		}
		return x
	})
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 1, 8, 20))
	w := tensors.FromShape(shapes.Make(dtypes.Float32, 20, 20))
	big := tensors.FromShape(shapes.Make(dtypes.Float32, n, 8, 20))
	exec.MustExec(x, w, big)
	b.ResetTimer()
	for range b.N {
		for _, t := range exec.MustExec(x, w, big) {
			t.FinalizeAll()
		}
	}
}

// BenchmarkKernelAdd1000 is 1000 elementwise adds of [1, 8, 20].
func BenchmarkKernelAdd1000(b *testing.B) {
	kernelChain(b, 1000, func(x, _, _ *Node, _ int) *Node { return Add(x, x) })
}

// BenchmarkKernelSlice1000 is 1000 per-step slices [1, 8, 20] of a [1000, 8, 20] stack
// (each added to the chain).
func BenchmarkKernelSlice1000(b *testing.B) {
	kernelChain(b, 1000, func(x, _, big *Node, i int) *Node {
		return Add(x, SliceAxis(big, 0, AxisElem(i)))
	})
}

// BenchmarkKernelDot1000 is 1000 chained [1, 8, 20]·[20, 20]ᵀ matmuls.
func BenchmarkKernelDot1000(b *testing.B) {
	kernelChain(b, 1000, func(x, w, _ *Node, _ int) *Node {
		return DotGeneral(x, []int{2}, nil, w, []int{1}, nil)
	})
}

// BenchmarkScanT500 times the trace recurrence on the NeuronIO trace shape [500, 8, 45].
func BenchmarkScanT500(b *testing.B) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		b.Fatal(err)
	}
	kappa := make([]float64, 45)
	for i := range kappa {
		kappa[i] = 0.8
	}
	exec := MustNewExec(backend, func(u *Node) *Node { return decayScan(u, kappa, false) })
	u := tensors.FromShape(shapes.Make(dtypes.Float32, 500, 8, 45))
	exec.MustExec(u)
	b.ResetTimer()
	for range b.N {
		for _, t := range exec.MustExec(u) {
			t.FinalizeAll()
		}
	}
}

// benchBigDot times the hoisted first-layer product [T·B, 45]·[40, 45]ᵀ at T = 500, whole
// (simplego's large-matrix path) or in row chunks small enough for its small-matrix path.
func benchBigDot(b *testing.B, chunks int) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		b.Fatal(err)
	}
	exec := MustNewExec(backend, func(d, w *Node) *Node {
		if chunks == 1 {
			return DotGeneral(d, []int{2}, nil, w, []int{1}, nil)
		}
		n := d.Shape().Dimensions[0]
		var parts []*Node
		for c := range chunks {
			part := SliceAxis(d, 0, AxisRange(c*n/chunks, (c+1)*n/chunks))
			parts = append(parts, DotGeneral(part, []int{2}, nil, w, []int{1}, nil))
		}
		return Concatenate(parts, 0)
	})
	d := tensors.FromShape(shapes.Make(dtypes.Float32, 500, 8, 45))
	w := tensors.FromShape(shapes.Make(dtypes.Float32, 40, 45))
	exec.MustExec(d, w)
	b.ResetTimer()
	for range b.N {
		for _, t := range exec.MustExec(d, w) {
			t.FinalizeAll()
		}
	}
}

func BenchmarkBigDotLarge(b *testing.B)     { benchBigDot(b, 1) }
func BenchmarkBigDotChunked(b *testing.B)   { benchBigDot(b, 10) }
func BenchmarkBigDotChunked50(b *testing.B) { benchBigDot(b, 50) }

// BenchmarkWeightGradContraction times the loop's largest weight-gradient contraction,
// [T, B, H]ᵀ·[T, B, G+d_m] over T and B (H 40, G+d_m 65, T 500, B 8).
func BenchmarkWeightGradContraction(b *testing.B) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		b.Fatal(err)
	}
	exec := MustNewExec(backend, func(x, y *Node) *Node {
		return DotGeneral(x, []int{0, 1}, nil, y, []int{0, 1}, nil)
	})
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 500, 8, 40))
	y := tensors.FromShape(shapes.Make(dtypes.Float32, 500, 8, 65))
	exec.MustExec(x, y)
	b.ResetTimer()
	for range b.N {
		for _, t := range exec.MustExec(x, y) {
			t.FinalizeAll()
		}
	}
}

// BenchmarkStepDot1000 is 1000 chained per-step first-layer products [1, 8, 65]·[40, 65]ᵀ
// (the output is padded back to 65 columns to keep the chain going).
func BenchmarkStepDot1000(b *testing.B) {
	backend, err := gomlxfix.Backend()
	if err != nil {
		b.Fatal(err)
	}
	exec := MustNewExec(backend, func(x, w, w2 *Node) *Node {
		for range 1000 {
			x = DotGeneral(DotGeneral(x, []int{2}, nil, w, []int{1}, nil), []int{2}, nil, w2,
				[]int{1}, nil)
		}
		return x
	})
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 1, 8, 65))
	w := tensors.FromShape(shapes.Make(dtypes.Float32, 40, 65))
	w2 := tensors.FromShape(shapes.Make(dtypes.Float32, 65, 40))
	exec.MustExec(x, w, w2)
	b.ResetTimer()
	for range b.N {
		for _, t := range exec.MustExec(x, w, w2) {
			t.FinalizeAll()
		}
	}
}
