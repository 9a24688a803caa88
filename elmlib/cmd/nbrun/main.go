// Command nbrun executes GoNB notebooks headless and checks them, for CI and the main job.
//
// For each notebook it
//
//  1. executes every cell with `jupyter nbconvert --execute --allow-errors` in the gonb kernel
//     and writes the executed copy to <out>/nb;
//  2. scans the executed cells for failures: error outputs (compile errors, failed `go get`),
//     and stderr showing a panic, a non-zero `exit status` or a signal. GoNB v0.11.1 reports
//     a panicking or exiting cell only on stderr and nbconvert then exits 0, so this scan is
//     what makes such a notebook fail;
//  3. exports it to HTML in <out>/html and loads that in headless Chromium with all host
//     names unresolvable: it fails on a remote asset (script, link, img, ... or CSS url),
//     an uncaught error or failed load, and on a chart container (class elm-chart, or any
//     element with data-rendered) that is not data-rendered="true" with an SVG or canvas
//     inside;
//  4. writes a full-page screenshot and one PNG per chart to <out>/png.
//
// A cell that runs past -timeout is interrupted (its stderr then says "signal: interrupt")
// and reported; the remaining cells still run. The page check is nbrun's own rather than
// plots/browsercheck, because elmlib must not import plots; it injects a small script into
// a copy of the export, so it also sees errors thrown and assets requested at run time.
//
// Usage:
//
//	nbrun [-out dir] [-timeout 20m] [-no-browser] notebook.ipynb...
//	nbrun -strip notebook.ipynb...    clear outputs in place, for committing
//
// -strip leaves a notebook that has nothing to strip untouched, byte for byte.
//
// It exits 1 when any notebook has a problem, naming the notebook, the cell and the error,
// and 2 on a usage or set-up error. The kernel inherits nbrun's environment; nbrun puts
// /usr/local/go/bin and $HOME/go/bin on PATH (the kernel needs go and goimports) and sets
// GOMLX_BACKEND to the library's default (gomlxfix.DefaultBackendConfig) unless it is set.
//
// Limitations: notebooks run one after another (each kernel compiles Go, which is the slow
// part on 2 cores); canvas charts are only checked to contain a canvas, not its pixels; the
// network check covers what the page loads, not what a cell's Go program fetches.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/elmneuron/elm/elmlib/internal/gomlxfix"
)

// options are nbrun's settings, from flags.
type options struct {
	out         string
	cellTimeout time.Duration
	kernel      string
	jupyter     string
	chromium    string
	width       int
	browser     bool
	shots       bool
	progress    io.Writer
}

