package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/elmneuron/elm/elmlib/internal/fastpath"
	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// result is one measurement of the child process.
type result struct {
	Mode      string  `json:"mode"`
	T         int     `json:"T"`
	WallMs    float64 `json:"wall_ms"`     // median
	WallMinMs float64 `json:"wall_min_ms"` // fastest run
	CPUMs     float64 `json:"cpu_ms"`      // median process CPU time
	CompileS  float64 `json:"compile_s"`   // graph build + compile
	PeakMB    float64 `json:"peak_mb"`     // VmHWM of the process
	EventsMs  float64 `json:"events_ms"`   // Go-side synapse-event conversion of the batch
	Events    int     `json:"events"`      // synapse events (before padding)
}

// measure runs one mode (o.child) at o.steps in this process.
func measure(o options) (result, error) {
	res := result{Mode: o.child, T: o.steps}
	mode := fastpath.Mode(o.child)
	if o.child == "compile" {
		mode = fastpath.ModeTrain
	}
	if mode != fastpath.ModeTrain && mode != fastpath.ModeForward && mode != fastpath.ModeFwdBwd {
		return res, fmt.Errorf("-child %q, want train, forward, fwd+bwd or compile", o.child)
	}
	backend, err := gomlxfix.Backend()
	if err != nil {
		return res, err
	}
	variant := fastpath.ELMv1
	if o.variant == "v2" {
		variant = fastpath.BranchELMv2
	}
	spec := fastpath.NeuronIOSpec(variant)
	rng := rand.New(rand.NewPCG(0, 1))
	ctx := context.New()
	fastpath.SetContextParams(ctx, spec, fastpath.InitialParams(spec, rng), false)
	batch := fastpath.SpikeBatch(spec.NumInput, o.batch, o.steps, o.spikeP, rng)
	router, err := fastpath.NewRouter(spec)
	if err != nil {
		return res, err
	}
	start := time.Now()
	ev, err := router.Events(batch)
	if err != nil {
		return res, err
	}
	res.EventsMs = ms(time.Since(start))
	res.Events = ev.Count

	args := fastpath.ModeArgs(ev, batch)
	start = time.Now()
	exec, err := fastpath.NewModeExec(backend, ctx, spec, o.batch, o.steps, mode)
	if err != nil {
		return res, err
	}
	if o.child == "compile" {
		// PreCompile builds and compiles without running. Only here: in GoMLX v0.26 a
		// PreCompile of a graph that updates variables (Adam) leaves them without values.
		if err := exec.PreCompile(args...); err != nil {
			return res, err
		}
		res.CompileS = time.Since(start).Seconds()
	}

	if o.child != "compile" {
		var wall, cpu []float64
		for i := range 2 + o.repeats {
			w0, c0 := time.Now(), cpuTime()
			outs, err := exec.Exec(args...)
			if err != nil {
				return res, fmt.Errorf("run %d: %w", i, err)
			}
			for _, t := range outs {
				t.FinalizeAll()
			}
			if i >= 2 {
				wall = append(wall, ms(time.Since(w0)))
				cpu = append(cpu, ms(cpuTime()-c0))
			}
		}
		res.WallMs, res.CPUMs, res.WallMinMs = median(wall), median(cpu), slices.Min(wall)
	}
	res.PeakMB = peakMB()
	return res, nil
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakMB reads the process's peak resident set size (VmHWM) from /proc/self/status.
func peakMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
