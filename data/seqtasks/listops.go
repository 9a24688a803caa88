package seqtasks

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// ListOps (Nangia & Bowman 2018, as used in the Long Range Arena), generated from its
// definition: a nested prefix expression of the operators MIN, MAX, MED (median) and SM
// (sum modulo 10) over digits 0–9, e.g. "[MAX 2 9 [MIN 4 7 ] 0 ]" = 9. The class is the
// expression's value, 0–9. MED of an even number of values is the floor of the mean of the
// two middle ones.

// ListOps tokens. Token ids are these constants: 0 pads, 1..10 are the digits 0..9.
const (
	TokPad   = 0
	TokDigit = 1 // id of digit k is TokDigit+k
	TokMin   = 11
	TokMax   = 12
	TokMed   = 13
	TokSum   = 14 // SM: sum modulo 10
	TokClose = 15
	// ListOpsVocab is the number of token ids.
	ListOpsVocab = 16
)

var listOpsWords = [ListOpsVocab]string{"<pad>", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	"[MIN", "[MAX", "[MED", "[SM", "]"}

// ListOpsConfig sets the size of generated expressions.
type ListOpsConfig struct {
	// MaxDepth is the deepest nesting of operators (1: one operator over digits).
	MaxDepth int
	// MaxArgs is the largest number of arguments of one operator (at least 2).
	MaxArgs int
	// MinLength and MaxLength bound the expression length in tokens; sequences are padded
	// to MaxLength.
	MinLength, MaxLength int
	// OpProb is the probability that an argument above MaxDepth is a nested operator
	// rather than a digit.
	OpProb float64
}

// DefaultListOps is the Long Range Arena's setting: depth up to 10, up to 10 arguments,
// 500 to 2000 tokens.
func DefaultListOps() ListOpsConfig {
	return ListOpsConfig{MaxDepth: 10, MaxArgs: 10, MinLength: 500, MaxLength: 2000, OpProb: 0.25}
}

// Validate checks the configuration.
func (c ListOpsConfig) Validate() error {
	switch {
	case c.MaxDepth < 1:
		return fmt.Errorf("seqtasks: listops max depth %d below 1", c.MaxDepth)
	case c.MaxArgs < 2:
		return fmt.Errorf("seqtasks: listops max args %d below 2", c.MaxArgs)
	case c.MinLength < 4 || c.MaxLength < c.MinLength:
		return fmt.Errorf("seqtasks: listops lengths %d..%d: want 4 ≤ min ≤ max", c.MinLength,
			c.MaxLength)
	case !(c.OpProb > 0 && c.OpProb < 1):
		return fmt.Errorf("seqtasks: listops operator probability %v outside (0, 1)", c.OpProb)
	}
	return nil
}

// ListOpsExample is one expression as token ids (unpadded) with its value.
type ListOpsExample struct {
	Tokens []int32
	Value  int32
	Depth  int
}

// String writes the expression in the usual notation, e.g. "[SM 3 [MIN 4 7 ] ]".
func (e *ListOpsExample) String() string { return DetokenizeListOps(e.Tokens) }

// DetokenizeListOps turns token ids back into words separated by spaces; pads are dropped.
func DetokenizeListOps(tokens []int32) string {
	words := make([]string, 0, len(tokens))
	for _, t := range tokens {
		if t > TokPad && t < ListOpsVocab {
			words = append(words, listOpsWords[t])
		} else if t != TokPad {
			words = append(words, fmt.Sprintf("<bad %d>", t))
		}
	}
	return strings.Join(words, " ")
}

// TokenizeListOps turns space-separated words into token ids.
func TokenizeListOps(text string) ([]int32, error) {
	var out []int32
	for _, w := range strings.Fields(text) {
		k := slices.Index(listOpsWords[1:], w)
		if k < 0 {
			return nil, fmt.Errorf("seqtasks: listops word %q is not in the vocabulary", w)
		}
		out = append(out, int32(k+1))
	}
	return out, nil
}

// listOpsGen builds one random expression, appending tokens and returning its value.
type listOpsGen struct {
	cfg    ListOpsConfig
	rng    *rand.Rand
	tokens []int32
	depth  int
}

