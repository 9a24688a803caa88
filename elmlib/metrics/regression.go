package metrics

import (
	"fmt"
	"math"
)

func checkPair(target, pred []float64) error {
	if len(target) != len(pred) {
		return fmt.Errorf("metrics: %d targets but %d predictions", len(target), len(pred))
	}
	if len(target) == 0 {
		return fmt.Errorf("metrics: no values to score")
	}
	for i := range target {
		if math.IsNaN(target[i]) || math.IsNaN(pred[i]) {
			return fmt.Errorf("metrics: NaN at index %d (target %v, prediction %v)", i,
				target[i], pred[i])
		}
	}
	return nil
}

// RMSE is the root mean squared error sqrt(mean((target-pred)²)).
func RMSE(target, pred []float64) (float64, error) {
	if err := checkPair(target, pred); err != nil {
		return 0, err
	}
	sq := make([]float64, len(target))
	for i := range target {
		d := target[i] - pred[i]
		sq[i] = d * d
	}
	return math.Sqrt(mean(sq)), nil
}

// MAE is the mean absolute error mean(|target-pred|).
func MAE(target, pred []float64) (float64, error) {
	if err := checkPair(target, pred); err != nil {
		return 0, err
	}
	ab := make([]float64, len(target))
	for i := range target {
		ab[i] = math.Abs(pred[i] - target[i])
	}
	return mean(ab), nil
}

// ExplainedVariance is sklearn's explained_variance_score: 1 - Var(target-pred)/Var(target)
// with population variances. A constant target gives 1 if the residual is constant too, else 0.
func ExplainedVariance(target, pred []float64) (float64, error) {
	if err := checkPair(target, pred); err != nil {
		return 0, err
	}
	diff := make([]float64, len(target))
	for i := range target {
		diff[i] = target[i] - pred[i]
	}
	dm := mean(diff)
	tm := mean(target)
	num := make([]float64, len(target))
	den := make([]float64, len(target))
	for i := range target {
		num[i] = (diff[i] - dm) * (diff[i] - dm)
		den[i] = (target[i] - tm) * (target[i] - tm)
	}
	n, d := mean(num), mean(den)
	switch {
	case d != 0:
		return 1 - n/d, nil
	case n == 0:
		return 1, nil
	}
	return 0, nil
}

// RescaleToTarget z-scores pred and maps it to target's mean and standard deviation:
// (pred - mean(pred)) / std(pred) · std(target) + mean(target), computed in place.
// A constant pred cannot be z-scored and gives an error.
func RescaleToTarget(target, pred []float64) error {
	if err := checkPair(target, pred); err != nil {
		return err
	}
	mt, st := meanStd(target)
	mp, sp := meanStd(pred)
	if sp == 0 {
		return fmt.Errorf("metrics: cannot rescale a constant prediction (%v)", mp)
	}
	for i, v := range pred {
		pred[i] = st*((v-mp)/sp) + mt
	}
	return nil
}
