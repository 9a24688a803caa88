package metrics

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// TestAgainstSklearn compares every metric with scikit-learn (testdata/sklearn_reference.py)
// on 20000 scores with heavy ties (rounded to 2 decimals) and 3 % positives. Without sklearn
// the script falls back to plain-numpy versions of the definitions (a weaker, extra check);
// without numpy the test is skipped (Debian: apt-get install python3-sklearn).
func TestAgainstSklearn(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import numpy").Run() != nil {
		t.Skip("/usr/bin/python3 with numpy not available")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	n := 20000
	in := struct {
		Scores []float64 `json:"scores"`
		Labels []int     `json:"labels"`
		Target []float64 `json:"target"`
		Pred   []float64 `json:"pred"`
		FPRs   []float64 `json:"fprs"`
	}{FPRs: []float64{0.0025, 0.01}}
	labels := make([]bool, n)
	for i := 0; i < n; i++ {
		pos := rng.Float64() < 0.03
		s := rng.NormFloat64()
		if pos {
			s += 2.5
		}
		in.Scores = append(in.Scores, math.Round(s*100)/100)
		labels[i] = pos
		l := 0
		if pos {
			l = 1
		}
		in.Labels = append(in.Labels, l)
		v := -70 + 5*rng.NormFloat64()
		in.Target = append(in.Target, v)
		in.Pred = append(in.Pred, 0.8*v+3*rng.NormFloat64()+10)
	}
	var stdin bytes.Buffer
	if err := json.NewEncoder(&stdin).Encode(in); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "testdata/sklearn_reference.py")
	cmd.Stdin = &stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference script: %v\n%s", err, stderr.String())
	}
	var ref struct {
		Source            string
		FPR, TPR          []float64
		AUC               float64   `json:"auc"`
		TPAt              []float64 `json:"tp_at"`
		AUCAt             []float64 `json:"auc_at"`
		PartialAUC        []float64 `json:"partial_auc"`
		RMSE              float64   `json:"rmse"`
		MAE               float64   `json:"mae"`
		ExplainedVariance float64   `json:"explained_variance"`
		Rescaled          []float64 `json:"rescaled"`
	}
	if err := json.Unmarshal(outb, &ref); err != nil {
		t.Fatal(err)
	}

	r, err := ROCCurve(in.Scores, labels)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.FPR) != len(ref.FPR) {
		t.Fatalf("curve has %d points, sklearn %d", len(r.FPR), len(ref.FPR))
	}
	for k := range r.FPR {
		if r.FPR[k] != ref.FPR[k] || r.TPR[k] != ref.TPR[k] {
			t.Fatalf("point %d: (%v, %v), sklearn (%v, %v)", k, r.FPR[k], r.TPR[k],
				ref.FPR[k], ref.TPR[k])
		}
	}
	check := func(name string, got, want float64) {
		t.Helper()
		if !near(got, want) {
			t.Errorf("%s: %.17g, reference %.17g", name, got, want)
		}
	}
	check("AUC", r.AUC(), ref.AUC)
	for i, f := range in.FPRs {
		check("TP at FP", r.TPRAt(f), ref.TPAt[i])
		check("AUC at FP", r.AUCAt(f), ref.AUCAt[i])
		p, err := r.StandardizedPartialAUC(f)
		if err != nil {
			t.Fatal(err)
		}
		check("partial AUC", p, ref.PartialAUC[i])
	}
	rmse, _ := RMSE(in.Target, in.Pred)
	mae, _ := MAE(in.Target, in.Pred)
	ev, _ := ExplainedVariance(in.Target, in.Pred)
	check("RMSE", rmse, ref.RMSE)
	check("MAE", mae, ref.MAE)
	check("explained variance", ev, ref.ExplainedVariance)
	pred := append([]float64(nil), in.Pred...)
	if err := RescaleToTarget(in.Target, pred); err != nil {
		t.Fatal(err)
	}
	for i := range pred {
		if !near(pred[i], ref.Rescaled[i]) {
			t.Fatalf("rescaled[%d] = %v, reference %v", i, pred[i], ref.Rescaled[i])
		}
	}
	t.Logf("reference: %s", ref.Source)
	t.Logf("AUC %.6f, TP@0.25%% %.4f, AUC@0.25%% %.4f, TP@1%% %.4f, AUC@1%% %.4f, EV %.4f",
		r.AUC(), r.TPRAt(0.0025), r.AUCAt(0.0025), r.TPRAt(0.01), r.AUCAt(0.01), ev)
}
