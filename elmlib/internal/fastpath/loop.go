package fastpath

import (
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // graph code reads better unqualified
)

// loopParams are the inputs of the memory recurrence, after hoisting and folding.
//
// The loop runs on n = m / c (c = 1.7159·gain), which turns the ELM memory update
//
//	m_t = κ_m∘m_{t-1} + c∘tanh(2/3·(MLP(...)))
//
// into n_t = κ_m∘n_{t-1} + tanh(z_t), with the constants folded into the weights:
//
//	pre1_t = P_t + n_{t-1}·W1nᵀ         P = branch·W0bᵀ + b0,  W1n = W0m·diag(κ_m∘c)
//	h_l    = act(pre_l), pre_l = h_{l-1}·Wm_lᵀ + b_l   (hidden layers 2..L)
//	z_t    = h_L·W2ᵀ + B2               W2 = 2/3·W_L, B2 = 2/3·b_L
//
// Weights keep the torch layout [out, in]: simplego's matmul wants the right operand as
// [cross, contracting], so x·Wᵀ runs without re-transposing W at every step.
type loopParams struct {
	P      *Node   // [T, B, H]
	W1n    *Node   // [H, d_m]
	Wm, Bm []*Node // hidden layers 2..L: [H, H] (out, in) and [H]
	W2     *Node   // [d_m, H]
	B2     *Node   // [d_m]
	Km     *Node   // [d_m]
}

func (lp loopParams) list() []*Node {
	out := []*Node{lp.P, lp.W1n, lp.W2, lp.B2, lp.Km}
	out = append(out, lp.Wm...)
	return append(out, lp.Bm...)
}

func loopParamsFromList(x []*Node) loopParams {
	lp := loopParams{P: x[0], W1n: x[1], W2: x[2], B2: x[3], Km: x[4]}
	k := (len(x) - 5) / 2
	lp.Wm = x[5 : 5+k]
	lp.Bm = x[5+k:]
	return lp
}

// loopRecord holds the per-step nodes of the forward recurrence that the backward reads.
type loopRecord struct {
	pre [][]*Node // [layer][t] pre-activations [1, B, H]
	h   [][]*Node // [layer][t] activations [1, B, H]
	a   []*Node   // [t] tanh(z_t) [1, B, d_m]
	n   []*Node   // [t] n_t [1, B, d_m]
}

// memoryLoop unrolls the memory recurrence over T steps and returns N [T, B, d_m].
//
// Gradient: the forward runs on StopGradient'ed copies of the loop inputs, so autodiff
// never walks the unrolled steps. Each input is instead passed through an identity with a
// custom gradient; the identity on N records N's adjoint, and the first input identity
// whose gradient is requested builds the hand-written backward recurrence (BPTT) once and
// hands every input its adjoint. A zero-valued tie (0·Σ inputs) added to N puts the
// input identities on the gradient path; GoMLX processes nodes in reverse creation order,
// so N's identity (created last) always records the adjoint before the inputs ask for it.
func memoryLoop(spec Spec, lp loopParams, T, B int) *Node {
	inputs := lp.list()
	st := &bptt{spec: spec, T: T, B: B}
	tied := make([]*Node, len(inputs))
	for i, x := range inputs {
		tied[i] = IdentityWithCustomGradient(x, func(_, _ *Node) *Node { return st.grad(i) })
	}
	sg := make([]*Node, len(tied))
	for i, x := range tied {
		sg[i] = StopGradient(x)
	}
	st.lp = loopParamsFromList(sg)
	st.rec = forwardSteps(spec, st.lp, T, B)
	st.N = StopGradient(Concatenate(st.rec.n, 0))

	g := st.N.Graph()
	tie := ScalarZero(g, st.N.DType())
	for _, x := range tied {
		tie = Add(tie, ReduceAllSum(x))
	}
	tie = Mul(tie, ScalarZero(g, st.N.DType()))
	return IdentityWithCustomGradient(Add(st.N, tie), func(_, v *Node) *Node {
		st.dN, st.grads = v, nil
		return v
	})
}

