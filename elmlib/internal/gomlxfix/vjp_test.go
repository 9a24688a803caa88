package gomlxfix

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// randTensor returns a float32 tensor of the given dimensions with values in [-1, 1).
func randTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = 2*rng.Float32() - 1
	}
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

func flat(t *tensors.Tensor) []float32 {
	v, err := tensors.CopyFlatData[float32](t)
	if err != nil {
		panic(err)
	}
	return v
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol*(1+math.Abs(float64(want[i]))) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

// TestDotGeneralGradient compares the installed DotGeneral gradient with the gradient of
// the same contraction written as broadcast Mul + ReduceSum (whose stock gradients are
// simple), for batch, cross and several contracting axes in permuted positions.
func TestDotGeneralGradient(t *testing.T) {
	InstallGradients()
	backend, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// lhs [c1=3, b=2, x=4, c2=5], rhs [b=2, c2=5, y=3, c1=3]; out [b, x, y].
	lhs, rhs := randTensor(rng, 3, 2, 4, 5), randTensor(rng, 2, 5, 3, 3)
	w := randTensor(rng, 2, 4, 3)
	fast := MustExecOnceN(backend, func(in []*Node) []*Node {
		out := DotGeneral(in[0], []int{0, 3}, []int{1}, in[1], []int{3, 1}, []int{0})
		return Gradient(ReduceAllSum(Mul(out, in[2])), in[0], in[1])
	}, lhs, rhs, w)
	ref := MustExecOnceN(backend, func(in []*Node) []*Node {
		l := TransposeAllAxes(in[0], 1, 2, 0, 3)        // [b, x, c1, c2]
		r := TransposeAllAxes(in[1], 0, 2, 3, 1)        // [b, y, c1, c2]
		prod := Mul(InsertAxes(l, 2), InsertAxes(r, 1)) // [b, x, y, c1, c2]
		out := ReduceSum(prod, 3, 4)
		return Gradient(ReduceAllSum(Mul(out, in[2])), in[0], in[1])
	}, lhs, rhs, w)
	assertClose(t, "d lhs", flat(fast[0]), flat(ref[0]), 1e-5)
	assertClose(t, "d rhs", flat(fast[1]), flat(ref[1]), 1e-5)
}

// TestDotGradient checks matrix·matrix and matrix·vector Dot gradients against their
// closed forms v·Bᵀ, Aᵀ·v and v⊗b.
func TestDotGradient(t *testing.T) {
	InstallGradients()
	backend, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	a, b := randTensor(rng, 3, 4), randTensor(rng, 4, 2)
	bv, w := randTensor(rng, 4), randTensor(rng, 3, 2)
	got := MustExecOnceN(backend, func(in []*Node) []*Node {
		mm := Gradient(ReduceAllSum(Mul(Dot(in[0], in[1]), in[3])), in[0], in[1])
		mv := Gradient(ReduceAllSum(Dot(in[0], in[2])), in[0], in[2])
		return append(mm, mv...)
	}, a, b, bv, w)
	av, bm, bvv, wv := flat(a), flat(b), flat(bv), flat(w)
	dA, dB := make([]float32, 12), make([]float32, 8)
	dAv, dbv := make([]float32, 12), make([]float32, 4)
	for i := range 3 {
		for k := range 4 {
			for j := range 2 {
				dA[i*4+k] += wv[i*2+j] * bm[k*2+j]
				dB[k*2+j] += av[i*4+k] * wv[i*2+j]
			}
			dAv[i*4+k] = bvv[k]
			dbv[k] += av[i*4+k]
		}
	}
	assertClose(t, "dot d lhs", flat(got[0]), dA, 1e-5)
	assertClose(t, "dot d rhs", flat(got[1]), dB, 1e-5)
	assertClose(t, "matvec d lhs", flat(got[2]), dAv, 1e-5)
	assertClose(t, "matvec d rhs", flat(got[3]), dbv, 1e-5)
}

// TestSliceGradient checks that the gradient of sum(w ∘ Slice(x)) is w placed at the sliced
// positions and zero elsewhere, with and without strides; the stock gradient cannot run
// on simplego (it needs Pad).
func TestSliceGradient(t *testing.T) {
	InstallGradients()
	backend, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	x := randTensor(rng, 5, 7)
	// rows 1..3, columns 1, 4 (stride 3 from 1 up to 6).
	w := randTensor(rng, 3, 2)
	got := MustExecOnceN(backend, func(in []*Node) []*Node {
		s := Slice(in[0], AxisRange(1, 4), AxisRange(1, 6).Stride(3))
		return Gradient(ReduceAllSum(Mul(s, in[1])), in[0])
	}, x, w)
	want := make([]float32, 35)
	wv := flat(w)
	for r := range 3 {
		for c := range 2 {
			want[(r+1)*7+1+3*c] = wv[r*2+c]
		}
	}
	assertClose(t, "slice grad", flat(got[0]), want, 0)
}

// TestChunkedDotGeneralGradient checks the gradient of a contraction long enough to be
// chunked (over [3000, 2] leading axes) against the closed form.
func TestChunkedDotGeneralGradient(t *testing.T) {
	InstallGradients()
	backend, err := Backend()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	x, w := randTensor(rng, 3000, 2, 3), randTensor(rng, 4, 3)
	v := randTensor(rng, 3000, 2, 4)
	got := MustExecOnceN(backend, func(in []*Node) []*Node {
		y := DotGeneral(in[0], []int{2}, nil, in[1], []int{1}, nil) // [3000, 2, 4]
		return Gradient(ReduceAllSum(Mul(y, in[2])), in[1])
	}, x, w, v)
	xv, vv := flat(x), flat(v)
	want := make([]float32, 12)
	for r := range 6000 {
		for o := range 4 {
			for i := range 3 {
				want[o*3+i] += vv[r*4+o] * xv[r*3+i]
			}
		}
	}
	assertClose(t, "d w", flat(got[0]), want, 1e-4)
}
