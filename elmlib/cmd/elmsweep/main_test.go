package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/elmneuron/elm/elmlib/sweep"
)

// binary is the elmsweep command built for the tests.
var binary string

var (
	slurmOnce sync.Once
	slurm     *cluster
	slurmErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "elmsweep-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "elmsweep")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(gobin, "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building elmsweep: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	slurm.stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

// needSlurm starts the test cluster once, skipping the test if it cannot start, or failing
// it when SLURM_REQUIRED=1.
func needSlurm(t *testing.T) {
	t.Helper()
	slurmOnce.Do(func() {
		start := time.Now()
		slurm, slurmErr = startCluster()
		if slurmErr == nil {
			t.Logf("Slurm cluster up in %.1fs (%s)", time.Since(start).Seconds(), slurm.dir)
		}
	})
	if slurmErr != nil {
		if os.Getenv("SLURM_REQUIRED") == "1" {
			t.Fatalf("Slurm could not start and SLURM_REQUIRED=1: %v", slurmErr)
		}
		t.Skipf("Slurm not available: %v", slurmErr)
	}
}

// elmsweep runs the built command and returns its exit status and output.
func elmsweep(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// writeSweep writes a synthetic sweep over seeds 0..n-1 and returns the file's path.
func writeSweep(t *testing.T, dir, name string, n int, extra string) string {
	t.Helper()
	seeds := make([]string, n)
	for i := range seeds {
		seeds[i] = fmt.Sprint(i)
	}
	def := fmt.Sprintf(`{"name": %q, "kind": "synthetic",
		"base": {"model": {"config": {"memory_tau_min": 1, "memory_tau_max": 50}}%s},
		"axes": [{"name": "seed", "values": [%s]}]}`, name, extra, strings.Join(seeds, ","))
	path := filepath.Join(dir, name+".json")
	if err := os.WriteFile(path, []byte(def), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// storeFiles lists the result files of a store: finished (*.json), moved-aside damaged
// ones and temporaries.
func storeFiles(t *testing.T, store string) (results, corrupt, temps []string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(store, "results"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch n := e.Name(); {
		case strings.HasPrefix(n, ".tmp-"):
			temps = append(temps, n)
		case strings.Contains(n, ".corrupt-"):
			corrupt = append(corrupt, n)
		case strings.HasSuffix(n, ".json"):
			results = append(results, n)
		}
	}
	return
}

// TestKillMidSweepAndResume kills a running "elmsweep local" with SIGKILL and checks that
// the finished results survive intact and that a second run completes the rest without
// repeating them.
func TestKillMidSweepAndResume(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	file := writeSweep(t, dir, "kill", 8, `, "sleep_ms": 300`)

	cmd := exec.Command(binary, "local", "--store", store, "--sweep", file, "--workers", "2")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		entries, _ := filepath.Glob(filepath.Join(store, "results", "*.json"))
		if len(entries) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no 3 results after 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	results, corrupt, _ := storeFiles(t, store)
	k := len(results)
	if k < 3 || k >= 8 || len(corrupt) != 0 {
		t.Fatalf("after the kill: %d results, %d damaged; want 3..7 and none", k, len(corrupt))
	}
	t.Logf("killed with %d of 8 results stored", k)
	st, err := sweep.OpenStore(store)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, name := range results {
		id := strings.TrimSuffix(name, ".json")
		if _, err := st.Get(id); err != nil {
			t.Fatalf("result left by the killed sweep: %v", err)
		}
		before[id], _ = os.ReadFile(st.ResultPath(id))
	}

	code, out, errOut := elmsweep(t, "local", "--store", store, "--sweep", file,
		"--workers", "2", "--metric", "score", "--maximize")
	if code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, fmt.Sprintf("8/8 done (%d from store), 0 running, 0 failed;"+
		" best score=", k)) {
		t.Errorf("resume output lacks the final progress line:\n%s", out)
	}
	results, corrupt, _ = storeFiles(t, store)
	if len(results) != 8 || len(corrupt) != 0 {
		t.Fatalf("after resume: %d results, %d damaged", len(results), len(corrupt))
	}
	for id, b := range before {
		if now, _ := os.ReadFile(st.ResultPath(id)); !bytes.Equal(now, b) {
			t.Errorf("result %s was rewritten by the resumed sweep", id)
		}
	}

	code, out, _ = elmsweep(t, "status", "--store", store)
	if code != 0 || !strings.Contains(out,
		`sweep "kill": 8 runs, 8 finished (0 failed), 0 pending`) {
		t.Errorf("status: exit %d:\n%s", code, out)
	}
}

func TestRunCommandErrors(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	file := writeSweep(t, dir, "errs", 2, `, "fail_seeds": [1]`)
	st, _ := sweep.OpenStore(store)
	sw, _ := sweep.LoadSweepFile(file)
	runs, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Plan(sw.Name, runs); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		args []string
		code int
		out  string // substring of stdout+stderr
	}{
		{[]string{"run", "--store", store, "--id", runs[0].ID}, 0, "(seed=0): done in"},
		{[]string{"run", "--store", store, "--id", runs[0].ID}, 0, "already in the store"},
		{[]string{"run", "--store", store, "--id", runs[1].ID}, 3,
			"failed after 0.0s: synthetic run: seed 1 is in fail_seeds"},
		{[]string{"run", "--store", store, "--id", "0123456789abcdef"}, 1,
			"run 0123456789abcdef is not planned in store"},
		{[]string{"run", "--store", store}, 2, "give --id ID, or --ids FILE and --index N"},
		{[]string{"run", "--id", "x"}, 2, "--store is required"},
		{[]string{"frobnicate"}, 2, `unknown subcommand "frobnicate"`},
		{[]string{"local", "--store", store, "--sweep", filepath.Join(dir, "none.json")}, 1,
			"none.json: no such file"},
	}
	for i, c := range cases {
		code, out, errOut := elmsweep(t, c.args...)
		if code != c.code || !strings.Contains(out+errOut, c.out) {
			t.Errorf("case %d (%v): exit %d, output %q%q; want %d and %q",
				i, c.args, code, out, errOut, c.code, c.out)
		}
	}

	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"name": "b", "kind": "synthetic", "base": {},
		"axes": [{"name": "tau", "values": [1]}]}`), 0o644)
	code, _, errOut := elmsweep(t, "local", "--store", store, "--sweep", bad)
	if code != 1 || !strings.Contains(errOut, `sweep "b": unknown axis "tau"`) {
		t.Errorf("bad axis: exit %d: %s", code, errOut)
	}
}

// TestSlurmSweep submits a sweep as a job array to a real Slurm and checks that every task
// stores its result, that a failing run shows as a failed task with exit status 3, and that
// a run finished before the submission is neither submitted nor touched.
func TestSlurmSweep(t *testing.T) {
	needSlurm(t)
	start := time.Now()
	dir := t.TempDir()
	st, err := sweep.OpenStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := sweep.LoadSweepFile(writeSweep(t, dir, "slurm", 6, `, "fail_seeds": [4]`))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := sweep.RunLocal(ctx, st, sw.Name, runs[:1], sweep.LocalOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(st.ResultPath(runs[0].ID))

	job, err := sweep.SubmitSlurm(ctx, st, sw.Name, runs, sweep.SlurmOptions{Binary: binary,
		TimeLimit: "5"})
	if err != nil {
		t.Fatal(err)
	}
	if len(job.Runs) != 5 || job.Runs[0].ID != runs[1].ID {
		t.Fatalf("submitted %d runs, want runs 1..5", len(job.Runs))
	}
	wctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	var last sweep.Progress
	js, err := job.Wait(wctx, 200*time.Millisecond, sweep.BestBy{Metric: "score",
		Maximize: true}, func(p sweep.Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range job.Runs {
		ts := js.Tasks[i]
		want := sweep.TaskState{State: "COMPLETED", Reason: "None"}
		if r.Name == "seed=4" {
			want = sweep.TaskState{State: "FAILED", ExitCode: 3, Reason: "NonZeroExitCode"}
		}
		if ts != want {
			t.Errorf("task %d (%s): %+v, want %+v", i, r.Name, ts, want)
		}
	}
	results, problems, err := job.Collect()
	if err != nil || len(problems) != 0 || len(results) != 5 {
		t.Fatalf("collect: %d results, problems %v, %v", len(results), problems, err)
	}
	for i, r := range results {
		if want := fmt.Sprintf("slurm job %s_%d", job.ID, i); r.Worker != want {
			t.Errorf("result %d worker %q, want %q", i, r.Worker, want)
		}
		if failed := r.Name == "seed=4"; r.Failed() != failed {
			t.Errorf("result %s: error %q", r.Name, r.Error)
		}
	}
	if missing, _ := job.Missing(js); len(missing) != 0 {
		t.Errorf("missing results: %v", missing)
	}
	if last.Done != 5 || last.Failed != 1 || last.Best == nil {
		t.Errorf("last progress %+v", last)
	}
	if now, _ := os.ReadFile(st.ResultPath(runs[0].ID)); !bytes.Equal(now, before) {
		t.Error("the result finished before submission changed")
	}
	code, out, errOut := elmsweep(t, "status", "--store", st.Dir, "--job", job.ID,
		"--metric", "score", "--maximize")
	for _, want := range []string{`sweep "slurm": 6 runs, 6 finished (1 failed), 0 pending`,
		"best score=", "failed " + job.Runs[3].ID + " (seed=4): synthetic run: seed 4 is in",
		"job " + job.ID + ": 5 tasks known to Slurm, 0 active"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status: exit %d, stderr %s, output lacks %q:\n%s", code, errOut, want, out)
		}
	}
	if _, err := sweep.SubmitSlurm(ctx, st, sw.Name, runs, sweep.SlurmOptions{
		Binary: binary}); err != sweep.ErrNothingPending {
		t.Errorf("second submission: %v, want ErrNothingPending", err)
	}
	t.Logf("job array of 5 tasks: submitted, finished and collected in %.1fs",
		time.Since(start).Seconds())
}

// TestSlurmSubmitFails submits to a partition that does not exist through the command and
// checks the error and that the store is unchanged; then the same submission to the default
// partition runs the two pending runs, followed with "elmsweep status --job".
func TestSlurmSubmitFails(t *testing.T) {
	needSlurm(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	file := writeSweep(t, dir, "nopart", 3, "")
	if code, _, errOut := elmsweep(t, "local", "--store", store, "--sweep",
		writeSweep(t, dir, "first", 1, "")); code != 0 {
		t.Fatal(errOut)
	}
	results, _, _ := storeFiles(t, store)
	before, _ := os.ReadFile(filepath.Join(store, "results", results[0]))

	code, out, errOut := elmsweep(t, "submit", "--store", store, "--sweep", file,
		"--partition", "nosuchpartition", "--binary", binary)
	want := "Batch job submission failed: Invalid partition name specified; no run was" +
		" submitted, 2 runs stay pending in " + store
	if code != 1 || !strings.Contains(errOut, want) || !strings.Contains(errOut, "sbatch ") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out, errOut, want)
	}
	after, _ := os.ReadFile(filepath.Join(store, "results", results[0]))
	now, corrupt, _ := storeFiles(t, store)
	if !bytes.Equal(before, after) || len(now) != 1 || len(corrupt) != 0 {
		t.Errorf("store changed: %v %v", now, corrupt)
	}
	code, out, _ = elmsweep(t, "status", "--store", store)
	if code != 0 || !strings.Contains(out, "3 runs, 1 finished (0 failed), 2 pending") {
		t.Errorf("status: %d %s", code, out)
	}

	// The same submission to the default partition, with the command's own binary.
	code, out, errOut = elmsweep(t, "submit", "--store", store, "--sweep", file)
	var jobID string
	if _, err := fmt.Sscanf(out, "submitted job %s", &jobID); code != 0 || err != nil ||
		!strings.Contains(out, ": 2 runs (script ") {
		t.Fatalf("submit: exit %d, %q %q", code, out, errOut)
	}
	jobID = strings.TrimSuffix(jobID, ":")
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, out, _ = elmsweep(t, "status", "--store", store, "--job", jobID)
		if strings.Contains(out, "2 tasks known to Slurm, 0 active") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s not finished after 60 s: %s", jobID, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(out, "3 runs, 3 finished (0 failed), 0 pending") {
		t.Errorf("status after the job: %s", out)
	}
}

// TestSlurmCancelAndResubmit cancels a job array after two of its four tasks stored their
// results (the others are running or pending), then submits the sweep again: only the
// missing runs are submitted, and the first results are kept as they were.
func TestSlurmCancelAndResubmit(t *testing.T) {
	needSlurm(t)
	dir := t.TempDir()
	st, err := sweep.OpenStore(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	sw, err := sweep.LoadSweepFile(writeSweep(t, dir, "cancel", 4, `, "sleep_ms": 1000`))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := sw.Expand()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	job, err := sweep.SubmitSlurm(ctx, st, sw.Name, runs, sweep.SlurmOptions{Binary: binary,
		MaxRunning: 2, TimeLimit: "5"})
	if err != nil {
		t.Fatal(err)
	}
	for {
		res, _, _ := storeFiles(t, st.Dir)
		if len(res) >= 2 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("no 2 results before the time limit")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := job.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	js, err := job.Wait(ctx, 200*time.Millisecond, sweep.BestBy{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	missing, states := job.Missing(js)
	kept, _, _ := storeFiles(t, st.Dir)
	if len(missing)+len(kept) != 4 || len(missing) == 0 {
		t.Fatalf("after cancel: %d stored, %d missing (%v)", len(kept), len(missing), states)
	}
	for i, s := range states {
		if s.State == "COMPLETED" {
			t.Errorf("run %s completed without a result", missing[i].Name)
		}
	}
	before := map[string][]byte{}
	for _, name := range kept {
		before[name], _ = os.ReadFile(filepath.Join(st.Dir, "results", name))
	}

	job2, err := sweep.SubmitSlurm(ctx, st, sw.Name, runs, sweep.SlurmOptions{Binary: binary})
	if err != nil {
		t.Fatal(err)
	}
	if len(job2.Runs) != len(missing) {
		t.Fatalf("resubmitted %d runs, want the %d missing", len(job2.Runs), len(missing))
	}
	if _, err := job2.Wait(ctx, 200*time.Millisecond, sweep.BestBy{}, nil); err != nil {
		t.Fatal(err)
	}
	results, problems, err := st.Collect(runs)
	if err != nil || len(results) != 4 || len(problems) != 0 {
		t.Fatalf("after resubmission: %d results, %v, %v", len(results), problems, err)
	}
	for name, b := range before {
		if now, _ := os.ReadFile(filepath.Join(st.Dir, "results", name)); !bytes.Equal(now, b) {
			t.Errorf("result %s changed", name)
		}
	}
	t.Logf("cancelled with %d of 4 stored (missing tasks: %v)", len(kept), states)
}