// forwardSteps builds the unrolled recurrence on (gradient-stopped) inputs.
func forwardSteps(spec Spec, lp loopParams, T, B int) *loopRecord {
	L := spec.Layers
	rec := &loopRecord{pre: make([][]*Node, L), h: make([][]*Node, L)}
	g, dt := lp.P.Graph(), lp.P.DType()
	dm := spec.NumMemory
	km := BroadcastToDims(Reshape(lp.Km, 1, 1, dm), 1, B, dm)
	b2 := BroadcastToDims(Reshape(lp.B2, 1, 1, dm), 1, B, dm)
	bm := make([]*Node, len(lp.Bm))
	for i, b := range lp.Bm {
		bm[i] = BroadcastToDims(Reshape(b, 1, 1, spec.Hidden), 1, B, spec.Hidden)
	}
	zero := ScalarZero(g, dt)

	var n *Node
	for t := range T {
		pre := SliceAxis(lp.P, 0, AxisElem(t))
		if n != nil {
			pre = Add(pre, DotGeneral(n, []int{2}, nil, lp.W1n, []int{1}, nil))
		}
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
//	G_t    = dN_t + κ_m∘G_{t+1} + dpre1_{t+1}·W1nᵀ
//	dz_t   = G_t∘(1 - a_t²);   dh_L = dz_t·W2ᵀ
//	dpre_l = dh_l∘act'(pre_l); dh_{l-1} = dpre_l·Wm_lᵀ
//
// and then forms the weight adjoints as single contractions over the stacked steps.
func (st *bptt) backward() []*Node {
	spec, lp, rec, T := st.spec, st.lp, st.rec, st.T
	L, dm := spec.Layers, spec.NumMemory
	dt := st.N.DType()

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
	km := BroadcastToDims(Reshape(lp.Km, 1, 1, dm), 1, st.B, dm)
	// Transposed weights for the adjoint products, in simplego's [cross, contracting] layout.
	w2T, w1nT := Transpose(lp.W2, 0, 1), Transpose(lp.W1n, 0, 1)
	wmT := make([]*Node, len(lp.Wm))
	for i, w := range lp.Wm {
		wmT[i] = Transpose(w, 0, 1)
	}

	gs := make([]*Node, T)
	dzs := make([]*Node, T)
	dpres := make([][]*Node, L)
	for l := range L {
		dpres[l] = make([]*Node, T)
	}
	var carry *Node
	for t := T - 1; t >= 0; t-- {
		G := SliceAxis(st.dN, 0, AxisElem(t))
		if carry != nil {
			G = Add(G, carry)
		}
		dz := Mul(G, SliceAxis(S, 0, AxisElem(t)))
		dh := DotGeneral(dz, []int{2}, nil, w2T, []int{1}, nil)
		var dpre *Node
		for l := L - 1; l >= 0; l-- {
			dpre = Mul(dh, SliceAxis(deriv[l], 0, AxisElem(t)))
			dpres[l][t] = dpre
			if l > 0 {
				dh = DotGeneral(dpre, []int{2}, nil, wmT[l-1], []int{1}, nil)
			}
		}
		gs[t], dzs[t] = G, dz
		if t > 0 {
			carry = Add(Mul(km, G), DotGeneral(dpre, []int{2}, nil, w1nT, []int{1}, nil))
		}
	}

	Gst, DZ := Concatenate(gs, 0), Concatenate(dzs, 0)
	DP := make([]*Node, L)
	for l := range L {
		DP[l] = Concatenate(dpres[l], 0)
	}
	nPrev := shiftTime(st.N, 1, false) // n_{t-1}, zero at t = 0
	sum01 := func(x *Node) *Node { return ReduceSum(x, 0, 1) }
	contract01 := func(x, y *Node) *Node { return DotGeneral(x, []int{0, 1}, nil, y, []int{0, 1}, nil) }

	gradP := DP[0]
	gradW1n := contract01(DP[0], nPrev)
	gradW2 := contract01(DZ, H[L-1])
	gradB2 := sum01(DZ)
	gradKm := sum01(Mul(Gst, nPrev))
	var gradWm, gradBm []*Node
	for l := 1; l < L; l++ {
		gradWm = append(gradWm, contract01(DP[l], H[l-1]))
		gradBm = append(gradBm, sum01(DP[l]))
	}
	_ = dt
	return loopParams{P: gradP, W1n: gradW1n, Wm: gradWm, Bm: gradBm, W2: gradW2, B2: gradB2,
		Km: gradKm}.list()
}
