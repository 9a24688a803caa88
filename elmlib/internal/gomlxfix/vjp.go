package gomlxfix

import (
	"sync"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

var installOnce sync.Once

// InstallGradients replaces three gradient (VJP) registrations of GoMLX v0.26.0 with versions
// that run well on the pure-Go backend. It is idempotent and safe to call from init
// functions; packages that build training graphs (elmlib, its fast path) call it themselves.
//
//   - Dot and DotGeneral: GoMLX builds each adjoint as a broadcast outer product followed by
//     ReduceSum, which for a hoisted [T·B, n]·[n, m] einsum materialises T·B·n·m floats
//     (1.75 GB at T = 500 in the measurements of shared/notes/gomlx-performance.md). The
//     replacement is one DotGeneral per operand plus a transpose; contractions longer than
//     4096 elements are summed from chunks (see chunkedDotGeneral).
//   - Slice: GoMLX's gradient calls Pad, which simplego does not implement, so any graph
//     that slices a parameter-dependent tensor fails at run time. The replacement
//     concatenates zero blocks instead.
//
// The registrations are global (graph.VJPRegistration), so they affect every graph of the
// process; they compute the same values as the stock gradients. Both belong upstream; when
// GoMLX ships equivalents, delete this function's body.
//
// Where simplego's kernels, rather than the graph, limit elmlib's speed is documented with
// measurements in kernels.go.
func InstallGradients() {
	installOnce.Do(func() {
		graph.VJPRegistration[graph.NodeTypeDot] = vjpSingle(dotVJP)
		graph.VJPRegistration[graph.NodeTypeDotGeneral] = vjpSingle(dotGeneralVJP)
		graph.VJPRegistration[graph.NodeTypeSlice] = vjpSingle(sliceVJP)
	})
}

func vjpSingle(fn graph.SingleOutputVJP) graph.VJP {
	return func(node *graph.Node, v []*graph.Node, out shapes.Shape) []*graph.Node {
		return fn(node, v[0], out)
	}
}
