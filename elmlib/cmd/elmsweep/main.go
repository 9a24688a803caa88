// Command elmsweep runs sweeps of ELM models (package elmlib/sweep) from the shell, and is
// the program that every task of a Slurm job array executes.
//
// Usage:
//
//	elmsweep local  --store DIR --sweep FILE [--workers N] [--metric M [--maximize]]
//	elmsweep submit --store DIR --sweep FILE [--partition P] [--time T] [--cpus N]
//	                [--max-running N] [--binary PATH]
//	elmsweep run    --store DIR (--id ID | --ids FILE --index N) [--worker TEXT]
//	elmsweep status --store DIR [--job ID] [--metric M [--maximize]]
//
// local expands the sweep file (see sweep.ParseSweep) and executes the runs the store does
// not hold yet on a local worker pool, printing progress. submit writes a batch script for
// those runs and submits it with sbatch, printing the job ID; its tasks call "elmsweep run"
// (this binary, or --binary). run executes one planned run and stores its result; it exits
// with status 3 when the run failed (its result then records the error). status prints what
// the store holds for the most recently planned sweep, and the Slurm state of --job.
//
// Exit status: 0 success, 1 error, 2 bad usage, 3 the run (of "run") failed.
//
// The run kinds known to this command are those registered in kinds.go; the sweep package
// registers "synthetic", a stand-in for testing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/elmneuron/elm/elmlib/sweep"
)

// Exit statuses.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitRunFailed = 3
)

func main() {
	registerKinds()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs one subcommand and returns the exit status.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: elmsweep local|submit|run|status --store DIR ...")
		return exitUsage
	}
	fs := flag.NewFlagSet("elmsweep "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	store := fs.String("store", "", "results store directory (required)")
	var err error
	code := exitOK
	switch args[0] {
	case "run":
		code, err = cmdRun(ctx, fs, store, args[1:], stdout)
	case "local":
		err = cmdLocal(ctx, fs, store, args[1:], stdout)
	case "submit":
		err = cmdSubmit(ctx, fs, store, args[1:], stdout)
	case "status":
		err = cmdStatus(ctx, fs, store, args[1:], stdout)
	default:
		fmt.Fprintf(stderr, "elmsweep: unknown subcommand %q (want local, submit, run,"+
			" status)\n", args[0])
		return exitUsage
	}
	var usage usageError
	switch {
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "elmsweep:", err)
		return exitUsage
	case errors.Is(err, flag.ErrHelp):
		return exitUsage
	case err != nil:
		fmt.Fprintln(stderr, "elmsweep:", err)
		return exitError
	}
	return code
}

// usageError marks errors in the command line.
type usageError string

func (e usageError) Error() string { return string(e) }

// parse parses flags and opens the store.
func parse(fs *flag.FlagSet, store *string, args []string) (*sweep.Store, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return nil, usageError("unexpected arguments: " + strings.Join(fs.Args(), " "))
	}
	if *store == "" {
		return nil, usageError(fs.Name() + ": --store is required")
	}
	return sweep.OpenStore(*store)
}

// cmdRun executes one planned run.
func cmdRun(ctx context.Context, fs *flag.FlagSet, store *string, args []string,
	stdout io.Writer) (int, error) {
	id := fs.String("id", "", "ID of the run to execute")
	ids := fs.String("ids", "", "run list file (one ID per line), with --index")
	index := fs.Int("index", -1, "0-based line of --ids")
	worker := fs.String("worker", "elmsweep run", "where the run executes, for the record")
	st, err := parse(fs, store, args)
	if err != nil {
		return exitError, err
	}
	switch {
	case *id != "" && *ids == "":
	case *id == "" && *ids != "" && *index >= 0:
		if *id, err = sweep.ReadIDs(*ids, *index); err != nil {
			return exitError, err
		}
	default:
		return exitUsage, usageError("run: give --id ID, or --ids FILE and --index N")
	}
	run, err := st.LoadRun(*id)
	if err != nil {
		return exitError, err
	}
	if old, err := st.Get(run.ID); err == nil && !old.Failed() {
		fmt.Fprintf(stdout, "run %s (%s): already in the store, skipped\n", run.ID, run.Name)
		return exitOK, nil
	}
	res, err := sweep.Execute(ctx, run, *worker)
	if err != nil {
		return exitError, err
	}
	if err := st.Put(res); err != nil {
		return exitError, err
	}
	if res.Failed() {
		fmt.Fprintf(stdout, "run %s (%s): failed after %.1fs: %s\n",
			run.ID, run.Name, res.WallSeconds, res.Error)
		return exitRunFailed, nil
	}
	fmt.Fprintf(stdout, "run %s (%s): done in %.1fs\n", run.ID, run.Name, res.WallSeconds)
	return exitOK, nil
}

