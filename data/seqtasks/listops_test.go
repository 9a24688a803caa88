package seqtasks

import (
	"sort"
	"strconv"
	"strings"
	"testing"
)

// evalListOps is the test's own evaluator: it reads the words of an expression with a stack
// of open operators, independent of the generator's tree.
func evalListOps(t *testing.T, text string) int {
	type frame struct {
		op   string
		args []int
	}
	var stack []*frame
	result := -1
	for _, w := range strings.Fields(text) {
		switch {
		case strings.HasPrefix(w, "["):
			stack = append(stack, &frame{op: w[1:]})
		case w == "]":
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			a := append([]int(nil), f.args...)
			sort.Ints(a)
			var v int
			switch f.op {
			case "MIN":
				v = a[0]
			case "MAX":
				v = a[len(a)-1]
			case "MED": // median; the mean of the middle pair rounded down for even counts
				if len(a)%2 == 1 {
					v = a[len(a)/2]
				} else {
					v = (a[len(a)/2-1] + a[len(a)/2]) / 2
				}
			case "SM":
				for _, x := range a {
					v += x
				}
				v %= 10
			default:
				t.Fatalf("unknown operator %q", f.op)
			}
			if len(stack) == 0 {
				result = v
			} else {
				stack[len(stack)-1].args = append(stack[len(stack)-1].args, v)
			}
		default:
			d, err := strconv.Atoi(w)
			if err != nil || d < 0 || d > 9 {
				t.Fatalf("bad word %q", w)
			}
			stack[len(stack)-1].args = append(stack[len(stack)-1].args, d)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed expression %q", text)
	}
	return result
}

func TestListOpsValuesByIndependentEvaluator(t *testing.T) {
	// Hand-computed cases: MED of 4 values {1,4,7,8} is (4+7)/2 = 5.
	for i, tc := range []struct {
		text string
		want int
	}{
		{"[MAX 2 9 [MIN 4 7 ] 0 ]", 9},
		{"[SM 8 7 [MED 1 8 4 7 ] ]", 0},
		{"[MED 3 [SM 5 6 ] 9 ]", 3},
	} {
		if got := evalListOps(t, tc.text); got != tc.want {
			t.Errorf("case %d: evaluator gives %d, want %d", i, got, tc.want)
		}
	}

	cfg := ListOpsConfig{MaxDepth: 4, MaxArgs: 5, MinLength: 10, MaxLength: 120, OpProb: 0.3}
	counts := make([]int, 10)
	for i := 0; i < 300; i++ {
		ex, err := NewListOpsExample(cfg, 5, i)
		if err != nil {
			t.Fatal(err)
		}
		text := ex.String()
		if got := evalListOps(t, text); got != int(ex.Value) {
			t.Fatalf("example %d %q: generator says %d, evaluator %d", i, text, ex.Value, got)
		}
		if n := len(ex.Tokens); n < cfg.MinLength || n > cfg.MaxLength || ex.Depth > cfg.MaxDepth {
			t.Errorf("example %d: %d tokens, depth %d", i, n, ex.Depth)
		}
		back, err := TokenizeListOps(text)
		if err != nil || DetokenizeListOps(back) != text || len(back) != len(ex.Tokens) {
			t.Errorf("example %d: tokenise round trip %v", i, err)
		}
		counts[ex.Value]++
	}
	for v, n := range counts {
		if n == 0 {
			t.Errorf("value %d never drawn in 300 examples: %v", v, counts)
		}
	}
}

func TestListOpsSet(t *testing.T) {
	cfg := ListOpsConfig{MaxDepth: 3, MaxArgs: 4, MinLength: 8, MaxLength: 40, OpProb: 0.3}
	s, exs, err := ListOps(cfg, 9, 5, ListOpsEncoding{})
	if err != nil {
		t.Fatal(err)
	}
	s2, _, _ := ListOps(cfg, 9, 5, ListOpsEncoding{OneHot: true, PadFront: true})
	if s.Steps != 40 || s.Channels != 1 || s2.Channels != ListOpsVocab || s.Classes != 10 {
		t.Fatalf("shapes %d×%d and %d×%d", s.Steps, s.Channels, s2.Steps, s2.Channels)
	}
	for i, ex := range exs {
		ids, hot := s.Input(i), s2.Input(i)
		off := 40 - len(ex.Tokens)
		for t0 := 0; t0 < 40; t0++ {
			want := int32(TokPad)
			if t0 < len(ex.Tokens) {
				want = ex.Tokens[t0]
			}
			if ids[t0] != float32(want) {
				t.Fatalf("example %d step %d: id %v, want %d", i, t0, ids[t0], want)
			}
			wantFront := int32(TokPad)
			if t0 >= off {
				wantFront = ex.Tokens[t0-off]
			}
			if hot[t0*ListOpsVocab+int(wantFront)] != 1 {
				t.Fatalf("example %d step %d: one-hot misses token %d", i, t0, wantFront)
			}
		}
		if s.Labels[i] != ex.Value {
			t.Errorf("label %d != value %d", s.Labels[i], ex.Value)
		}
	}
	again, _ := NewListOpsExample(cfg, 9, 3)
	other, _ := NewListOpsExample(cfg, 10, 3)
	if again.String() != exs[3].String() || other.String() == again.String() {
		t.Error("listops not deterministic by (seed, index)")
	}
	if _, err := NewListOpsExample(ListOpsConfig{MaxDepth: 1, MaxArgs: 2, MinLength: 50,
		MaxLength: 60, OpProb: 0.5}, 1, 0); err == nil ||
		!strings.Contains(err.Error(), "no expression of 50..60") {
		t.Errorf("impossible length: %v", err)
	}
	if _, err := TokenizeListOps("[MIN 3 x ]"); err == nil || !strings.Contains(err.Error(),
		`"x"`) {
		t.Errorf("bad word: %v", err)
	}
}
