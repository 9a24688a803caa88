// Command elmbench times this library's fast ELM path against the PyTorch anchor, side by
// side in one run, on the NeuronIO configuration of the speed targets: 1278 inputs,
// 45 branches × 100 synapses, d_m 20, MLP hidden 40, batch 8, input spike probability
// 0.01 per input and step (inhibitory half negative), float32.
//
// Usage (from the repository root):
//
//	go run ./elmlib/cmd/elmbench [-variant v1|v2] [-repeats N] [-rounds N] [-torch=false]
//	                             [-anchors ../shared/anchors] [-python /usr/bin/python3]
//
// Each of our measurements runs in a child process of its own (this binary, re-executed),
// so its peak resident memory (VmHWM) is its own: training step, forward, and
// forward+backward at T = 500 and 2000, and graph build+compile at T = 500. PyTorch's
// per-step and fast paths are timed by the anchors' bench_torch.py with one thread, the
// stable reference on a shared 2-core machine; without torch that part is skipped with a
// message. The table gives wall-clock medians, CPU-time medians (less sensitive to other
// load) and the ratios of the targets.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "elmbench:", err)
		os.Exit(1)
	}
}

type options struct {
	variant      string
	repeats      int
	rounds       int
	torch        bool
	torchT2000   bool
	anchors      string
	python       string
	child        string
	steps        int
	batch        int
	spikeP       float64
	torchThreads int
	torchRepeats int
}

func run(args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("elmbench", flag.ContinueOnError)
	fs.StringVar(&o.variant, "variant", "v1",
		"ELM variant: v1 (ELM v1, the published Branch-ELM) or v2 (Branch-ELM v2)")
	fs.IntVar(&o.repeats, "repeats", 10, "timed runs per measurement (after 2 warm-up runs)")
	fs.IntVar(&o.rounds, "rounds", 1, "repeat everything; each cell is the best round's median")
	fs.BoolVar(&o.torch, "torch", true, "also time PyTorch through bench_torch.py")
	fs.BoolVar(&o.torchT2000, "torch-t2000", true, "also time PyTorch's fast path at T = 2000")
	fs.StringVar(&o.anchors, "anchors", "../shared/anchors", "directory holding bench_torch.py")
	fs.StringVar(&o.python, "python", "/usr/bin/python3", "Python interpreter with torch")
	fs.IntVar(&o.torchThreads, "torch-threads", 1, "torch.set_num_threads for PyTorch")
	fs.IntVar(&o.batch, "batch", 8, "batch size")
	fs.Float64Var(&o.spikeP, "p", 0.01, "input spike probability per input and step")
	fs.StringVar(&o.child, "child", "", "internal: run one measurement (mode) and print JSON")
	fs.IntVar(&o.steps, "T", 500, "internal: time steps of the -child measurement")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.variant != "v1" && o.variant != "v2" {
		return fmt.Errorf("-variant %q, want v1 or v2", o.variant)
	}
	if o.repeats < 1 || o.rounds < 1 {
		return fmt.Errorf("-repeats %d and -rounds %d, want at least 1", o.repeats, o.rounds)
	}
	if o.child != "" {
		res, err := measure(o)
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(res)
	}
	return benchmark(o, out)
}

// ours runs one measurement in a child process.
func ours(o options, mode string, steps int) (result, error) {
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(self, "-child", mode, "-T", fmt.Sprint(steps), "-variant", o.variant,
		"-repeats", fmt.Sprint(o.repeats), "-batch", fmt.Sprint(o.batch),
		"-p", fmt.Sprint(o.spikeP))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("measuring %s at T=%d: %v: %s", mode, steps, err,
			strings.TrimSpace(stderr.String()))
	}
	// The result is the last line: GoMLX backends may print configuration notes first.
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var r result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		return result{}, fmt.Errorf("reading the %s measurement: %v", mode, err)
	}
	return r, nil
}

// torchRow is one row of bench_torch.py's --json-out.
type torchRow struct {
	Impl        string  `json:"impl"`
	FwdWallMs   float64 `json:"fwd_wall_ms"`
	FwdCPUMs    float64 `json:"fwd_cpu_ms"`
	TrainWallMs float64 `json:"train_wall_ms"`
	TrainCPUMs  float64 `json:"train_cpu_ms"`
}

// torchTimes runs bench_torch.py and returns its rows by impl, or a reason it was skipped.
func torchTimes(o options, steps int, impls string) (map[string]torchRow, string, error) {
	script := filepath.Join(o.anchors, "bench_torch.py")
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Sprintf("PyTorch skipped: %s not found (set -anchors)", script), nil
	}
	check := exec.Command(o.python, "-c", "import torch")
	if err := check.Run(); err != nil {
		return nil, fmt.Sprintf("PyTorch skipped: %s cannot import torch (install: apt-get "+
			"install -y python3-torch python3-numpy libopenblas0-openmp)", o.python), nil
	}
	tmp, err := os.CreateTemp("", "elmbench-torch-*.json")
	if err != nil {
		return nil, "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	config := "branch_v1_dm20"
	if o.variant == "v2" {
		config = "branch_v2_dm20"
	}
	cmd := exec.Command(o.python, script, "--impls", impls, "--threads",
		fmt.Sprint(o.torchThreads), "--configs", config, "--T", fmt.Sprint(steps), "--batch",
		fmt.Sprint(o.batch), "--repeats", fmt.Sprint(o.repeats), "--rounds", fmt.Sprint(o.rounds),
		"--json-out", tmp.Name())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, "", fmt.Errorf("bench_torch.py: %v: %s", err, lastLines(stderr.String(), 5))
	}
	raw, err := os.ReadFile(tmp.Name())
	if err != nil {
		return nil, "", err
	}
	var res struct {
		Rows []torchRow `json:"rows"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, "", fmt.Errorf("reading bench_torch.py output: %v", err)
	}
	rows := map[string]torchRow{}
	for _, r := range res.Rows {
		rows[r.Impl] = r
	}
	return rows, "", nil
}

func lastLines(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func machine() string {
	cpu := "unknown CPU"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(line[strings.Index(line, ":")+1:])
				break
			}
		}
	}
	load := ""
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(raw))[:3], " ")
	}
	return fmt.Sprintf("%s, %d cores, %s, load average %s", cpu, runtime.NumCPU(),
		runtime.Version(), load)
}

// backendConfig is the GoMLX backend configuration the children will use.
func backendConfig() string {
	if v, ok := os.LookupEnv("GOMLX_BACKEND"); ok {
		return v
	}
	return gomlxfix.DefaultBackendConfig
}
