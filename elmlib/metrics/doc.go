// Package metrics scores NeuronIO-style predictions: spike detection (ROC AUC, true-positive
// rate and partial AUC at low false-positive rates) and somatic voltage (RMSE, MAE, explained
// variance), and runs the evaluation protocol of the ELM paper on any model through a
// Predictor callback.
//
// # Definitions
//
// All arithmetic is float64. Means are sums in numpy's pairwise order divided by the count,
// so results agree with numpy/sklearn to a few ulps (the ROC metrics, RMSE and explained
// variance matched sklearn 1.2 bit for bit in our tests).
//
//   - ROCCurve is sklearn.metrics.roc_curve with drop_intermediate=True: scores sorted in
//     decreasing order, one point per distinct score (tied scores move the curve diagonally),
//     points dropped where neither count of false nor of true positives changes its step
//     (zero second differences), (0, 0) prepended. Thresholds[0] is +Inf.
//   - ROC.AUC is the trapezoid area under that curve, equal to sklearn's roc_auc_score (and so
//     to P(score⁺ > score⁻) + ½·P(score⁺ = score⁻)).
//   - ROC.TPRAt(f) is the authors' "TP @ f FP": the TPR of the curve point whose FPR is
//     nearest to f (first on ties), but never the prepended point 0.
//   - ROC.AUCAt(f) is the authors' "AUC @ f FP": the curve is linearly interpolated (numpy
//     interp) on 20000 equally spaced FPRs in [0, 1]; the result is the mean TPR over the grid
//     points before the one nearest to f (at least one point). It is a mean TPR in [0, 1], not
//     an area; sklearn's standardized partial AUC is ROC.StandardizedPartialAUC.
//   - RMSE, MAE: sqrt(mean((t-p)²)) and mean(|t-p|).
//   - ExplainedVariance: 1 - Var(t-p)/Var(t) (population variances), as
//     sklearn.metrics.explained_variance_score; 1 if both variances are 0, 0 if only Var(t) is.
//
// # Evaluation protocol
//
// AuthorsProtocol reproduces the NeuronIO evaluation of the ELM paper (and of Beniaguev et
// al.): each simulation is cut into windows of 500 ms that overlap by a burn-in of 150 ms; the
// model starts from a fresh state in every window and the first 150 outputs of every window but
// the first are discarded; the last window is padded with silence. The soma target is clipped
// at -55 mV. The stitched soma prediction is z-scored and rescaled to the mean and standard
// deviation of the target over all simulations given to one Predict call (the authors do this
// per test file). Simulations with more than 24 output spikes (counted over the whole
// simulation) are dropped and the first 500 ms of every simulation are ignored before scoring.
// RawProtocol keeps the same windows and clipping but drops nothing, ignores nothing and does
// not rescale, so it shows the model's own voltage scale.
//
// Limitations: all simulations given to one Predict call must have the same duration; a
// simulation shorter than the window is evaluated in one padded window. Predictions are held in
// memory (four float64 per simulated millisecond, copied once more while scoring).
package metrics
