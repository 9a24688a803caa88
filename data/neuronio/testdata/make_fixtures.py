"""Write small NeuronIO files in the format of the Kaggle data set, for data/neuronio's tests.

Run with Debian's python3 and python3-numpy:  /usr/bin/python3 make_fixtures.py [OUTDIR]

The real files were written by Python 2 with pickle protocol 2. Python 3 writes byte strings
differently (as _codecs.encode calls), so py2_style_pickle() emits byte strings and ASCII
text with Python 2's opcodes (SHORT_BINSTRING / BINSTRING) to reproduce the original bytes
layout. The files:

  small.p        3 simulations of 1 s, 639 segments, Python-2 layout as in the real data:
                 spike-time dicts keyed by numpy.int64 with lists of numpy.int64 ms,
                 somaVoltageLowRes float16 [1000], outputSpikeTimes float16 (ms), extra
                 high-resolution arrays that the loader skips.
  py3.p          2 simulations written by Python 3's own protocol-2 pickler: int keys,
                 float64 arrays of spike times, a big-endian float32 soma trace.
  missing_key.p  2 sparse simulations in the layout of small.p; simulation 1 has no
                 somaVoltageLowRes.
  truncated.p    the same 2 simulations (complete), cut after 60 % of the bytes.
  expected.json  what a loader must produce from small.p and py3.p, computed here with the
                 authors' conventions: input spike at time t -> bin t (the times are whole
                 ms), output spike at t -> bin int(t - 0.5), rows 0..638 excitatory and
                 639..1277 inhibitory.
"""
import io
import json
import os
import pickle
import struct
import sys

import numpy as np

SEGMENTS = 639


class Py2StylePickler(pickle._Pickler):
    """Protocol-2 pickler that writes bytes and ASCII str the way Python 2 wrote str."""

    def _save_py2_str(self, raw):
        n = len(raw)
        if n < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([n]) + raw)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", n) + raw)

    def save_bytes(self, obj):
        self._save_py2_str(obj)
        self.memoize(obj)

    def save_str(self, obj):
        if obj.isascii():
            self._save_py2_str(obj.encode("ascii"))
            self.memoize(obj)
        else:
            super().save_str(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_bytes
    dispatch[str] = save_str


def py2_style_pickle(obj):
    buf = io.BytesIO()
    Py2StylePickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def spike_map(rng, rate_hz, duration_ms, as_numpy_scalars):
    """Segment -> spike times in ms, built like the original simulation code (np.nonzero)."""
    spikes = rng.random((SEGMENTS, duration_ms)) < rate_hz / 1000.0
    segs, times = np.nonzero(spikes)
    out = {}
    for s, t in zip(segs, times):
        if not as_numpy_scalars:
            s, t = int(s), float(t)
        out.setdefault(s, []).append(t)
    if not as_numpy_scalars:
        out = {s: np.array(v, dtype=np.float64) for s, v in out.items()}
    return out


def simulation(rng, duration_ms, py2_layout, big_endian_soma=False, rate_scale=1.0):
    t = np.arange(duration_ms)
    soma = -70 + 4 * np.sin(t / 37.0) + rng.normal(0, 0.5, duration_ms)
    n_out = int(rng.integers(1, 6))
    out_times = np.sort(rng.uniform(0.2, duration_ms - 0.6, n_out))
    out_times[0] = 0.3  # int(0.3 - 0.5) = 0: truncation towards zero, not floor
    for ot in out_times:
        soma[int(ot)] = 20.0
    sim = {
        "exInputSpikeTimes": spike_map(rng, 1.2 * rate_scale, duration_ms, py2_layout),
        "inhInputSpikeTimes": spike_map(rng, 1.6 * rate_scale, duration_ms, py2_layout),
        "outputSpikeTimes": out_times.astype(np.float16),
    }
    if big_endian_soma:
        sim["somaVoltageLowRes"] = soma.astype(">f4")
    else:
        sim["somaVoltageLowRes"] = soma.astype(np.float16)
    if py2_layout and rate_scale == 1.0:
        sim["recordingTimeLowRes"] = t.astype(np.float32)
        sim["somaVoltageHighRes"] = np.repeat(soma, 8).astype(np.float16)
    return sim


def experiment(rng, n_sims, duration_s, py2_layout, big_endian_soma=False, rate_scale=1.0):
    params = {
        "numSimulations": n_sims,
        "totalSimDurationInSec": duration_s,
        "allSegmentsType": ["basal"] * 262 + ["apical"] * (SEGMENTS - 262),
        "allSegmentsLength": [5.5] * SEGMENTS,
        "excitatorySynapseType": "NMDA",
        "inhibitorySynapseType": "GABA_A",
    }
    sims = [simulation(rng, duration_s * 1000, py2_layout, big_endian_soma, rate_scale)
            for _ in range(n_sims)]
    return {"Params": params, "Results": {"listOfSingleSimulationDicts": sims}}


def expected(exp):
    """The loader's output, by the authors' conventions."""
    out = []
    for sim in exp["Results"]["listOfSingleSimulationDicts"]:
        rows = [[] for _ in range(2 * SEGMENTS)]
        for offset, key in ((0, "exInputSpikeTimes"), (SEGMENTS, "inhInputSpikeTimes")):
            for seg, times in sim[key].items():
                rows[offset + int(seg)] = sorted({int(t) for t in times})
        out_bins = (sim["outputSpikeTimes"].astype(float) - 0.5).astype(int)
        out.append({
            "inputs": rows,
            "soma": [float(v) for v in sim["somaVoltageLowRes"].astype(np.float32)],
            "output": sorted({int(b) for b in out_bins}),
        })
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(20240)
    small = experiment(rng, 3, 1, py2_layout=True)
    py3 = experiment(rng, 2, 1, py2_layout=False, big_endian_soma=True)

    sparse = experiment(rng, 2, 1, py2_layout=True, rate_scale=0.2)
    sparse_bytes = py2_style_pickle(sparse)
    files = {
        "small.p": py2_style_pickle(small),
        "py3.p": pickle.dumps(py3, protocol=2),
        "truncated.p": sparse_bytes[: int(len(sparse_bytes) * 0.6)],
    }
    del sparse["Results"]["listOfSingleSimulationDicts"][1]["somaVoltageLowRes"]
    files["missing_key.p"] = py2_style_pickle(sparse)

    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    # Check that Python itself reads the files back as the authors' loader does.
    with open(os.path.join(outdir, "small.p"), "rb") as f:
        back = pickle.load(f, encoding="latin1")
    assert len(back["Results"]["listOfSingleSimulationDicts"]) == 3

    rng = np.random.default_rng(20240)  # rebuild small.p's data for the expectation
    small = experiment(rng, 3, 1, py2_layout=True)
    py3 = experiment(rng, 2, 1, py2_layout=False, big_endian_soma=True)
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump({"small.p": expected(small), "py3.p": expected(py3)}, f,
                  separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
