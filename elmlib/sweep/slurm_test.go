package sweep

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteSlurmScript(t *testing.T) {
	st := openTestStore(t)
	runs := testRuns(t, "", 2, 5, 10)
	bin := filepath.Join(t.TempDir(), "it's elmsweep")
	os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755)
	job, err := WriteSlurmScript(st, runs, SlurmOptions{Binary: bin, Partition: "gpu",
		TimeLimit: "00:10:00", CPUsPerTask: 2, MaxRunning: 4, Extra: []string{"--mem=2G"}})
	if err != nil {
		t.Fatal(err)
	}
	script, _ := os.ReadFile(filepath.Join(job.Dir, "job.sh"))
	quoted := `'` + strings.ReplaceAll(bin, "'", `'\''`) + `'`
	for _, want := range []string{
		"#!/bin/bash\n#SBATCH --job-name=elmsweep\n#SBATCH --array=0-2%4\n",
		"#SBATCH --output=" + job.Dir + "/task-%a.out\n",
		"#SBATCH --partition=gpu\n#SBATCH --time=00:10:00\n#SBATCH --cpus-per-task=2\n" +
			"#SBATCH --mem=2G\n",
		"exec " + quoted + " run --store '" + st.Dir + "' --ids '" + job.Dir + "/ids.txt'" +
			` --index "$SLURM_ARRAY_TASK_ID"`,
	} {
		if !strings.Contains(string(script), want) {
			t.Errorf("script lacks %q:\n%s", want, script)
		}
	}
	for i, r := range runs {
		id, err := ReadIDs(filepath.Join(job.Dir, "ids.txt"), i)
		if err != nil || id != r.ID {
			t.Errorf("ids.txt line %d: %q %v, want %s", i, id, err, r.ID)
		}
	}
	if _, err := ReadIDs(filepath.Join(job.Dir, "ids.txt"), 3); err == nil ||
		!strings.Contains(err.Error(), "index 3 out of range: ") {
		t.Errorf("index 3: %v", err)
	}

	bad := []struct {
		opts SlurmOptions
		want string
	}{
		{SlurmOptions{}, `SlurmOptions.Binary "": give the path of a built elmsweep`},
		{SlurmOptions{Binary: "/nonexistent/elmsweep"}, "is not an executable file"},
		{SlurmOptions{Binary: bin, Extra: []string{"mem=2G"}}, `Extra "mem=2G": want one`},
	}
	for i, c := range bad {
		if _, err := WriteSlurmScript(st, runs, c.opts); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: %v, want %q", i, err, c.want)
		}
	}
}

func TestParseSqueue(t *testing.T) {
	// Lines as squeue -r -h -t all -O 'ArrayTaskID:|,State:|,exit_code:|,Reason:' prints
	// them (exit_code is the raw wait status: exit 3 is 768, SIGTERM is 15).
	out := "0|COMPLETED|0|None\n1|FAILED|768|NonZeroExitCode\n2|CANCELLED|15|None\n" +
		"3|RUNNING|0|None\n4|PENDING|0|Resources\n"
	js, err := parseSqueue(out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]TaskState{0: {"COMPLETED", 0, 0, "None"},
		1: {"FAILED", 3, 0, "NonZeroExitCode"}, 2: {"CANCELLED", 0, 15, "None"},
		3: {"RUNNING", 0, 0, "None"}, 4: {"PENDING", 0, 0, "Resources"}}
	for k, w := range want {
		if js.Tasks[k] != w {
			t.Errorf("task %d: %+v, want %+v", k, js.Tasks[k], w)
		}
	}
	if js.Active != 2 || js.Finished() {
		t.Errorf("active %d", js.Active)
	}
	if _, err := parseSqueue("0-3|PENDING|0|None\n"); err == nil {
		t.Error("a task range was accepted")
	}
}

func TestSubmitSlurmFailureKeepsStore(t *testing.T) {
	st := openTestStore(t)
	runs := testRuns(t, "", 2, 5)
	if _, err := RunLocal(context.Background(), st, "s", runs[:1], LocalOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(st.ResultPath(runs[0].ID))
	dir := t.TempDir()
	fake := filepath.Join(dir, "sbatch")
	os.WriteFile(fake, []byte("#!/bin/sh\necho 'sbatch: error: Batch job submission failed:"+
		" Invalid partition name specified' >&2\nexit 1\n"), 0o755)
	_, err := SubmitSlurm(context.Background(), st, "s", runs,
		SlurmOptions{Binary: fake, Sbatch: fake})
	want := "Invalid partition name specified; no run was submitted, 1 runs stay pending"
	if err == nil || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "exit status 1") {
		t.Fatalf("error %v, want %q", err, want)
	}
	after, _ := os.ReadFile(st.ResultPath(runs[0].ID))
	if string(after) != string(before) {
		t.Error("the stored result changed")
	}
	if _, err := st.Get(runs[1].ID); err == nil {
		t.Error("run 1 has a result")
	}

	// When every run is stored, nothing is submitted.
	if _, err := RunLocal(context.Background(), st, "s", runs, LocalOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = SubmitSlurm(context.Background(), st, "s", runs,
		SlurmOptions{Binary: fake, Sbatch: fake})
	if !errors.Is(err, ErrNothingPending) {
		t.Errorf("error %v, want ErrNothingPending", err)
	}
}
