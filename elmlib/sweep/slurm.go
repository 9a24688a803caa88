package sweep

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrNothingPending is returned by SubmitSlurm when the store holds every run already.
var ErrNothingPending = errors.New("sweep: every run is in the store already; nothing to submit")

// SlurmOptions configures a Slurm job array.
type SlurmOptions struct {
	// Binary is the path of a built elmsweep command (required); array tasks run
	// "Binary run --store DIR --ids FILE --index $SLURM_ARRAY_TASK_ID". It must register
	// the sweep's run kind.
	Binary string
	// JobName is the job's name; default "elmsweep".
	JobName string
	// Partition, if set, is passed as --partition.
	Partition string
	// TimeLimit, if set, is passed as --time (e.g. "02:00:00").
	TimeLimit string
	// CPUsPerTask, if > 0, is passed as --cpus-per-task.
	CPUsPerTask int
	// MaxRunning, if > 0, limits the tasks running at once (--array=0-N%MaxRunning).
	MaxRunning int
	// Extra are more sbatch options, one per line, e.g. "--mem=4G".
	Extra []string
	// RetryFailed also submits runs whose stored result is a failure.
	RetryFailed bool
	// Sbatch and Squeue are the commands used; default "sbatch" and "squeue" on PATH.
	Sbatch, Squeue string
}

// SlurmJob is a submitted job array: task i runs Runs[i]. A SlurmJob made by hand with only
// ID set supports State and Cancel.
type SlurmJob struct {
	// ID is Slurm's job ID.
	ID string
	// Dir holds the batch script (job.sh), the run list (ids.txt), task logs and job.json.
	Dir string
	// Runs are the runs of the array tasks, in task order.
	Runs []Run
	// Problems are damaged results found (and moved aside) before submitting.
	Problems []Problem

	store  *Store
	squeue string
}

// SubmitSlurm plans the runs in the store, writes a batch script for those without a
// result and submits it with "sbatch --parsable". If sbatch fails, the error includes its
// exit status and stderr, the store keeps every result, and the runs stay pending.
func SubmitSlurm(ctx context.Context, st *Store, name string, runs []Run,
	opts SlurmOptions) (*SlurmJob, error) {
	if err := st.Plan(name, runs); err != nil {
		return nil, err
	}
	status, err := st.Scan(runs, opts.RetryFailed)
	if err != nil {
		return nil, err
	}
	if len(status.Pending) == 0 {
		return nil, ErrNothingPending
	}
	job, err := WriteSlurmScript(st, status.Pending, opts)
	if err != nil {
		return nil, err
	}
	job.Problems = status.Problems

	sbatch := opts.Sbatch
	if sbatch == "" {
		sbatch = "sbatch"
	}
	script := filepath.Join(job.Dir, "job.sh")
	cmd := exec.CommandContext(ctx, sbatch, "--parsable", script)
	cmd.Dir = job.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sweep %q: sbatch %s failed (%v): %s; no run was submitted,"+
			" %d runs stay pending in %s", name, script, err,
			strings.TrimSpace(stderr.String()), len(status.Pending), st.Dir)
	}
	id := strings.TrimSpace(stdout.String())
	id, _, _ = strings.Cut(id, ";") // "ID;cluster" on multi-cluster set-ups
	if _, err := strconv.Atoi(id); err != nil {
		return nil, fmt.Errorf("sweep %q: sbatch printed %q, not a job ID (stderr: %s)",
			name, stdout.String(), strings.TrimSpace(stderr.String()))
	}
	job.ID = id
	rec, _ := json.MarshalIndent(map[string]any{"job_id": id, "sweep": name,
		"submitted": time.Now().UTC(), "runs": len(job.Runs)}, "", "  ")
	if _, err := writeAtomic(job.Dir, "job.json", rec, true); err != nil {
		return job, err
	}
	return job, nil
}

