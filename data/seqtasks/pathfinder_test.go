package seqtasks

import (
	"fmt"
	"strings"
	"testing"
)

// joined is the test's own reading of the task's definition: starting from pixel a, walk
// over drawn (non-zero) pixels with steps of Chebyshev length at most radius; report whether
// pixel b is reached. It sees only the image, not the generator's contours.
func joined(pixels []uint8, size int, a, b Pixel, radius int) bool {
	seen := make([]bool, size*size)
	queue := []Pixel{a}
	seen[a.Y*size+a.X] = true
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == b {
			return true
		}
		for y := max(0, p.Y-radius); y <= min(size-1, p.Y+radius); y++ {
			for x := max(0, p.X-radius); x <= min(size-1, p.X+radius); x++ {
				k := y*size + x
				if pixels[k] != 0 && !seen[k] {
					seen[k] = true
					queue = append(queue, Pixel{x, y})
				}
			}
		}
	}
	return false
}

func TestPathfinderLabelsByFloodFill(t *testing.T) {
	for _, tc := range []struct{ size, dashes, n int }{
		{32, 6, 40}, {32, 9, 40}, {32, 14, 20}, {64, 14, 10}, {128, 14, 4},
	} {
		cfg := DefaultPathfinder(tc.size, tc.dashes)
		pos := 0
		for i := 0; i < tc.n; i++ {
			ex, err := NewPathfinderImage(cfg, 1, i)
			if err != nil {
				t.Fatalf("size %d dashes %d: %v", tc.size, tc.dashes, err)
			}
			m := ex.Markers
			if ex.Pixels[m[0].Y*tc.size+m[0].X] != MarkerGrey ||
				ex.Pixels[m[1].Y*tc.size+m[1].X] != MarkerGrey {
				t.Fatalf("example %d: marker centres %v not drawn", i, m)
			}
			// Independent label: flood fill through drawn pixels with the dash gap allowance.
			got := joined(ex.Pixels, tc.size, m[0], m[1], cfg.Radius)
			if got != (ex.Label == 1) {
				t.Errorf("size %d dashes %d example %d: label %d but flood fill joined=%v",
					tc.size, tc.dashes, i, ex.Label, got)
			}
			// The contours are really dashed: without the gap allowance (8-neighbours only) the
			// markers are never joined.
			if joined(ex.Pixels, tc.size, m[0], m[1], 1) {
				t.Errorf("size %d example %d: markers joined through 8-neighbours, "+
					"contour not dashed", tc.size, i)
			}
			for _, c := range ex.Contours[:2] {
				if len(c.Dashes) != tc.dashes {
					t.Errorf("example %d: contour of %d dashes, want %d", i, len(c.Dashes),
						tc.dashes)
				}
			}
			pos += int(ex.Label)
		}
		if pos != tc.n/2 {
			t.Errorf("size %d: %d positives among %d, want half", tc.size, pos, tc.n)
		}
	}
}

func TestPathfinderDeterministic(t *testing.T) {
	cfg := DefaultPathfinder(32, 9)
	a, err := GeneratePathfinder(cfg, 7, 0, 6)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := GeneratePathfinder(cfg, 7, 0, 6)
	c, _ := GeneratePathfinder(cfg, 8, 0, 6)
	if string(a.Pixels) != string(b.Pixels) || fmt.Sprint(a.Labels) != fmt.Sprint(b.Labels) {
		t.Error("same seed, different images")
	}
	if string(a.Pixels) == string(c.Pixels) {
		t.Error("seeds 7 and 8 gave the same images")
	}
	// Example 3 alone equals the fourth image of the batch.
	ex, _ := NewPathfinderImage(cfg, 7, 3)
	if string(ex.Pixels) != string(a.Image(3)) {
		t.Error("example 3 depends on how it was generated")
	}
	s, err := Pathfinder(cfg, 7, 6, ImageEncoding{Bins: 8})
	if err != nil || s.Steps != 1024 || s.Channels != 8 || s.Classes != 2 {
		t.Fatalf("sequence set %v: %+v", err, s)
	}
	// Dash grey 160 is level 160*8/256 = 5, markers level 7, background 0.
	in := s.Input(3)
	for p, g := range ex.Pixels {
		want := map[uint8]int{0: 0, DashGrey: 5, MarkerGrey: 7}[g]
		if in[p*8+want] != 1 {
			t.Fatalf("pixel %d grey %d: one-hot %v, want level %d", p, g, in[p*8:p*8+8], want)
		}
	}
}

func TestPathfinderConfigErrors(t *testing.T) {
	for i, tc := range []struct {
		edit func(*PathfinderConfig)
		want string
	}{
		{func(c *PathfinderConfig) { c.Size = 8 }, "size 8"},
		{func(c *PathfinderConfig) { c.Dashes = 1 }, "1 dashes"},
		{func(c *PathfinderConfig) { c.Radius = 1 }, "radius 1"},
		{func(c *PathfinderConfig) { c.Marker = 5 }, "marker half side 5"},
		{func(c *PathfinderConfig) { c.Gap = 0 }, "gap 0"},
	} {
		cfg := DefaultPathfinder(32, 6)
		tc.edit(&cfg)
		if _, err := NewPathfinderImage(cfg, 1, 0); err == nil || !strings.Contains(err.Error(),
			tc.want) {
			t.Errorf("case %d: error %v, want %q", i, err, tc.want)
		}
	}
	cfg := DefaultPathfinder(32, 200)
	if _, err := NewPathfinderImage(cfg, 1, 0); err == nil || !strings.Contains(err.Error(),
		"no room") {
		t.Errorf("impossible contour length: error %v", err)
	}
}

// TestPathfinderPrint renders an image as text, for eyeballing with go test -v -run Print,
// and checks that every pixel is background, dash or marker grey and that both markers
// are drawn.
func TestPathfinderPrint(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("only with -v")
	}
	ex, err := NewPathfinderImage(DefaultPathfinder(32, 14), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	glyph := map[uint8]byte{0: '.', DashGrey: '#', MarkerGrey: 'O'}
	var sb strings.Builder
	markers := 0
	for y := 0; y < ex.Size; y++ {
		for x := 0; x < ex.Size; x++ {
			v := ex.Pixels[y*ex.Size+x]
			g, ok := glyph[v]
			if !ok {
				t.Fatalf("pixel (%d, %d) = %d, want 0, %d or %d", x, y, v, DashGrey, MarkerGrey)
			}
			if v == MarkerGrey {
				markers++
			}
			sb.WriteByte(g)
		}
		sb.WriteByte('\n')
	}
	if markers == 0 {
		t.Error("no marker pixels drawn")
	}
	t.Logf("label %d\n%s", ex.Label, sb.String())
}
