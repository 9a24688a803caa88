package metrics

import (
	"math"
	"strings"
	"testing"
)

const tol = 1e-12

func near(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

// tieCase: positives score 0.35, 0.8, 0.4; negatives 0.1, 0.4 (a tie at 0.4).
// Worked out by hand: of the 6 (positive, negative) pairs, 0.35 beats 0.1 and loses to 0.4,
// 0.8 beats both, 0.4 beats 0.1 and ties 0.4 (counts ½): AUC = 4.5/6 = 0.75.
// Thresholds 0.8, 0.4, 0.35, 0.1 give (fp, tp) = (0,1), (1,2), (1,3), (2,3): the tie moves the
// curve diagonally. No three consecutive points are collinear, so the curve is
// FPR (0, 0, ½, ½, 1), TPR (0, ⅓, ⅔, 1, 1) and the trapezoids give ½·(⅓+⅔)/2 + ½·2/2 = 0.75.
var tieScores = []float64{0.1, 0.4, 0.35, 0.8, 0.4}
var tieLabels = []bool{false, false, true, true, true}

func TestROCCurveTies(t *testing.T) {
	r, err := ROCCurve(tieScores, tieLabels)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSlices(r.FPR, []float64{0, 0, 0.5, 0.5, 1}) ||
		!equalSlices(r.TPR, []float64{0, 1.0 / 3, 2.0 / 3, 1, 1}) {
		t.Errorf("curve FPR %v TPR %v", r.FPR, r.TPR)
	}
	if !math.IsInf(r.Thresholds[0], 1) ||
		!equalSlices(r.Thresholds[1:], []float64{0.8, 0.4, 0.35, 0.1}) {
		t.Errorf("thresholds %v", r.Thresholds)
	}
	if got := r.AUC(); !near(got, 0.75) {
		t.Errorf("AUC %v, want 0.75", got)
	}
}

func TestROCAUCTable(t *testing.T) {
	cases := []struct {
		scores []float64
		labels []bool
		want   float64 // P(s+ > s-) + ½ P(s+ = s-), counted by hand
	}{
		{[]float64{0.9, 0.8, 0.2, 0.1}, []bool{true, true, false, false}, 1},         // 0
		{[]float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0},         // 1
		{[]float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5},       // 2: all tied
		{[]float64{1, 1, 0, 0, 1}, []bool{true, false, false, true, true}, 7.0 / 12}, // 3
		// 3: positives 1,0,1, negatives 1,0: pairs (1,1)½ (1,0)1 (0,1)0 (0,0)½ (1,1)½ (1,0)1
		//    = 3.5/6.
		{[]float64{3, 2, 1}, []bool{true, false, true}, 0.5}, // 4: 3>2 wins, 1<2 loses
	}
	cases[3].want = 3.5 / 6
	for i, c := range cases {
		got, err := ROCAUC(c.scores, c.labels)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !near(got, c.want) {
			t.Errorf("case %d: AUC %v, want %v", i, got, c.want)
		}
	}
}

// TestDropIntermediate: labels by decreasing score 1,1,1,0,0 give (fp, tp) = (0,1), (0,2),
// (0,3), (1,3), (2,3); the points (0,2) and (1,3) lie on straight segments and are dropped.
func TestDropIntermediate(t *testing.T) {
	r, err := ROCCurve([]float64{5, 4, 3, 2, 1}, []bool{true, true, true, false, false})
	if err != nil {
		t.Fatal(err)
	}
	if !equalSlices(r.FPR, []float64{0, 0, 0, 1}) ||
		!equalSlices(r.TPR, []float64{0, 1.0 / 3, 1, 1}) ||
		!equalSlices(r.Thresholds[1:], []float64{5, 3, 1}) {
		t.Errorf("FPR %v TPR %v thresholds %v", r.FPR, r.TPR, r.Thresholds)
	}
}

func TestTPRAndAUCAtFPR(t *testing.T) {
	r, err := ROCCurve(tieScores, tieLabels)
	if err != nil {
		t.Fatal(err)
	}
	// FPR (0, 0, ½, ½, 1): 0.01 is nearest to the first 0, which is replaced by the next point.
	if got := r.TPRAt(0.01); !near(got, 1.0/3) {
		t.Errorf("TPR at 1%% FPR %v, want 1/3", got)
	}
	if got := r.TPRAt(0.45); !near(got, 2.0/3) {
		t.Errorf("TPR at 45%% FPR %v, want 2/3 (first point with FPR ½)", got)
	}
	// Grid x_i = i/19999; nearest to 0.01 is i = 200, so the mean runs over i = 0..199.
	// There TPR(x) = ⅓ + ⅔·x (the segment from (0, ⅓) to (½, ⅔); x = 0 takes the last point at
	// FPR 0, TPR ⅓), so the mean is ⅓ + ⅔·(199·200/2)/19999/200 = ⅓ + ⅔·99.5/19999.
	want := 1.0/3 + 2.0/3*99.5/19999
	if got := r.AUCAt(0.01); !near(got, want) {
		t.Errorf("AUC at 1%% FPR %v, want %v", got, want)
	}
	// 0.0025·19999 = 49.9975, so 50 grid points: ⅓ + ⅔·(49·50/2)/19999/50.
	want = 1.0/3 + 2.0/3*24.5/19999
	if got := r.AUCAt(0.0025); !near(got, want) {
		t.Errorf("AUC at 0.25%% FPR %v, want %v", got, want)
	}
	// sklearn's standardized partial AUC up to FPR ½: area ½·(⅓+⅔)/2 = ¼, min ⅛, max ½:
	// ½·(1 + (¼-⅛)/(½-⅛)) = ½·(1 + ⅓) = ⅔.
	got, err := r.StandardizedPartialAUC(0.5)
	if err != nil || !near(got, 2.0/3) {
		t.Errorf("partial AUC %v (%v), want 2/3", got, err)
	}
}

func TestROCErrors(t *testing.T) {
	cases := []struct {
		scores []float64
		labels []bool
		want   string
	}{
		{[]float64{1, 2}, []bool{true}, "2 scores but 1 labels"},
		{[]float64{1, math.NaN()}, []bool{true, false}, "score 1 is NaN"},
		{[]float64{1, 2}, []bool{true, true}, "2 positives and 0 negatives"},
		{nil, nil, "0 positives and 0 negatives"},
	}
	for i, c := range cases {
		_, err := ROCCurve(c.scores, c.labels)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("case %d: error %v, want %q", i, err, c.want)
		}
	}
}