// WriteSlurmScript writes the batch script and run list for runs into a new directory under
// the store's slurm/ directory and returns the (unsubmitted) job. It does not consult the
// store's results: pass the pending runs.
func WriteSlurmScript(st *Store, runs []Run, opts SlurmOptions) (*SlurmJob, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("sweep: no runs to write a Slurm script for")
	}
	bin, err := filepath.Abs(opts.Binary)
	if err != nil || opts.Binary == "" {
		return nil, fmt.Errorf("sweep: SlurmOptions.Binary %q: give the path of a built"+
			" elmsweep command", opts.Binary)
	}
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("sweep: SlurmOptions.Binary %s is not an executable file", bin)
	}
	storeDir, err := filepath.Abs(st.Dir)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	for _, line := range opts.Extra {
		if strings.ContainsAny(line, "\n\r") || !strings.HasPrefix(line, "-") {
			return nil, fmt.Errorf("sweep: SlurmOptions.Extra %q: want one sbatch option"+
				" starting with '-'", line)
		}
	}

	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	sub := time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(rnd[:])
	dir := filepath.Join(storeDir, "slurm", sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	var ids strings.Builder
	for _, r := range runs {
		ids.WriteString(r.ID + "\n")
	}
	if _, err := writeAtomic(dir, "ids.txt", []byte(ids.String()), true); err != nil {
		return nil, err
	}
	script := slurmScript(bin, storeDir, dir, len(runs), opts)
	if _, err := writeAtomic(dir, "job.sh", []byte(script), true); err != nil {
		return nil, err
	}
	if err := os.Chmod(filepath.Join(dir, "job.sh"), 0o755); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return &SlurmJob{Dir: dir, Runs: runs, store: st, squeue: opts.Squeue}, nil
}

// slurmScript renders the batch script.
func slurmScript(bin, storeDir, dir string, n int, opts SlurmOptions) string {
	name := opts.JobName
	if name == "" {
		name = "elmsweep"
	}
	array := fmt.Sprintf("0-%d", n-1)
	if opts.MaxRunning > 0 {
		array += fmt.Sprintf("%%%d", opts.MaxRunning)
	}
	sb := []string{"--job-name=" + name, "--array=" + array,
		"--output=" + filepath.Join(dir, "task-%a.out")}
	if opts.Partition != "" {
		sb = append(sb, "--partition="+opts.Partition)
	}
	if opts.TimeLimit != "" {
		sb = append(sb, "--time="+opts.TimeLimit)
	}
	if opts.CPUsPerTask > 0 {
		sb = append(sb, fmt.Sprintf("--cpus-per-task=%d", opts.CPUsPerTask))
	}
	sb = append(sb, opts.Extra...)

	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	for _, o := range sb {
		b.WriteString("#SBATCH " + o + "\n")
	}
	b.WriteString("# Written by elmlib/sweep: task i runs the run on line i+1 of ids.txt.\n")
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "exec %s run --store %s --ids %s --index \"$SLURM_ARRAY_TASK_ID\""+
		" --worker \"slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n",
		shellQuote(bin), shellQuote(storeDir), shellQuote(filepath.Join(dir, "ids.txt")))
	return b.String()
}

// shellQuote quotes s for bash.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ReadIDs reads a run list written by WriteSlurmScript and returns line index (0-based).
func ReadIDs(path string, index int) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("sweep: %w", err)
	}
	lines := strings.Fields(string(data))
	if index < 0 || index >= len(lines) {
		return "", fmt.Errorf("sweep: index %d out of range: %s lists %d runs",
			index, path, len(lines))
	}
	return lines[index], nil
}

// TaskState is the Slurm state of one array task.
type TaskState struct {
	// State is Slurm's state name: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT…
	State string
	// ExitCode is the task's exit status (squeue's raw wait status shifted back).
	ExitCode int
	// Signal is the signal that ended the task, 0 if none.
	Signal int
	// Reason is Slurm's reason string (e.g. "NonZeroExitCode").
	Reason string
}

// JobState is a job array's state as squeue reports it.
type JobState struct {
	// Tasks maps array task index to its state. A task cancelled while pending disappears
	// from Slurm's records and is missing here.
	Tasks map[int]TaskState
	// Active counts tasks that are pending, configuring, running, completing or suspended.
	Active int
}

// Finished reports whether no task is active.
func (s JobState) Finished() bool { return s.Active == 0 }

