package plots

import (
	"fmt"
	"math"
)

// Colours used across figures: a colour-blind-safe qualitative palette (Okabe and Ito) and
// fixed roles.
var (
	// Palette colours variants and series in order.
	Palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
		"#000000", "#F0E442"}

	colorExc       = "#D55E00" // excitatory inputs
	colorInh       = "#0072B2" // inhibitory inputs
	colorTeacher   = "#222222"
	colorModel     = "#0072B2"
	colorReference = "#7f7f7f"
)

// viridisStops are the viridis colour map sampled at 9 evenly spaced points.
var viridisStops = []string{"#440154", "#472c7a", "#3b518b", "#2c718e", "#21908d",
	"#27ad81", "#5cc863", "#aadc32", "#fde725"}

// divergingStops run from blue (negative) through near-white (zero) to red (positive).
var divergingStops = []string{"#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7",
	"#ef8a62", "#b2182b"}

// greyStops run from black to white.
var greyStops = []string{"#000000", "#ffffff"}

func paletteColor(i int) string { return Palette[i%len(Palette)] }

// rampColor interpolates the colour at fraction f in [0, 1] of the stops.
func rampColor(stops []string, f float64) string {
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	pos := f * float64(len(stops)-1)
	i := int(math.Floor(pos))
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	t := pos - float64(i)
	r0, g0, b0 := parseHex(stops[i])
	r1, g1, b1 := parseHex(stops[i+1])
	mix := func(a, b int) int { return int(math.Round(float64(a) + t*float64(b-a))) }
	return fmt.Sprintf("#%02x%02x%02x", mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

func parseHex(c string) (r, g, b int) {
	fmt.Sscanf(c, "#%02x%02x%02x", &r, &g, &b)
	return r, g, b
}

// logFraction places v on a log scale between lo and hi (all > 0), in [0, 1].
func logFraction(v, lo, hi float64) float64 {
	if hi <= lo {
		return 0.5
	}
	return (math.Log(v) - math.Log(lo)) / (math.Log(hi) - math.Log(lo))
}

func stopsAny(stops []string) []any {
	out := make([]any, len(stops))
	for i, s := range stops {
		out[i] = s
	}
	return out
}
