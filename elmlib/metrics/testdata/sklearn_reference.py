"""Reference values for the metrics tests, computed with scikit-learn and numpy.

Reads {"scores": [...], "labels": [...], "target": [...], "pred": [...], "fprs": [...]}
as JSON on stdin and prints the metrics as JSON. "TP @ FP" and "AUC @ FP" follow the
definitions in the package doc of elmlib/metrics (the ELM authors' evaluation), written here
with numpy on top of sklearn's roc_curve.
"""
import json
import sys

import numpy as np
from sklearn import metrics


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
    fpr, tpr, _ = metrics.roc_curve(y, s)
    t = np.asarray(d["target"], dtype=np.float64)
    p = np.asarray(d["pred"], dtype=np.float64)
    out = {
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        "auc": float(metrics.roc_auc_score(y, s)),
        "tp_at": [tp_at(fpr, tpr, f) for f in d["fprs"]],
        "auc_at": [auc_at(fpr, tpr, f) for f in d["fprs"]],
        "partial_auc": [float(metrics.roc_auc_score(y, s, max_fpr=f)) for f in d["fprs"]],
        "rmse": float(np.sqrt(metrics.mean_squared_error(t, p))),
        "mae": float(metrics.mean_absolute_error(t, p)),
        "explained_variance": float(metrics.explained_variance_score(t, p)),
        "rescaled": ((p - p.mean()) / p.std() * t.std() + t.mean()).tolist(),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