func (g *listOpsGen) expr(depth int) int32 {
	g.depth = max(g.depth, depth)
	op := TokMin + g.rng.IntN(4)
	g.tokens = append(g.tokens, int32(op))
	n := 2 + g.rng.IntN(g.cfg.MaxArgs-1)
	vals := make([]int32, n)
	for k := range vals {
		if depth < g.cfg.MaxDepth && g.rng.Float64() < g.cfg.OpProb {
			vals[k] = g.expr(depth + 1)
		} else {
			vals[k] = int32(g.rng.IntN(10))
			g.tokens = append(g.tokens, TokDigit+vals[k])
		}
	}
	g.tokens = append(g.tokens, TokClose)
	return applyListOp(op, vals)
}

// applyListOp computes one operator over its argument values.
func applyListOp(op int, vals []int32) int32 {
	switch op {
	case TokMin:
		return slices.Min(vals)
	case TokMax:
		return slices.Max(vals)
	case TokMed:
		s := slices.Clone(vals)
		slices.Sort(s)
		n := len(s)
		if n%2 == 1 {
			return s[n/2]
		}
		return (s[n/2-1] + s[n/2]) / 2
	default: // TokSum
		var sum int32
		for _, v := range vals {
			sum += v
		}
		return sum % 10
	}
}

// NewListOpsExample generates expression index of the data set drawn from seed, redrawing
// until its length lies in [MinLength, MaxLength]: the same (cfg, seed, index) always gives
// the same expression.
func NewListOpsExample(cfg ListOpsConfig, seed uint64, index int) (*ListOpsExample, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g := &listOpsGen{cfg: cfg, rng: rand.New(rand.NewPCG(seed, uint64(index)^0x1157095))}
	for try := 0; try < 10000; try++ {
		g.tokens, g.depth = g.tokens[:0], 0
		v := g.expr(1)
		if n := len(g.tokens); n >= cfg.MinLength && n <= cfg.MaxLength {
			return &ListOpsExample{Tokens: slices.Clone(g.tokens), Value: v, Depth: g.depth}, nil
		}
	}
	return nil, fmt.Errorf("seqtasks: listops example %d: no expression of %d..%d tokens "+
		"in 10000 draws "+
		"with depth ≤ %d, ≤ %d args, operator probability %v", index, cfg.MinLength, cfg.MaxLength,
		cfg.MaxDepth, cfg.MaxArgs, cfg.OpProb)
}

// ListOpsEncoding says how tokens become inputs.
type ListOpsEncoding struct {
	// OneHot gives ListOpsVocab channels per step; otherwise one channel holds the token id
	// as a float (for an embedding lookup).
	OneHot bool
	// PadFront puts the padding before the expression, so that the last step of every
	// sequence is its closing bracket (useful for read-out at the last step).
	PadFront bool
}

// ListOps generates n expressions from seed and encodes them as a Set of MaxLength steps
// with 10 classes.
func ListOps(cfg ListOpsConfig, seed uint64, n int, enc ListOpsEncoding) (*Set, []*ListOpsExample,
	error) {
	exs := make([]*ListOpsExample, n)
	labels := make([]int32, n)
	for i := range exs {
		ex, err := NewListOpsExample(cfg, seed, i)
		if err != nil {
			return nil, nil, err
		}
		exs[i], labels[i] = ex, ex.Value
	}
	ch := 1
	if enc.OneHot {
		ch = ListOpsVocab
	}
	s := &Set{Name: fmt.Sprintf("listops-depth%d-len%d", cfg.MaxDepth, cfg.MaxLength),
		Steps: cfg.MaxLength, Channels: ch, Classes: 10, Labels: labels}
	s.fill = func(i int, dst []float32) {
		toks := exs[i].Tokens
		off := 0
		if enc.PadFront {
			off = cfg.MaxLength - len(toks)
		}
		for t := 0; t < cfg.MaxLength; t++ {
			id := int32(TokPad)
			if k := t - off; k >= 0 && k < len(toks) {
				id = toks[k]
			}
			if enc.OneHot {
				dst[t*ch+int(id)] = 1
			} else {
				dst[t] = float32(id)
			}
		}
	}
	return s, exs, nil
}