// result is what nbrun found and wrote for one notebook.
type result struct {
	notebook   string
	executed   string
	html       string
	screenshot string
	chartShots []string
	charts     int
	slowest    string
	problems   []Problem
	elapsed    time.Duration
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("nbrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	strip := fs.Bool("strip", false, "clear outputs and execution counts in place, then exit")
	fs.StringVar(&o.out, "out", "build/nbrun", "output directory (nb/, html/, png/, logs/)")
	fs.DurationVar(&o.cellTimeout, "timeout", 20*time.Minute, "time limit per cell")
	fs.StringVar(&o.kernel, "kernel", "gonb", "Jupyter kernel name")
	fs.StringVar(&o.jupyter, "jupyter", "/usr/bin/jupyter", "jupyter executable")
	fs.StringVar(&o.chromium, "chromium", "chromium", "Chromium executable")
	fs.IntVar(&o.width, "width", 1280, "browser window width in pixels")
	noBrowser := fs.Bool("no-browser", false, "skip the HTML export and the Chromium check")
	noShots := fs.Bool("no-screenshots", false, "skip the PNG screenshots")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nbrun [flags] notebook.ipynb...\n"+
			"       nbrun -strip notebook.ipynb...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	o.browser, o.shots = !*noBrowser, !*noBrowser && !*noShots
	o.progress = stdout
	paths := fs.Args()
	if len(paths) == 0 {
		fs.Usage()
		return 2
	}
	if *strip {
		return runStrip(paths, stdout, stderr)
	}
	if err := o.prepare(paths); err != nil {
		fmt.Fprintf(stderr, "nbrun: %v\n", err)
		return 2
	}

	start := time.Now()
	var results []*result
	for _, path := range paths {
		fmt.Fprintf(stdout, "nbrun: executing %s\n", path)
		r := o.runNotebook(path)
		results = append(results, r)
		status := "ok"
		if len(r.problems) > 0 {
			status = fmt.Sprintf("FAILED (%d problems)", len(r.problems))
		}
		fmt.Fprintf(stdout, "nbrun: %s: %s in %.1fs, %d charts\n", path, status,
			r.elapsed.Seconds(), r.charts)
	}
	return summarize(results, time.Since(start), stdout)
}

// prepare checks the tools and the notebook names and creates the output directories.
func (o *options) prepare(paths []string) error {
	setupEnv()
	seen := map[string]string{}
	for _, p := range paths {
		if !strings.HasSuffix(p, ".ipynb") {
			return fmt.Errorf("%s: not an .ipynb file", p)
		}
		if _, err := os.Stat(p); err != nil {
			return err
		}
		base := filepath.Base(p)
		if other, ok := seen[base]; ok {
			return fmt.Errorf("%s and %s have the same name; their outputs would collide", other, p)
		}
		seen[base] = p
	}
	if _, err := os.Stat(o.jupyter); err != nil {
		return fmt.Errorf("jupyter not found at %s (run .ci/install): %w", o.jupyter, err)
	}
	if findKernel(o.kernel) == "" {
		return fmt.Errorf("Jupyter kernel %q is not installed (run .ci/install)", o.kernel)
	}
	for _, tool := range []string{"go", "goimports"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not on PATH; the gonb kernel needs it (run .ci/install)", tool)
		}
	}
	if o.browser {
		if _, err := exec.LookPath(o.chromium); err != nil {
			return fmt.Errorf("%s not found (run .ci/install, or pass -no-browser)", o.chromium)
		}
	}
	for _, d := range []string{"nb", "html", "png", "logs"} {
		if err := os.MkdirAll(filepath.Join(o.out, d), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// findKernel returns the kernel.json of the named Jupyter kernel in the usual data
// directories, or "" when there is none.
func findKernel(name string) string {
	var dirs []string
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "jupyter"))
	}
	dirs = append(dirs, "/usr/local/share/jupyter", "/usr/share/jupyter")
	for _, d := range dirs {
		p := filepath.Join(d, "kernels", name, "kernel.json")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// setupEnv gives the kernel what it needs from the environment it inherits.
func setupEnv() {
	path := os.Getenv("PATH")
	dirs := filepath.SplitList(path)
	for _, d := range []string{"/usr/local/go/bin", filepath.Join(os.Getenv("HOME"), "go", "bin")} {
		found := false
		for _, have := range dirs {
			found = found || have == d
		}
		if !found {
			path = d + string(os.PathListSeparator) + path
		}
	}
	os.Setenv("PATH", path)
	if os.Getenv("GOMLX_BACKEND") == "" {
		os.Setenv("GOMLX_BACKEND", gomlxfix.DefaultBackendConfig)
	}
}

// runNotebook executes, scans, exports and checks one notebook.
func (o *options) runNotebook(path string) *result {
	start := time.Now()
	r := &result{notebook: path}
	defer func() { r.elapsed = time.Since(start) }()
	fail := func(kind string, err error) {
		r.problems = append(r.problems, Problem{Notebook: path, Cell: -1, Kind: kind,
			Text: err.Error()})
	}
	j := &jupyter{bin: o.jupyter, kernel: o.kernel, cellTimeout: o.cellTimeout,
		logDir: filepath.Join(o.out, "logs"), progress: o.progress, heartbeat: 30 * time.Second}

	executed, err := j.execute(path, filepath.Join(o.out, "nb"))
	if err != nil {
		fail("nbconvert", err)
		return r
	}
	r.executed = executed
	nb, err := readNotebook(executed)
	if err != nil {
		fail("nbconvert", err)
		return r
	}
	r.problems = append(r.problems, scanNotebook(path, nb)...)
	r.slowest = slowestCells(nb, 3)
	if !o.browser {
		return r
	}

	r.html, err = j.exportHTML(executed, filepath.Join(o.out, "html"))
	if err != nil {
		fail("nbconvert", err)
		return r
	}
	b := &browser{bin: o.chromium, width: o.width, timeout: 3 * time.Minute}
	rep, problems, err := b.check(path, r.html)
	if err != nil {
		fail("browser", err)
		return r
	}
	r.problems = append(r.problems, problems...)
	if rep == nil {
		return r
	}
	r.charts = len(rep.Charts)
	if !o.shots {
		return r
	}
	base := strings.TrimSuffix(filepath.Base(path), ".ipynb")
	shot := filepath.Join(o.out, "png", base+".png")
	if err := b.screenshot(r.html, shot, int(rep.Height)); err != nil {
		fail("browser", err)
		return r
	}
	r.screenshot = shot
	r.chartShots, err = cropCharts(shot, filepath.Join(o.out, "png", base), rep.Charts)
	if err != nil {
		fail("browser", err)
	}
	return r
}

// summarize prints every problem and a table of results; it returns the exit code.
func summarize(results []*result, elapsed time.Duration, w io.Writer) int {
	failed := 0
	for _, r := range results {
		for _, p := range r.problems {
			fmt.Fprintf(w, "\nFAIL %s\n", p)
		}
		if len(r.problems) > 0 {
			failed++
		}
	}
	fmt.Fprintf(w, "\nnbrun summary (%.1fs):\n", elapsed.Seconds())
	for _, r := range results {
		status := "ok  "
		if len(r.problems) > 0 {
			status = "FAIL"
		}
		fmt.Fprintf(w, "  %s %-40s %6.1fs  %d problems, %d charts\n", status, r.notebook,
			r.elapsed.Seconds(), len(r.problems), r.charts)
		if r.slowest != "" {
			fmt.Fprintf(w, "         slowest: %s\n", r.slowest)
		}
		for _, f := range []string{r.executed, r.html, r.screenshot} {
			if f != "" {
				fmt.Fprintf(w, "         %s\n", f)
			}
		}
		if len(r.chartShots) > 0 {
			fmt.Fprintf(w, "         %s (and %d more chart PNGs)\n", r.chartShots[0],
				len(r.chartShots)-1)
		}
	}
	if failed > 0 {
		fmt.Fprintf(w, "nbrun: %d of %d notebooks FAILED\n", failed, len(results))
		return 1
	}
	fmt.Fprintf(w, "nbrun: all %d notebooks passed\n", len(results))
	return 0
}

// runStrip clears the outputs of each notebook in place.
func runStrip(paths []string, stdout, stderr io.Writer) int {
	code := 0
	for _, p := range paths {
		changed, removed, err := stripFile(p)
		switch {
		case err != nil:
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = fmt.Errorf("%s: %w", p, pe.Err)
			}
			fmt.Fprintf(stderr, "nbrun -strip: %v\n", err)
			code = 1
		case changed:
			fmt.Fprintf(stdout, "stripped %s (%d outputs removed)\n", p, removed)
		default:
			fmt.Fprintf(stdout, "%s is already clean\n", p)
		}
	}
	return code
}
