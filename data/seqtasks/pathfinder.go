package seqtasks

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Pathfinder task (Linsley et al. 2018; Long Range Arena's Pathfinder and Path-X), written
// from its definition: an image shows several curved contours drawn as dashes, and two
// markers. The label is 1 when both markers sit on the two ends of the same contour, 0 when
// they sit on ends of two different contours. Contours are separated by more than the gap
// between consecutive dashes, so "joined" is well defined: two drawn pixels belong to the
// same contour exactly when a chain of drawn pixels links them with steps of at most
// Radius pixels (Chebyshev distance).

// Grey levels of the drawing: background 0, dashes DashGrey, markers 255.
const (
	DashGrey   = 160
	MarkerGrey = 255
)

// PathfinderConfig sets the image size and the difficulty of generated Pathfinder images.
type PathfinderConfig struct {
	// Size is the image side in pixels: 32, 64 or 128 (Path-X) in the paper.
	Size int
	// Dashes is the contour length in dashes, the difficulty (6, 9 or 14 in the original).
	Dashes int
	// Distractors is the number of extra contours without markers, placed when room allows.
	Distractors int
	// DashLength is the distance between a dash's two end points and Gap the distance the pen
	// travels between two dashes, in pixels.
	DashLength, Gap float64
	// MaxTurn is the largest change of heading from one dash to the next, in radians.
	MaxTurn float64
	// Radius is the largest Chebyshev distance between the pixels of consecutive dashes; the
	// generator keeps different contours (and non-neighbouring dashes of one contour) at
	// least Radius+1 apart. Each gap is at least 2, so a dash never touches its neighbour.
	Radius int
	// Marker is the half side of the square markers: (2·Marker+1)² pixels.
	Marker int
}

// DefaultPathfinder returns the configuration used for an image side (32, 64, 128) and
// contour length in dashes. Lengths scale with the side: at 32 pixels a dash spans 3
// pixels (end points 2 apart), gaps 2, turns up to 30°, markers 3×3, 2 distractors; at 128
// everything is 4 times longer, with 4 distractors.
func DefaultPathfinder(size, dashes int) PathfinderConfig {
	s := float64(size) / 32
	return PathfinderConfig{Size: size, Dashes: dashes, Distractors: 2 + size/64,
		DashLength: 2 * s, Gap: 2 * s, MaxTurn: math.Pi / 6,
		Radius: int(math.Ceil(2 * s)), Marker: max(1, size/64)}
}

// Validate checks that the configuration can be drawn.
func (c PathfinderConfig) Validate() error {
	switch {
	case c.Size < 16:
		return fmt.Errorf("seqtasks: pathfinder size %d below 16 pixels", c.Size)
	case c.Dashes < 2:
		return fmt.Errorf("seqtasks: pathfinder contour of %d dashes, want at least 2", c.Dashes)
	case c.Distractors < 0 || c.Distractors > 14:
		return fmt.Errorf("seqtasks: pathfinder distractors %d outside 0..14", c.Distractors)
	case !(c.DashLength >= 1) || !(c.Gap >= 1):
		return fmt.Errorf("seqtasks: pathfinder dash length %v and gap %v must be ≥ 1 pixel",
			c.DashLength, c.Gap)
	case c.Radius < 2 || float64(c.Radius) < c.Gap-1:
		return fmt.Errorf("seqtasks: pathfinder radius %d must be ≥ 2 and ≥ gap-1 = %v",
			c.Radius, c.Gap-1)
	case !(c.MaxTurn >= 0 && c.MaxTurn <= math.Pi/2):
		return fmt.Errorf("seqtasks: pathfinder max turn %v outside [0, π/2]", c.MaxTurn)
	case c.Marker < 0 || c.Marker >= c.Radius:
		return fmt.Errorf("seqtasks: pathfinder marker half side %d must lie in 0..radius-1 = %d",
			c.Marker, c.Radius-1)
	}
	return nil
}

// Pixel is an image position: column X, row Y.
type Pixel struct{ X, Y int }

// Contour is one drawn contour: its dashes in order, each the pixels of one dash from the
// contour's start to its end.
type Contour struct {
	Dashes [][]Pixel
}

// Ends returns the first pixel of the first dash and the last pixel of the last dash.
func (c *Contour) Ends() [2]Pixel {
	last := c.Dashes[len(c.Dashes)-1]
	return [2]Pixel{c.Dashes[0][0], last[len(last)-1]}
}

// PathfinderImage is one generated example with its geometry.
type PathfinderImage struct {
	// Size is the image side; Pixels is [Size, Size] row-major grey levels.
	Size   int
	Pixels []uint8
	// Label is 1 when the markers are joined by one contour, else 0.
	Label int32
	// Markers are the centres of the two markers, squares of side 2·MarkerHalf+1.
	Markers    [2]Pixel
	MarkerHalf int
	// Contours holds the two contours that carry markers, then the distractors.
	Contours []Contour
}

// Grey returns the image's grey levels scaled to [0, 1], [Size, Size] row-major.
func (im *PathfinderImage) Grey() []float64 { return greyValues(im.Pixels) }

// pfCanvas tracks, while an image is built, which contours come within Radius of each
// pixel, and for the contour being drawn the oldest of its dashes within Radius.
type pfCanvas struct {
	cfg PathfinderConfig
	// near has bit c set where contour c (or its reserved markers) lies within Radius.
	near []uint16
	// oldest is the smallest dash index of the current contour within Radius, or noDash.
	oldest []int16
	// nearSet and oldestSet list the entries changed by the current attempt, for undoing.
	nearSet, oldestSet []int32
}

const noDash = math.MaxInt16

func newCanvas(cfg PathfinderConfig) *pfCanvas {
	cv := &pfCanvas{cfg: cfg, near: make([]uint16, cfg.Size*cfg.Size),
		oldest: make([]int16, cfg.Size*cfg.Size)}
	for k := range cv.oldest {
		cv.oldest[k] = noDash
	}
	return cv
}

func (cv *pfCanvas) inside(p Pixel, margin int) bool {
	return p.X >= margin && p.Y >= margin && p.X < cv.cfg.Size-margin && p.Y < cv.cfg.Size-margin
}

// clear reports whether every pixel of px keeps a Chebyshev distance above Radius from the
// pixels of other contours and from dashes of contour id older than dash-1.
func (cv *pfCanvas) clear(px []Pixel, id, dash int) bool {
	for _, p := range px {
		k := p.Y*cv.cfg.Size + p.X
		if cv.near[k]&^(1<<id) != 0 || int(cv.oldest[k]) < dash-1 {
			return false
		}
	}
	return true
}

// mark records px as dash `dash` of contour id.
func (cv *pfCanvas) mark(px []Pixel, id, dash int) {
	r, n := cv.cfg.Radius, cv.cfg.Size
	for _, p := range px {
		for y := max(0, p.Y-r); y <= min(n-1, p.Y+r); y++ {
			for x := max(0, p.X-r); x <= min(n-1, p.X+r); x++ {
				k := y*n + x
				if cv.near[k]&(1<<id) == 0 {
					cv.near[k] |= 1 << id
					cv.nearSet = append(cv.nearSet, int32(k))
				}
				if int(cv.oldest[k]) > dash {
					if cv.oldest[k] == noDash {
						cv.oldestSet = append(cv.oldestSet, int32(k))
					}
					cv.oldest[k] = int16(dash)
				}
			}
		}
	}
}

// finish ends the current contour: on failure its marks are removed; either way the dash
// bookkeeping is reset for the next contour.
func (cv *pfCanvas) finish(id int, ok bool) {
	if !ok {
		for _, k := range cv.nearSet {
			cv.near[k] &^= 1 << id
		}
	}
	for _, k := range cv.oldestSet {
		cv.oldest[k] = noDash
	}
	cv.nearSet, cv.oldestSet = cv.nearSet[:0], cv.oldestSet[:0]
}

// rasterLine returns the pixels of the straight line from a to b (rounded), both included,
// one per step along the major axis.
func rasterLine(ax, ay, bx, by float64) []Pixel {
	x0, y0 := int(math.Round(ax)), int(math.Round(ay))
	x1, y1 := int(math.Round(bx)), int(math.Round(by))
	n := max(abs(x1-x0), abs(y1-y0))
	px := make([]Pixel, 0, n+1)
	for k := 0; k <= n; k++ {
		f := 0.0
		if n > 0 {
			f = float64(k) / float64(n)
		}
		px = append(px, Pixel{x0 + int(math.Round(f*float64(x1-x0))),
			y0 + int(math.Round(f*float64(y1-y0)))})
	}
	return px
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// chebyshev is the smallest Chebyshev distance between two pixel sets.
func chebyshev(a, b []Pixel) int {
	best := math.MaxInt
	for _, p := range a {
		for _, q := range b {
			best = min(best, max(abs(p.X-q.X), abs(p.Y-q.Y)))
		}
	}
	return best
}

// square returns the (2h+1)² pixels centred on c.
func square(c Pixel, h int) []Pixel {
	var px []Pixel
	for y := c.Y - h; y <= c.Y+h; y++ {
		for x := c.X - h; x <= c.X+h; x++ {
			px = append(px, Pixel{x, y})
		}
	}
	return px
}

func (cv *pfCanvas) freeTurn(rng *rand.Rand) float64 {
	return (2*rng.Float64() - 1) * cv.cfg.MaxTurn
}

// dashCandidate is one possible next dash: its pixels, heading, end point, and the free
// room ahead of it in pixels.
type dashCandidate struct {
	px              []Pixel
	heading, ex, ey float64
	room            int
}

// candidate draws a random next dash d of contour c (pen at x, y with the given heading) and
// reports whether it may be placed: inside the image, a gap of 2..Radius to the previous
// dash, clear of other contours and of the contour's older dashes.
func (cv *pfCanvas) candidate(rng *rand.Rand, c *Contour, id, d int, x, y, heading float64) (
	dashCandidate, bool) {
	cfg := cv.cfg
	h, sx, sy := heading, x, y
	if d > 0 {
		h += cv.freeTurn(rng)
		sx, sy = x+cfg.Gap*math.Cos(h), y+cfg.Gap*math.Sin(h)
	}
	ex, ey := sx+cfg.DashLength*math.Cos(h), sy+cfg.DashLength*math.Sin(h)
	px := rasterLine(sx, sy, ex, ey)
	if !cv.inside(px[0], cfg.Marker) || !cv.inside(px[len(px)-1], cfg.Marker) {
		return dashCandidate{}, false
	}
	if d > 0 {
		if g := chebyshev(px, c.Dashes[d-1]); g < 2 || g > cfg.Radius {
			return dashCandidate{}, false
		}
	}
	if !cv.clear(px, id, d) {
		return dashCandidate{}, false
	}
	// Room: free pixels straight ahead, up to three dash periods.
	horizon := int(3 * (cfg.DashLength + cfg.Gap))
	room := 0
	for room < horizon {
		p := Pixel{int(math.Round(ex + float64(room+1)*math.Cos(h))),
			int(math.Round(ey + float64(room+1)*math.Sin(h)))}
		if !cv.inside(p, cfg.Marker) || !cv.clear([]Pixel{p}, id, d+1) {
			break
		}
		room++
	}
	return dashCandidate{px: px, heading: h, ex: ex, ey: ey, room: room}, true
}

// contour tries to draw contour id on the canvas; withMarkers also reserves marker squares
// at both ends. It returns false when no placement was found within the attempt budget.
func (cv *pfCanvas) contour(rng *rand.Rand, id int, withMarkers bool) (Contour, bool) {
	cfg := cv.cfg
	margin := cfg.Marker
	for attempt := 0; attempt < 100; attempt++ {
		x := float64(margin) + rng.Float64()*float64(cfg.Size-1-2*margin)
		y := float64(margin) + rng.Float64()*float64(cfg.Size-1-2*margin)
		// Head roughly towards the centre, so that long contours fit.
		c0 := float64(cfg.Size-1) / 2
		heading := math.Atan2(c0-y, c0-x) + (rng.Float64()-0.5)*math.Pi
		c := Contour{}
		ok := true
		for d := 0; d < cfg.Dashes && ok; d++ {
			var best []dashCandidate
			bestRoom := -1
			for try := 0; try < 16; try++ {
				cand, valid := cv.candidate(rng, &c, id, d, x, y, heading)
				if !valid {
					continue
				}
				// Prefer headings with room ahead, so that the contour does not run into a
				// dead end; among near-best ones pick at random.
				switch {
				case cand.room > bestRoom:
					bestRoom, best = cand.room, append(best[:0], cand)
				case cand.room == bestRoom:
					best = append(best, cand)
				}
			}
			if ok = len(best) > 0; ok {
				pick := best[rng.IntN(len(best))]
				cv.mark(pick.px, id, d)
				c.Dashes = append(c.Dashes, pick.px)
				heading, x, y = pick.heading, pick.ex, pick.ey
			}
		}
		if ok && withMarkers {
			ends := c.Ends()
			for k, e := range ends {
				sq := square(e, cfg.Marker)
				// A marker belongs to its end dash: dash 0 or the last one.
				d := 0
				if k == 1 {
					d = cfg.Dashes - 1
				}
				if !cv.clear(sq, id, d) {
					ok = false
					break
				}
			}
			if ok {
				for k, e := range ends {
					cv.mark(square(e, cfg.Marker), id, (cfg.Dashes-1)*k)
				}
			}
		}
		cv.finish(id, ok)
		if ok {
			return c, true
		}
	}
	return Contour{}, false
}

// NewPathfinderImage generates example index of the data set drawn from seed: the same
// (cfg, seed, index) always gives the same image. Even indices are negative (label 0), odd
// ones positive, so any run of consecutive indices is balanced.
func NewPathfinderImage(cfg PathfinderConfig, seed uint64, index int) (*PathfinderImage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, uint64(index)))
	label := int32(index % 2)
	for restart := 0; restart < 50; restart++ {
		cv := newCanvas(cfg)
		a, okA := cv.contour(rng, 0, true)
		if !okA {
			continue
		}
		b, okB := cv.contour(rng, 1, true)
		if !okB {
			continue
		}
		img := &PathfinderImage{Size: cfg.Size, Label: label, MarkerHalf: cfg.Marker,
			Contours: []Contour{a, b}}
		for k := 0; k < cfg.Distractors; k++ {
			if c, ok := cv.contour(rng, 2+k, false); ok {
				img.Contours = append(img.Contours, c)
			}
		}
		ea, eb := a.Ends(), b.Ends()
		first := rng.IntN(2)
		if label == 1 {
			img.Markers = [2]Pixel{ea[first], ea[1-first]}
		} else {
			img.Markers = [2]Pixel{ea[first], eb[rng.IntN(2)]}
		}
		img.draw()
		return img, nil
	}
	return nil, fmt.Errorf("seqtasks: pathfinder image %d (seed %d): no room for two "+
		"contours of %d dashes "+
		"in %d×%d pixels; shorten the contours", index, seed, cfg.Dashes, cfg.Size, cfg.Size)
}

