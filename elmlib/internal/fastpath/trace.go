package fastpath

import (
	"math"

	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph code reads better unqualified
)

// linearTrace returns r [T, B, G] with r[t] = κ∘r[t-1] + u[t] along axis 0, r[-1] = 0.
// Its gradient is the same recurrence run backwards in time, attached by hand so autodiff
// never differentiates the scan's slices.
func linearTrace(u *Node, kappa []float64) *Node {
	fwd := StopGradient(decayScan(StopGradient(u), kappa, false))
	x := IdentityWithCustomGradient(u, func(_, v *Node) *Node {
		return decayScan(v, kappa, true)
	})
	return Add(fwd, Sub(x, StopGradient(x)))
}

// decayScan computes the causal (or, reversed, anti-causal) decaying sum of u [T, B, G]
// along axis 0 with a doubling scan: log2(T) rounds of shift-multiply-add, O(T·log T) work
// and no T×T matrix.
func decayScan(u *Node, kappa []float64, reverse bool) *Node {
	T := u.Shape().Dimensions[0]
	uniform := true
	for _, k := range kappa {
		uniform = uniform && k == kappa[0]
	}
	r := u
	for shift := 1; shift < T; shift *= 2 {
		var decay *Node
		if uniform {
			// A scalar factor keeps simplego on its fast elementwise path.
			decay = Scalar(u.Graph(), u.DType(), math.Pow(kappa[0], float64(shift)))
		} else {
			// Broadcasting a [G] factor runs simplego's slow per-element broadcast
			// iterator; a constant of the full shape avoids that.
			dims := u.Shape().Dimensions
			pow := make([]float32, u.Shape().Size())
			for i := range pow {
				pow[i] = float32(math.Pow(kappa[i%dims[2]], float64(shift)))
			}
			decay = ConvertDType(Const(u.Graph(), pow), u.DType())
			decay = Reshape(decay, dims...)
		}
		r = Add(r, Mul(shiftTime(r, shift, reverse), decay))
	}
	return r
}

// shiftTime moves x [T, ...] by s steps along axis 0, filling with zeros: forward gives
// out[t] = x[t-s], reverse gives out[t] = x[t+s].
func shiftTime(x *Node, s int, reverse bool) *Node {
	T := x.Shape().Dimensions[0]
	zs := x.Shape().Clone()
	zs.Dimensions[0] = s
	zeros := Zeros(x.Graph(), zs)
	if reverse {
		return Concatenate([]*Node{SliceAxis(x, 0, AxisRange(s, T)), zeros}, 0)
	}
	return Concatenate([]*Node{zeros, SliceAxis(x, 0, AxisRange(0, T-s))}, 0)
}
