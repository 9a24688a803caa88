package fastpath

import (
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // reads like math
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

// loopParams are the inputs of the unrolled recurrence, after hoisting and folding.
//
// The loop carries the trace-group state d (one trace per group, see traceGroups) and the
// memory in the scaled form n = m / c (c = 1.7159·gain), which turns the ELM update
//
//	m_t = κ_m∘m_{t-1} + c∘tanh(2/3·MLP([branch_t, κ_m∘m_{t-1}]))
//
// into
//
//	d_t    = κ_d∘d_{t-1} + U_t                     (trace; U is the scattered synapse drive)
//	pre1_t = [d_t, n_{t-1}]·W0ᵀ + b0               W0 = [W0b·S | W0m·diag(κ_m∘c)]
//	h_l    = act(pre_l), pre_l = h_{l-1}·Wm_lᵀ + b_l   (hidden layers 2..L)
//	n_t    = κ_m∘n_{t-1} + tanh(h_L·W2ᵀ + B2)       W2 = 2/3·W_L, B2 = 2/3·b_L
//
// where S [nb, G] sums groups into branches (the identity when G = nb). Computing the
// branch half of the first layer inside the loop, on the state the loop already holds,
// replaces a [T·B, G]·[G, H] product that simplego's large-matrix kernel runs at about
// 1 GFLOP/s (6 ms at T = 500, and as much again for its gradient).
//
// Weights keep the torch layout [out, in]: simplego's matmul wants the right operand as
// [cross, contracting], so x·Wᵀ runs without re-transposing W at every step.
type loopParams struct {
	U      *Node   // [T, B, G]
	W0     *Node   // [H, G+d_m]
	B0     *Node   // [H]
	Wm, Bm []*Node // hidden layers 2..L: [H, H] (out, in) and [H]
	W2     *Node   // [d_m, H]
	B2     *Node   // [d_m]
	Km     *Node   // [d_m]
}

func (lp loopParams) list() []*Node {
	out := []*Node{lp.U, lp.W0, lp.B0, lp.W2, lp.B2, lp.Km}
	out = append(out, lp.Wm...)
	return append(out, lp.Bm...)
}

func loopParamsFromList(x []*Node) loopParams {
	lp := loopParams{U: x[0], W0: x[1], B0: x[2], W2: x[3], B2: x[4], Km: x[5]}
	k := (len(x) - 6) / 2
	lp.Wm = x[6 : 6+k]
	lp.Bm = x[6+k:]
	return lp
}

// loopRecord holds the per-step nodes of the forward recurrence that the backward reads.
type loopRecord struct {
	x   []*Node   // [t] first-layer input [d_t, n_{t-1}], [1, B, G+d_m]
	pre [][]*Node // [layer][t] pre-activations [1, B, H]
	h   [][]*Node // [layer][t] activations [1, B, H]
	a   []*Node   // [t] tanh(z_t) [1, B, d_m]
	n   []*Node   // [t] n_t [1, B, d_m]
}

// memoryLoop unrolls the recurrence over T steps and returns N [T, B, d_m]; kd [G] are the
// trace decays (constants).
//
// Gradient: the forward runs on StopGradient'ed copies of the loop inputs, so autodiff
// never walks the unrolled steps. Each input is instead passed through an identity with a
// custom gradient; the identity on N records N's adjoint, and the first input identity
// whose gradient is requested builds the hand-written backward recurrence (BPTT) once and
// hands every input its adjoint. A zero-valued tie (0·Σ first elements of the inputs)
// added to N puts the input identities on the gradient path; GoMLX processes nodes in
// reverse creation order, so N's identity (created last) always records the adjoint before
// the inputs ask for it.
func memoryLoop(spec Spec, lp loopParams, kd []float64, T, B int) *Node {
	inputs := lp.list()
	st := &bptt{spec: spec, T: T, B: B, kd: kd}
	tied := make([]*Node, len(inputs))
	for i, x := range inputs {
		tied[i] = IdentityWithCustomGradient(x, func(_, _ *Node) *Node { return st.grad(i) })
	}
	sg := make([]*Node, len(tied))
	for i, x := range tied {
		sg[i] = StopGradient(x)
	}
	st.lp = loopParamsFromList(sg)
	st.rec = forwardSteps(spec, st.lp, kd, T, B)
	st.N = StopGradient(Concatenate(st.rec.n, 0))

	g := st.N.Graph()
	tie := ScalarZero(g, st.N.DType())
	for _, x := range tied {
		first := make([]SliceAxisSpec, x.Rank())
		for a := range first {
			first[a] = AxisElem(0)
		}
		tie = Add(tie, Reshape(Slice(x, first...))) // one element: cheap in the forward pass
	}
	tie = Mul(tie, ScalarZero(g, st.N.DType()))
	return IdentityWithCustomGradient(Add(st.N, tie), func(_, v *Node) *Node {
		st.dN, st.grads = v, nil
		return v
	})
}

// rowConst returns a [1, B, len(v)] constant holding v in every row.
func rowConst(like *Node, v []float64, B int) *Node {
	c := Reshape(ConvertDType(Const(like.Graph(), toFloat32(v)), like.DType()), 1, 1, len(v))
	return BroadcastToDims(c, 1, B, len(v))
}

// rowBroadcast returns the vector x [n] broadcast to [1, B, n].
func rowBroadcast(x *Node, B int) *Node {
	n := x.Shape().Dimensions[0]
	return BroadcastToDims(Reshape(x, 1, 1, n), 1, B, n)
}

// forwardSteps builds the unrolled recurrence on (gradient-stopped) inputs.
func forwardSteps(spec Spec, lp loopParams, kd []float64, T, B int) *loopRecord {
	L := spec.Layers
	rec := &loopRecord{pre: make([][]*Node, L), h: make([][]*Node, L)}
	dt := lp.U.DType()
	dm := spec.NumMemory
	km, kdB := rowBroadcast(lp.Km, B), rowConst(lp.U, kd, B)
	b0, b2 := rowBroadcast(lp.B0, B), rowBroadcast(lp.B2, B)
	bm := make([]*Node, len(lp.Bm))
	for i, b := range lp.Bm {
		bm[i] = rowBroadcast(b, B)
	}
	zero := ScalarZero(lp.U.Graph(), dt)
	n0 := Zeros(lp.U.Graph(), shapes.Make(dt, 1, B, dm))

	var d, n *Node
	for t := range T {
		u := SliceAxis(lp.U, 0, AxisElem(t))
		if d == nil {
			d = u
		} else {
			d = Add(Mul(kdB, d), u)
		}
		prev := n
		if prev == nil {
			prev = n0
		}
		x := Concatenate([]*Node{d, prev}, 2)
		rec.x = append(rec.x, x)
		pre := Add(DotGeneral(x, []int{2}, nil, lp.W0, []int{1}, nil), b0)
		var h *Node
		for l := range L {
			if l > 0 {
				pre = Add(DotGeneral(h, []int{2}, nil, lp.Wm[l-1], []int{1}, nil), bm[l-1])
			}
			h = activation(spec.Activation, pre, zero)
			rec.pre[l] = append(rec.pre[l], pre)
			rec.h[l] = append(rec.h[l], h)
		}
		a := Tanh(Add(DotGeneral(h, []int{2}, nil, lp.W2, []int{1}, nil), b2))
		if n == nil {
			n = a
		} else {
			n = Add(Mul(km, n), a)
		}
		rec.a = append(rec.a, a)
		rec.n = append(rec.n, n)
	}
	return rec
}

func activation(name string, x, zero *Node) *Node {
	if name == "silu" {
		return Mul(x, Sigmoid(x))
	}
	return Max(x, zero)
}

// bptt builds and caches the backward recurrence of one memoryLoop.
type bptt struct {
	spec  Spec
	T, B  int
	kd    []float64
	lp    loopParams // gradient-stopped inputs
	rec   *loopRecord
	N     *Node   // [T, B, d_m]
	dN    *Node   // adjoint of N, set by N's identity
	grads []*Node // adjoints of lp.list(), built on first request
}

func (st *bptt) grad(i int) *Node {
	if st.grads == nil {
		if st.dN == nil {
			panic("fastpath: memory loop gradient requested before its output's adjoint")
		}
		st.grads = st.backward()
	}
	return st.grads[i]
}

// backward runs the recurrence's adjoint from t = T-1 down to 0:
//
//	G_t    = dN_t + κ_m∘G_{t+1} + dx_{t+1}[n part]
//	dz_t   = G_t∘(1 - a_t²);   dh_L = dz_t·W2
//	dpre_l = dh_l∘act'(pre_l); dh_{l-1} = dpre_l·Wm_l
//	dx_t   = dpre1_t·W0;       dU_t = dx_t[d part] + κ_d∘dU_{t+1}
//
// and then forms the weight adjoints as single contractions over the stacked steps.
func (st *bptt) backward() []*Node {
	spec, lp, rec, T, B := st.spec, st.lp, st.rec, st.T, st.B
	L := spec.Layers
	G := lp.U.Shape().Dimensions[2]

	A := Concatenate(rec.a, 0) // [T, B, d_m]
	S := OneMinus(Mul(A, A))
	deriv := make([]*Node, L) // act'(pre_l) stacked [T, B, H]
	H := make([]*Node, L)
	for l := range L {
		H[l] = Concatenate(rec.h[l], 0)
		if spec.Activation == "silu" {
			pre := Concatenate(rec.pre[l], 0)
			s := Sigmoid(pre)
			deriv[l] = Mul(s, AddScalar(Mul(pre, OneMinus(s)), 1))
		} else {
			deriv[l] = Sign(H[l])
		}
	}
	km, kdB := rowBroadcast(lp.Km, B), rowConst(lp.U, st.kd, B)
	// Transposed weights for the adjoint products, in simplego's [cross, contracting] layout.
	w2T, w0T := Transpose(lp.W2, 0, 1), Transpose(lp.W0, 0, 1)
	wmT := make([]*Node, len(lp.Wm))
	for i, w := range lp.Wm {
		wmT[i] = Transpose(w, 0, 1)
	}

	gs := make([]*Node, T)
	dzs := make([]*Node, T)
	dus := make([]*Node, T)
	dpres := make([][]*Node, L)
	for l := range L {
		dpres[l] = make([]*Node, T)
	}
	var carry, du *Node
	for t := T - 1; t >= 0; t-- {
		g := SliceAxis(st.dN, 0, AxisElem(t))
		if carry != nil {
			g = Add(g, carry)
		}
		dz := Mul(g, SliceAxis(S, 0, AxisElem(t)))
		dh := DotGeneral(dz, []int{2}, nil, w2T, []int{1}, nil)
		var dpre *Node
		for l := L - 1; l >= 0; l-- {
			dpre = Mul(dh, SliceAxis(deriv[l], 0, AxisElem(t)))
			dpres[l][t] = dpre
			if l > 0 {
				dh = DotGeneral(dpre, []int{2}, nil, wmT[l-1], []int{1}, nil)
			}
		}
		dx := DotGeneral(dpre, []int{2}, nil, w0T, []int{1}, nil) // [1, B, G+d_m]
		dd := SliceAxis(dx, 2, AxisRange(0, G))
		if du == nil {
			du = dd
		} else {
			du = Add(dd, Mul(kdB, du))
		}
		gs[t], dzs[t], dus[t] = g, dz, du
		if t > 0 {
			carry = Add(Mul(km, g), SliceAxis(dx, 2, AxisRange(G)))
		}
	}

	Gst, DU := Concatenate(gs, 0), Concatenate(dus, 0)
	DZ := Concatenate(dzs, 0)
	nPrev := shiftTime(st.N, 1, false) // n_{t-1}, zero at t = 0
	sum01 := func(x *Node) *Node { return ReduceSum(x, 0, 1) }

	out := loopParams{
		U:  DU,
		W0: contractSteps(dpres[0], rec.x),
		B0: sumSteps(dpres[0]),
		W2: contractSteps(dzs, rec.h[L-1]),
		B2: sum01(DZ),
		Km: sum01(Mul(Gst, nPrev)),
	}
	for l := 1; l < L; l++ {
		out.Wm = append(out.Wm, contractSteps(dpres[l], rec.h[l-1]))
		out.Bm = append(out.Bm, sumSteps(dpres[l]))
	}
	return out.list()
}

// stepChunk is the number of time steps stacked per weight-gradient contraction. simplego
// transposes both operands of a contraction over time into [features, steps·batch] with a
// strided copy whose cost per element grows once the stack leaves the cache (at T = 2000
// it took 11x the T = 500 time); chunks keep it linear in T.
const stepChunk = 128

// contractSteps returns Σ_t x_tᵀ·y_t over the per-step pieces x_t [1, B, p] and y_t
// [1, B, q], as [p, q].
func contractSteps(xs, ys []*Node) *Node {
	var sum *Node
	for start := 0; start < len(xs); start += stepChunk {
		end := min(start+stepChunk, len(xs))
		x, y := Concatenate(xs[start:end], 0), Concatenate(ys[start:end], 0)
		part := DotGeneral(x, []int{0, 1}, nil, y, []int{0, 1}, nil)
		if sum == nil {
			sum = part
		} else {
			sum = Add(sum, part)
		}
	}
	return sum
}

// sumSteps returns Σ_t x_t over the per-step pieces x_t [1, B, p], as [p].
func sumSteps(xs []*Node) *Node {
	return ReduceSum(Concatenate(xs, 0), 0, 1)
}