func TestRegression(t *testing.T) {
	target := []float64{1, 2, 3, 4}
	pred := []float64{2, 2, 2, 6}
	// errors t-p: -1, 0, 1, -2. RMSE = sqrt((1+0+1+4)/4) = sqrt(1.5); MAE = 4/4 = 1.
	// mean error -½, Var(t-p) = (¼+¼+9/4+9/4)/4 = 5/4; Var(t) = 5/4 → EV = 0.
	if got, _ := RMSE(target, pred); !near(got, math.Sqrt(1.5)) {
		t.Errorf("RMSE %v", got)
	}
	if got, _ := MAE(target, pred); !near(got, 1) {
		t.Errorf("MAE %v", got)
	}
	if got, _ := ExplainedVariance(target, pred); !near(got, 0) {
		t.Errorf("explained variance %v, want 0", got)
	}
	// A constant offset explains all the variance.
	if got, _ := ExplainedVariance(target, []float64{11, 12, 13, 14}); !near(got, 1) {
		t.Errorf("explained variance of shifted target %v, want 1", got)
	}
	// Constant target: 1 if the residual is constant, else 0 (sklearn's force_finite).
	if got, _ := ExplainedVariance([]float64{3, 3}, []float64{1, 1}); got != 1 {
		t.Errorf("constant target and residual: %v, want 1", got)
	}
	if got, _ := ExplainedVariance([]float64{3, 3}, []float64{1, 2}); got != 0 {
		t.Errorf("constant target: %v, want 0", got)
	}
	// Rescaling 0, 2 onto a target with mean 2.5 and std 1.5 (values 1, 4) gives 1, 4.
	p := []float64{0, 2}
	if err := RescaleToTarget([]float64{1, 4}, p); err != nil || !equalSlices(p, []float64{1, 4}) {
		t.Errorf("rescaled %v (%v)", p, err)
	}
	if err := RescaleToTarget([]float64{1, 4}, []float64{2, 2}); err == nil {
		t.Error("rescaling a constant prediction should fail")
	}
	if _, err := RMSE([]float64{1}, []float64{math.NaN()}); err == nil ||
		!strings.Contains(err.Error(), "NaN at index 0") {
		t.Errorf("NaN error %v", err)
	}
}

// TestPairwiseSumOrder: with n = 9 numpy keeps 8 partial sums ((x0+x1)+(x2+x3))+((x4+x5)+
// (x6+x7)) and adds x8 last. For 1e16 followed by eight ones this keeps some of the ones that a
// left-to-right sum loses (1e16 + 1 rounds back to 1e16).
func TestPairwiseSumOrder(t *testing.T) {
	x := []float64{1e16, 1, 1, 1, 1, 1, 1, 1, 1}
	one := 1.0
	want := ((x[0] + one) + (one + one)) + ((one + one) + (one + one)) + one
	got := pairwiseSum(x)
	if got != want {
		t.Errorf("pairwise sum %v, want %v", got, want)
	}
	seq := 0.0
	for _, v := range x {
		seq += v
	}
	if got == seq {
		t.Errorf("pairwise sum %v equals the left-to-right sum; the test input is too weak", got)
	}
}
