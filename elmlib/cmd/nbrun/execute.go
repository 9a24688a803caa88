package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// jupyter runs nbconvert.
type jupyter struct {
	// bin is the jupyter executable (Debian's /usr/bin/jupyter; other Pythons on PATH may
	// lack nbformat).
	bin string
	// kernel is the Jupyter kernel that executes every notebook.
	kernel string
	// cellTimeout bounds each cell; a cell that runs longer is interrupted and reported.
	cellTimeout time.Duration
	// logDir receives each nbconvert run's output (GoNB's log lines included).
	logDir string
	// progress, when set, gets a line every heartbeat while a notebook executes.
	progress  io.Writer
	heartbeat time.Duration
}

// execute runs every cell of the notebook at src with nbconvert and writes the executed
// notebook into outDir, returning its path. Cell errors do not stop the run
// (--allow-errors): they are recorded in the outputs, which scanNotebook reads.
func (j *jupyter) execute(src, outDir string) (string, error) {
	args := []string{"nbconvert", "--to", "notebook", "--execute", "--allow-errors",
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(j.cellTimeout.Seconds())),
		"--ExecutePreprocessor.interrupt_on_timeout=True",
		"--ExecutePreprocessor.kernel_name=" + j.kernel,
		"--output-dir", outDir, src}
	return j.run("execute", src, outDir, ".ipynb", args)
}

// exportHTML converts an executed notebook to HTML in outDir and returns the file's path.
func (j *jupyter) exportHTML(executed, outDir string) (string, error) {
	args := []string{"nbconvert", "--to", "html", "--output-dir", outDir, executed}
	return j.run("html", executed, outDir, ".html", args)
}

// run runs one nbconvert command, logging to logDir, and returns the expected output path.
func (j *jupyter) run(step, src, outDir, ext string, args []string) (string, error) {
	base := strings.TrimSuffix(filepath.Base(src), ".ipynb")
	out := filepath.Join(outDir, base+ext)
	logPath := filepath.Join(j.logDir, base+"."+step+".log")
	os.Remove(out)

	// nbconvert's own limit is per cell; this bounds a kernel that never answers.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Hour)
	defer cancel()
	cmd := exec.CommandContext(ctx, j.bin, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", j.bin, err)
	}
	stop := j.beat(step, src)
	err := cmd.Wait()
	stop()
	if werr := os.WriteFile(logPath, buf.Bytes(), 0o644); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return "", fmt.Errorf("jupyter nbconvert (%s) failed on %s: %v\n%s\n(full log: %s)",
			step, src, err, nbconvertTail(buf.Bytes(), 10), logPath)
	}
	if _, err := os.Stat(out); err != nil {
		return "", fmt.Errorf("jupyter nbconvert (%s) wrote no %s (log: %s)", step, out, logPath)
	}
	return out, nil
}

// beat prints a line to j.progress every j.heartbeat while a notebook executes, so that a
// long run shows it is alive; the returned function stops it.
func (j *jupyter) beat(step, src string) (stop func()) {
	if j.progress == nil || j.heartbeat <= 0 || step != "execute" {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(j.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintf(j.progress, "nbrun: still executing %s (%.0fs)\n", src,
					time.Since(start).Seconds())
			}
		}
	}()
	return func() { close(done); <-finished }
}

// nbconvertTail keeps the last n lines of nbconvert's output that are not GoNB's info logs.
func nbconvertTail(b []byte, n int) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "I1") || strings.HasPrefix(line, "I0") {
			continue // klog info lines
		}
		keep = append(keep, "    "+line)
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}
