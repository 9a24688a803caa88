"""Reference values for the metrics tests, computed with scikit-learn and numpy.

Without scikit-learn the same quantities are computed by plain-numpy versions of the
definitions (an extra check only: it shares the definitions, not sklearn's code). The output's
"source" field says which was used.

Reads {"scores": [...], "labels": [...], "target": [...], "pred": [...], "fprs": [...]}
as JSON on stdin and prints the metrics as JSON. "TP @ FP" and "AUC @ FP" follow the
definitions in the package doc of elmlib/metrics (the ELM authors' evaluation), written here
with numpy on top of sklearn's roc_curve.
"""
import json
import sys

import numpy as np

try:
    from sklearn import metrics
except ImportError:
    metrics = None


def np_roc_curve(y, s):
    """ROC with one point per distinct score, keeping points where a second difference of the
    false- or true-positive counts is non-zero, (0, 0) prepended."""
    thr = np.unique(s)[::-1]
    pos = np.sort(s[y == 1])
    neg = np.sort(s[y == 0])
    tps = (pos.size - np.searchsorted(pos, thr, side="left")).astype(np.float64)
    fps = (neg.size - np.searchsorted(neg, thr, side="left")).astype(np.float64)
    if fps.size > 2:
        bend = (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0)
        keep = np.concatenate(([True], bend, [True]))
        tps, fps = tps[keep], fps[keep]
    tps = np.concatenate(([0.0], tps))
    fps = np.concatenate(([0.0], fps))
    return fps / fps[-1], tps / tps[-1]


def np_partial_auc(fpr, tpr, max_fpr):
    stop = np.searchsorted(fpr, max_fpr, side="right")
    y = np.interp(max_fpr, fpr[stop - 1:stop + 1], tpr[stop - 1:stop + 1])
    area = np.trapz(np.append(tpr[:stop], y), np.append(fpr[:stop], max_fpr))
    lo = 0.5 * max_fpr ** 2
    return 0.5 * (1 + (area - lo) / (max_fpr - lo))


def tp_at(fpr, tpr, f):
    k = int(np.argmin(np.abs(fpr - f)))
    return float(tpr[max(k, 1)])


def auc_at(fpr, tpr, f):
    grid = np.linspace(0.0, 1.0, num=20000)
    curve = np.interp(grid, fpr, tpr)
    k = int(np.argmin(np.abs(grid - f)))
    k = min(max(k, 1), grid.size - 1)
    return float(curve[:k].mean())


def main():
    d = json.load(sys.stdin)
    y = np.asarray(d["labels"], dtype=np.float64)
    s = np.asarray(d["scores"], dtype=np.float64)
    t = np.asarray(d["target"], dtype=np.float64)
    p = np.asarray(d["pred"], dtype=np.float64)
    if metrics is not None:
        fpr, tpr, _ = metrics.roc_curve(y, s)
        out = {
            "source": "sklearn",
            "auc": float(metrics.roc_auc_score(y, s)),
            "partial_auc": [float(metrics.roc_auc_score(y, s, max_fpr=f)) for f in d["fprs"]],
            "rmse": float(np.sqrt(metrics.mean_squared_error(t, p))),
            "mae": float(metrics.mean_absolute_error(t, p)),
            "explained_variance": float(metrics.explained_variance_score(t, p)),
        }
    else:
        fpr, tpr = np_roc_curve(y, s)
        out = {
            "source": "numpy",
            "auc": float(np.trapz(tpr, fpr)),
            "partial_auc": [float(np_partial_auc(fpr, tpr, f)) for f in d["fprs"]],
            "rmse": float(np.sqrt(np.mean((t - p) ** 2))),
            "mae": float(np.mean(np.abs(p - t))),
            "explained_variance": float(1 - np.var(t - p) / np.var(t)),
        }
    out.update({
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        "tp_at": [tp_at(fpr, tpr, f) for f in d["fprs"]],
        "auc_at": [auc_at(fpr, tpr, f) for f in d["fprs"]],
        "rescaled": ((p - p.mean()) / p.std() * t.std() + t.mean()).tolist(),
    })
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