// expand loads and expands a sweep file.
func expand(path string) (sweep.Sweep, []sweep.Run, error) {
	if path == "" {
		return sweep.Sweep{}, nil, usageError("--sweep FILE is required")
	}
	sw, err := sweep.LoadSweepFile(path)
	if err != nil {
		return sw, nil, err
	}
	runs, err := sw.Expand()
	return sw, runs, err
}

// cmdLocal runs a sweep on a local worker pool.
func cmdLocal(ctx context.Context, fs *flag.FlagSet, store *string, args []string,
	stdout io.Writer) error {
	file := fs.String("sweep", "", "sweep definition file (JSON)")
	workers := fs.Int("workers", 0, "runs at once (0: number of CPUs)")
	metric := fs.String("metric", "", "metric for the best result so far")
	maximize := fs.Bool("maximize", false, "larger --metric is better")
	retry := fs.Bool("retry-failed", false, "re-run runs whose stored result failed")
	st, err := parse(fs, store, args)
	if err != nil {
		return err
	}
	sw, runs, err := expand(*file)
	if err != nil {
		return err
	}
	opts := sweep.LocalOptions{Workers: *workers, RetryFailed: *retry,
		BestBy: sweep.BestBy{Metric: *metric, Maximize: *maximize},
		Progress: func(p sweep.Progress) {
			if p.Last != nil || p.Running == 0 {
				fmt.Fprintln(stdout, p)
			}
		}}
	_, err = sweep.RunLocal(ctx, st, sw.Name, runs, opts)
	return err
}

// cmdSubmit submits a sweep as a Slurm job array.
func cmdSubmit(ctx context.Context, fs *flag.FlagSet, store *string, args []string,
	stdout io.Writer) error {
	file := fs.String("sweep", "", "sweep definition file (JSON)")
	var o sweep.SlurmOptions
	fs.StringVar(&o.Binary, "binary", "", "elmsweep binary the tasks run (default: this one)")
	fs.StringVar(&o.Partition, "partition", "", "Slurm partition")
	fs.StringVar(&o.TimeLimit, "time", "", "time limit per task, e.g. 01:00:00")
	fs.IntVar(&o.CPUsPerTask, "cpus", 0, "CPUs per task")
	fs.IntVar(&o.MaxRunning, "max-running", 0, "tasks running at once (0: no limit)")
	fs.BoolVar(&o.RetryFailed, "retry-failed", false, "also submit runs whose result failed")
	st, err := parse(fs, store, args)
	if err != nil {
		return err
	}
	sw, runs, err := expand(*file)
	if err != nil {
		return err
	}
	if o.Binary == "" {
		if o.Binary, err = os.Executable(); err != nil {
			return err
		}
	}
	job, err := sweep.SubmitSlurm(ctx, st, sw.Name, runs, o)
	if errors.Is(err, sweep.ErrNothingPending) {
		fmt.Fprintln(stdout, "nothing to submit: every run is in the store")
		return nil
	}
	if err != nil {
		return err
	}
	for _, p := range job.Problems {
		fmt.Fprintln(stdout, "damaged result:", p)
	}
	fmt.Fprintf(stdout, "submitted job %s: %d runs (script %s/job.sh)\n",
		job.ID, len(job.Runs), job.Dir)
	return nil
}

// cmdStatus prints what the store holds for the planned sweep.
func cmdStatus(ctx context.Context, fs *flag.FlagSet, store *string, args []string,
	stdout io.Writer) error {
	jobID := fs.String("job", "", "Slurm job ID to query with squeue")
	metric := fs.String("metric", "", "metric for the best result")
	maximize := fs.Bool("maximize", false, "larger --metric is better")
	st, err := parse(fs, store, args)
	if err != nil {
		return err
	}
	name, runs, err := st.LoadPlan()
	if err != nil {
		return err
	}
	status, err := st.Scan(runs, false)
	if err != nil {
		return err
	}
	for _, p := range status.Problems {
		fmt.Fprintln(stdout, "damaged result:", p)
	}
	by := sweep.BestBy{Metric: *metric, Maximize: *maximize}
	best := by.Best(status.Results)
	fmt.Fprintf(stdout, "sweep %q: %d runs, %d finished (%d failed), %d pending\n",
		name, len(runs), len(status.Results), status.Failed, len(status.Pending))
	if best != nil {
		fmt.Fprintf(stdout, "best %s=%.4g (%s)\n", by.Metric, best.Metrics[by.Metric],
			best.Name)
	}
	if temps, err := st.StrayTemps(); err == nil && len(temps) > 0 {
		fmt.Fprintf(stdout, "%d temporary files in %s/results (killed or running writers;"+
			" never read as results)\n", len(temps), st.Dir)
	}
	for _, r := range status.Results {
		if r.Failed() {
			fmt.Fprintf(stdout, "failed %s (%s): %s\n", r.RunID, r.Name, firstLine(r.Error))
		}
	}
	if *jobID != "" {
		job := &sweep.SlurmJob{ID: *jobID}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		js, err := job.State(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "job %s: %d tasks known to Slurm, %d active\n",
			*jobID, len(js.Tasks), js.Active)
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