// draw paints the contours and the two markers.
func (im *PathfinderImage) draw() {
	im.Pixels = make([]uint8, im.Size*im.Size)
	for _, c := range im.Contours {
		for _, d := range c.Dashes {
			for _, p := range d {
				im.Pixels[p.Y*im.Size+p.X] = DashGrey
			}
		}
	}
	for _, m := range im.Markers {
		for _, p := range square(m, im.MarkerHalf) {
			im.Pixels[p.Y*im.Size+p.X] = MarkerGrey
		}
	}
}

// GeneratePathfinder draws examples first..first+n-1 from seed (see NewPathfinderImage) as
// two-class Images, half of them positive when n is even.
func GeneratePathfinder(cfg PathfinderConfig, seed uint64, first, n int) (*Images, error) {
	im := &Images{Height: cfg.Size, Width: cfg.Size, Classes: 2,
		Pixels: make([]uint8, 0, n*cfg.Size*cfg.Size), Labels: make([]int32, 0, n)}
	for i := first; i < first+n; i++ {
		ex, err := NewPathfinderImage(cfg, seed, i)
		if err != nil {
			return nil, err
		}
		im.Pixels = append(im.Pixels, ex.Pixels...)
		im.Labels = append(im.Labels, ex.Label)
	}
	return im, nil
}

// Pathfinder generates n examples from seed and encodes them as sequences (the paper uses
// pixel by pixel with 8 or 16 grey bins: Steps Size², Channels Bins).
func Pathfinder(cfg PathfinderConfig, seed uint64, n int, enc ImageEncoding) (*Set, error) {
	im, err := GeneratePathfinder(cfg, seed, 0, n)
	if err != nil {
		return nil, err
	}
	return im.Sequences(fmt.Sprintf("pathfinder%d-len%d", cfg.Size, cfg.Dashes), enc)
}
