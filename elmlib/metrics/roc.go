package metrics

import (
	"fmt"
	"math"
	"slices"
)

// ROC is a receiver operating characteristic curve as sklearn.metrics.roc_curve returns it
// (drop_intermediate=True). FPR and TPR start at 0 and end at 1; Thresholds[k] is the lowest
// score counted as positive at point k (Thresholds[0] = +Inf).
type ROC struct {
	FPR, TPR, Thresholds []float64
	// Positives and Negatives count the two classes.
	Positives, Negatives int
}

// ROCCurve computes the ROC curve of scores (higher = more likely positive) against labels
// (true = positive). Tied scores form one point. It fails on empty or mismatched input, a NaN
// score, or when one class is absent (the curve is undefined).
func ROCCurve(scores []float64, positive []bool) (*ROC, error) {
	if len(scores) != len(positive) {
		return nil, fmt.Errorf("metrics: %d scores but %d labels", len(scores), len(positive))
	}
	type item struct {
		score float64
		pos   bool
	}
	items := make([]item, len(scores))
	nPos := 0
	for i, s := range scores {
		if math.IsNaN(s) {
			return nil, fmt.Errorf("metrics: score %d is NaN", i)
		}
		items[i] = item{s, positive[i]}
		if positive[i] {
			nPos++
		}
	}
	nNeg := len(scores) - nPos
	if nPos == 0 || nNeg == 0 {
		return nil, fmt.Errorf("metrics: ROC needs both classes, got %d positives and %d negatives",
			nPos, nNeg)
	}
	slices.SortFunc(items, func(a, b item) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})

	// One point per distinct score: cumulative true and false positives at its last index.
	var tps, fps, thr []float64
	tp, fp := 0.0, 0.0
	for i, it := range items {
		if it.pos {
			tp++
		} else {
			fp++
		}
		if i == len(items)-1 || items[i+1].score != it.score {
			tps, fps, thr = append(tps, tp), append(fps, fp), append(thr, it.score)
		}
	}
	tps, fps, thr = dropCollinear(tps, fps, thr)

	r := &ROC{Positives: nPos, Negatives: nNeg}
	r.FPR = append(make([]float64, 0, len(fps)+1), 0)
	r.TPR = append(make([]float64, 0, len(tps)+1), 0)
	r.Thresholds = append(make([]float64, 0, len(thr)+1), math.Inf(1))
	for k := range fps {
		r.FPR = append(r.FPR, fps[k]/fp)
		r.TPR = append(r.TPR, tps[k]/tp)
		r.Thresholds = append(r.Thresholds, thr[k])
	}
	return r, nil
}

// dropCollinear keeps the first and last points and every point where the curve bends, i.e.
// where the second difference of fps or of tps is non-zero (sklearn's drop_intermediate).
func dropCollinear(tps, fps, thr []float64) (t, f, th []float64) {
	n := len(fps)
	if n <= 2 {
		return tps, fps, thr
	}
	for k := 0; k < n; k++ {
		keep := k == 0 || k == n-1 ||
			(fps[k+1]-fps[k])-(fps[k]-fps[k-1]) != 0 || (tps[k+1]-tps[k])-(tps[k]-tps[k-1]) != 0
		if keep {
			t, f, th = append(t, tps[k]), append(f, fps[k]), append(th, thr[k])
		}
	}
	return t, f, th
}

// ROCAUC is the area under the ROC curve of scores against labels, equal to
// sklearn.metrics.roc_auc_score including ties.
func ROCAUC(scores []float64, positive []bool) (float64, error) {
	r, err := ROCCurve(scores, positive)
	if err != nil {
		return 0, err
	}
	return r.AUC(), nil
}

// AUC is the trapezoid area under the curve (numpy.trapz(TPR, FPR)).
func (r *ROC) AUC() float64 {
	return trapezoid(r.FPR, r.TPR)
}

func trapezoid(x, y []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	parts := make([]float64, len(x)-1)
	for i := range parts {
		parts[i] = (x[i+1] - x[i]) * (y[i+1] + y[i]) / 2.0
	}
	return pairwiseSum(parts)
}

// TPRAt is the authors' "TP @ fpr FP": the TPR at the curve point whose FPR is nearest to fpr
// (the first such point), skipping the prepended point (0, 0).
func (r *ROC) TPRAt(fpr float64) float64 {
	best := 0
	for k, f := range r.FPR {
		if math.Abs(f-fpr) < math.Abs(r.FPR[best]-fpr) {
			best = k
		}
	}
	if best == 0 {
		best = 1
	}
	return r.TPR[best]
}

// AUCGridSize is the number of equally spaced FPRs in [0, 1] on which AUCAt samples the curve.
const AUCGridSize = 20000

// AUCAt is the authors' "AUC @ fpr FP": the mean TPR of the linearly interpolated curve over
// the grid FPRs i/19999 (i = 0, 1, ...) that lie before the grid point nearest to fpr, using at
// least one grid point. For a curve that is a straight line from (0, a) this is close to
// a + slope·fpr/2. It lies in [0, 1].
func (r *ROC) AUCAt(fpr float64) float64 {
	step := 1.0 / float64(AUCGridSize-1)
	grid := make([]float64, AUCGridSize)
	nearest := 0
	for i := range grid {
		grid[i] = float64(i) * step
		if i == AUCGridSize-1 {
			grid[i] = 1
		}
		if math.Abs(grid[i]-fpr) < math.Abs(grid[nearest]-fpr) {
			nearest = i
		}
	}
	n := min(max(1, nearest), AUCGridSize-1)
	tpr := make([]float64, n)
	for i := range tpr {
		tpr[i] = interp(grid[i], r.FPR, r.TPR)
	}
	return mean(tpr)
}

// interp is numpy.interp(x, xp, fp) for non-decreasing xp: with repeated xp values the last
// point at or below x is used.
func interp(x float64, xp, fp []float64) float64 {
	n := len(xp)
	if x < xp[0] {
		return fp[0]
	}
	if x > xp[n-1] {
		return fp[n-1]
	}
	// j = largest index with xp[j] <= x.
	j := sortSearch(n, func(i int) bool { return xp[i] > x }) - 1
	if j == n-1 || xp[j] == x {
		return fp[j]
	}
	slope := (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])
	return slope*(x-xp[j]) + fp[j]
}

func sortSearch(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// StandardizedPartialAUC is sklearn's roc_auc_score(max_fpr=maxFPR): the area under the curve
// up to maxFPR (the curve cut by linear interpolation), McClish-standardized so that 0.5 is
// chance and 1 is perfect. maxFPR must be in (0, 1]; at 1 it is the full AUC.
func (r *ROC) StandardizedPartialAUC(maxFPR float64) (float64, error) {
	if !(maxFPR > 0 && maxFPR <= 1) {
		return 0, fmt.Errorf("metrics: max FPR %v outside (0, 1]", maxFPR)
	}
	if maxFPR == 1 {
		return r.AUC(), nil
	}
	stop := sortSearch(len(r.FPR), func(i int) bool { return r.FPR[i] > maxFPR })
	xs := append(slices.Clone(r.FPR[:stop]), maxFPR)
	y := interp(maxFPR, r.FPR[stop-1:stop+1], r.TPR[stop-1:stop+1])
	ys := append(slices.Clone(r.TPR[:stop]), y)
	area := trapezoid(xs, ys)
	minArea := 0.5 * maxFPR * maxFPR
	return 0.5 * (1 + (area-minArea)/(maxFPR-minArea)), nil
}
