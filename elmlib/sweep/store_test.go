package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testRuns expands a synthetic sweep over tau_max with the given extra base fields.
func testRuns(t *testing.T, extra string, taus ...any) []Run {
	t.Helper()
	base := `{"model": {"config": {"memory_tau_min": 1, "num_memory": 3}}` + extra + `}`
	s := Sweep{Name: "s", Kind: SyntheticKind, Base: json.RawMessage(base),
		Axes: []Axis{{Name: "tau_max", Values: taus}}}
	runs, err := s.Expand()
	if err != nil {
		t.Fatal(err)
	}
	return runs
}

func openTestStore(t *testing.T) *Store {
	t.Helper()
	st, err := OpenStore(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestResultRoundTripKeepsNonFinite(t *testing.T) {
	st := openTestStore(t)
	in := &Result{RunID: "00000000000000aa", Name: "n", Kind: SyntheticKind,
		Config:   json.RawMessage(`{"a":1}`),
		Metrics:  map[string]float64{"auc": 0.75, "loss": math.NaN(), "big": math.Inf(1)},
		TauMInit: []float64{1, 12.5}, TauM: []float64{2, math.Inf(-1)},
		Curve:  []CurvePoint{{0, 1.5, math.NaN()}, {10, 0.25, 0.5}},
		Params: 42, WallSeconds: 1.25, Error: ""}
	if err := st.Put(in); err != nil {
		t.Fatal(err)
	}
	out, err := st.Get(in.RunID)
	if err != nil {
		t.Fatal(err)
	}
	if out.Metrics["auc"] != 0.75 || !math.IsNaN(out.Metrics["loss"]) ||
		!math.IsInf(out.Metrics["big"], 1) {
		t.Errorf("metrics %v", out.Metrics)
	}
	if out.TauM[0] != 2 || !math.IsInf(out.TauM[1], -1) || out.TauMInit[1] != 12.5 {
		t.Errorf("tau %v %v", out.TauMInit, out.TauM)
	}
	if len(out.Curve) != 2 || !math.IsNaN(out.Curve[0].Eval) || out.Curve[1] != in.Curve[1] {
		t.Errorf("curve %v", out.Curve)
	}
	if out.Params != 42 || out.WallSeconds != 1.25 || string(out.Config) != `{"a":1}` {
		t.Errorf("result %+v", out)
	}

	// Result's own JSON form is the stored one and keeps NaN too.
	b, err := json.Marshal(in)
	if err != nil || !strings.Contains(string(b), `"loss":"NaN"`) {
		t.Fatalf("Marshal: %s %v", b, err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || !math.IsNaN(back.Metrics["loss"]) ||
		back.Curve[1] != in.Curve[1] {
		t.Errorf("Unmarshal: %+v %v", back, err)
	}
}

func TestPutKeepsFirstSuccessReplacesFailure(t *testing.T) {
	st := openTestStore(t)
	id := "00000000000000bb"
	failed := &Result{RunID: id, Error: "diverged", Metrics: map[string]float64{"x": 1}}
	good := &Result{RunID: id, Metrics: map[string]float64{"x": 2}}
	other := &Result{RunID: id, Metrics: map[string]float64{"x": 3}}
	for _, r := range []*Result{failed, good, other} {
		if err := st.Put(r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Failed() || got.Metrics["x"] != 2 {
		t.Fatalf("stored %+v, want the first successful result (x=2)", got)
	}
	temps, _ := st.StrayTemps()
	if len(temps) != 0 {
		t.Errorf("temporary files left: %v", temps)
	}
}

func TestDamagedResultsAreDetectedAndRerun(t *testing.T) {
	st := openTestStore(t)
	runs := testRuns(t, "", 2, 25, 150)
	rep, err := RunLocal(context.Background(), st, "s", runs, LocalOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 3 {
		t.Fatalf("%d results", len(rep.Results))
	}

	// Run 0: truncated (a half-written file). Run 1: a digit of a metric changed.
	p0, p1 := st.ResultPath(runs[0].ID), st.ResultPath(runs[1].ID)
	data0, _ := os.ReadFile(p0)
	if err := os.WriteFile(p0, data0[:len(data0)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	data1, _ := os.ReadFile(p1)
	i := strings.Index(string(data1), `"score":0.`) + len(`"score":0.`)
	data1[i] = '0' + (data1[i]-'0'+1)%10
	if err := os.WriteFile(p1, data1, 0o644); err != nil {
		t.Fatal(err)
	}
	var c *CorruptError
	if _, err := st.Get(runs[0].ID); !errors.As(err, &c) ||
		!strings.Contains(err.Error(), "not a complete JSON file") {
		t.Errorf("truncated: %v", err)
	}
	if _, err := st.Get(runs[1].ID); !errors.As(err, &c) ||
		!strings.Contains(err.Error(), "checksum") {
		t.Errorf("altered: %v", err)
	}

	var first Progress
	rep, err = RunLocal(context.Background(), st, "s", runs, LocalOptions{Workers: 1,
		Progress: func(p Progress) {
			if first.Total == 0 {
				first = p
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Problems) != 2 || first.Skipped != 1 || first.Pending != 2 {
		t.Fatalf("start of resume: %+v, want 2 problems, 1 skipped, 2 pending", first)
	}
	for _, p := range first.Problems {
		if _, err := os.Stat(p.MovedTo); err != nil || !strings.HasSuffix(p.MovedTo,
			".json.corrupt-1") {
			t.Errorf("problem %v: moved-to file: %v", p, err)
		}
	}
	for _, r := range runs {
		if _, err := st.Get(r.ID); err != nil {
			t.Errorf("after resume, run %s: %v", r.Name, err)
		}
	}
	if rep.Progress.Done != 3 || rep.Progress.Skipped != 1 {
		t.Errorf("final progress %+v", rep.Progress)
	}
}

func TestStoreVersionErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "v2")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "store.json"),
		[]byte(`{"format":"elm-sweep-store","version":2}`), 0o644)
	_, err := OpenStore(dir)
	var ve *VersionError
	want := `store.json has format "elm-sweep-store" version 2; this library reads ` +
		`"elm-sweep-store" version 1`
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}

	// A result file of another version is an error for Scan, not a damaged file to redo.
	st := openTestStore(t)
	runs := testRuns(t, "", 5)
	os.WriteFile(st.ResultPath(runs[0].ID),
		[]byte(`{"format":"elm-sweep-result","version":7,"sha256":"","payload":{}}`), 0o644)
	_, err = st.Scan(runs, false)
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "version 7") {
		t.Errorf("scan error %v", err)
	}
	_, err = RunLocal(context.Background(), st, "s", runs, LocalOptions{})
	if !errors.As(err, &ve) {
		t.Errorf("RunLocal error %v, want a VersionError", err)
	}

	// A directory with other files is not taken over.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o644)
	if _, err := OpenStore(other); err == nil || !strings.Contains(err.Error(),
		"has no store.json: not a sweep store") {
		t.Errorf("open non-store: %v", err)
	}
}

func TestPlanAndLoadRun(t *testing.T) {
	st := openTestStore(t)
	runs := testRuns(t, "", 2, 5)
	if err := st.Plan("s", runs); err != nil {
		t.Fatal(err)
	}
	name, got, err := st.LoadPlan()
	if err != nil {
		t.Fatal(err)
	}
	if name != "s" || len(got) != 2 || got[1].ID != runs[1].ID ||
		string(got[1].Config) != string(runs[1].Config) || got[1].Name != "tau_max=5" {
		t.Fatalf("plan %q %+v", name, got)
	}
	if _, err := st.LoadRun("0123456789abcdef"); !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), "is not planned in store") {
		t.Errorf("unknown run: %v", err)
	}
	if _, err := st.LoadRun("../store"); err == nil {
		t.Error("path-like run ID accepted")
	}
}

func TestConcurrentPutsKeepOneResult(t *testing.T) {
	st := openTestStore(t)
	id := "00000000000000dd"
	const writers = 8
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			errs <- st.Put(&Result{RunID: id, Metrics: map[string]float64{"w": float64(w)}})
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Metrics["w"]; w < 0 || w >= writers || w != math.Trunc(w) {
		t.Errorf("stored w = %g", w)
	}
	entries, _ := os.ReadDir(filepath.Join(st.Dir, "results"))
	if len(entries) != 1 {
		t.Errorf("%d files in results, want 1", len(entries))
	}
}