// activeStates are Slurm states of tasks that have not ended.
var activeStates = map[string]bool{"PENDING": true, "CONFIGURING": true, "RUNNING": true,
	"COMPLETING": true, "SUSPENDED": true, "REQUEUED": true, "RESIZING": true,
	"STAGE_OUT": true, "SIGNALING": true, "REQUEUE_HOLD": true, "REQUEUE_FED": true}

// State asks squeue for the state of every task of the job. A job Slurm no longer knows
// (it left squeue after MinJobAge) is reported with no tasks.
func (j *SlurmJob) State(ctx context.Context) (JobState, error) {
	squeue := j.squeue
	if squeue == "" {
		squeue = "squeue"
	}
	cmd := exec.CommandContext(ctx, squeue, "-r", "-h", "-t", "all", "-j", j.ID,
		"-O", "ArrayTaskID:|,State:|,exit_code:|,Reason:")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if strings.Contains(stderr.String(), "Invalid job id") {
			return JobState{Tasks: map[int]TaskState{}}, nil
		}
		return JobState{}, fmt.Errorf("sweep: squeue for job %s failed (%v): %s",
			j.ID, err, strings.TrimSpace(stderr.String()))
	}
	return parseSqueue(stdout.String())
}

// parseSqueue parses "task|state|exit_code|reason" lines.
func parseSqueue(out string) (JobState, error) {
	js := JobState{Tasks: map[int]TaskState{}}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) < 4 {
			return JobState{}, fmt.Errorf("sweep: unexpected squeue line %q", line)
		}
		task, err := strconv.Atoi(strings.TrimSpace(f[0]))
		if err != nil {
			return JobState{}, fmt.Errorf("sweep: squeue line %q: task %q", line, f[0])
		}
		raw, _ := strconv.Atoi(strings.TrimSpace(f[2]))
		ts := TaskState{State: strings.TrimSpace(f[1]), ExitCode: raw >> 8, Signal: raw & 0x7f,
			Reason: strings.TrimSpace(f[3])}
		js.Tasks[task] = ts
		if activeStates[ts.State] {
			js.Active++
		}
	}
	return js, nil
}

// Wait polls squeue and the store every interval until no task is active, calling progress
// (if not nil) after each poll, and returns the job's final state. Results are read from
// the store; a task that ended without storing a result leaves its run pending.
func (j *SlurmJob) Wait(ctx context.Context, interval time.Duration, by BestBy,
	progress func(Progress)) (JobState, error) {
	start := time.Now()
	for {
		js, err := j.State(ctx)
		if err != nil {
			return js, err
		}
		if progress != nil {
			p, err := j.Progress(js, by)
			if err != nil {
				return js, err
			}
			p.Elapsed = time.Since(start)
			progress(p)
		}
		if js.Finished() {
			return js, nil
		}
		select {
		case <-ctx.Done():
			return js, ctx.Err()
		case <-time.After(interval):
		}
	}
}

// Progress combines a job state with the results in the store.
func (j *SlurmJob) Progress(js JobState, by BestBy) (Progress, error) {
	st, err := j.store.Scan(j.Runs, false)
	if err != nil {
		return Progress{}, err
	}
	t := newTracker(len(j.Runs), by, st)
	t.p.Skipped = 0
	for _, ts := range js.Tasks {
		if ts.State == "RUNNING" || ts.State == "COMPLETING" {
			t.p.Running++
		}
	}
	t.update()
	return t.p, nil
}

// Collect returns the results of the job's runs from the store, in task order.
func (j *SlurmJob) Collect() ([]*Result, []Problem, error) {
	return j.store.Collect(j.Runs)
}

// Missing returns, for a finished job, the runs whose task ended without a usable result
// in the store, each with its task's state, in task order.
func (j *SlurmJob) Missing(js JobState) ([]Run, []TaskState) {
	var runs []Run
	var states []TaskState
	for i, r := range j.Runs {
		if _, err := j.store.Get(r.ID); err == nil {
			continue
		}
		runs = append(runs, r)
		states = append(states, js.Tasks[i])
	}
	return runs, states
}

// Cancel cancels the whole job array with scancel.
func (j *SlurmJob) Cancel(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "scancel", j.ID).CombinedOutput()
	if err != nil {
		return fmt.Errorf("sweep: scancel %s failed (%v): %s", j.ID, err,
			strings.TrimSpace(string(out)))
	}
	return nil
}
