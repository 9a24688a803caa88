#!/usr/bin/python3
"""Convert a Spiking Heidelberg Digits HDF5 file to the binary format read by
seqtasks.ReadSHD (Go has no HDF5 reader available here).

Usage (Debian: apt-get install python3-h5py):

    /usr/bin/python3 shd_to_bin.py shd_train.h5 shd_train.bin

Input layout (as published by Cramer et al. 2020): dataset `labels` [n] integers,
group `spikes` with ragged datasets `times` (seconds, float) and `units` (channel ids)
holding one variable-length array per sample. Other datasets (`extra/...`) are ignored.

Output, all little-endian:
    4 bytes  magic b"SHD1"
    uint32   number of samples n
    uint32   number of channels (700 for SHD, or --channels)
    uint32   total number of spikes m
    uint16   n labels
    uint32   n spike counts, one per sample
    float32  m spike times in seconds, sample after sample
    uint16   m channel ids, in the same order
"""
import argparse
import struct
import sys

import h5py
import numpy as np


def convert(src, dst, channels):
    with h5py.File(src, "r") as f:
        labels = np.asarray(f["labels"][:])
        times = f["spikes"]["times"]
        units = f["spikes"]["units"]
        n = len(labels)
        if len(times) != n or len(units) != n:
            raise ValueError(
                f"{src}: {n} labels but {len(times)} time and {len(units)} unit arrays")
        t_all, u_all, counts = [], [], np.zeros(n, dtype="<u4")
        for i in range(n):
            t = np.asarray(times[i], dtype="<f4")
            u = np.asarray(units[i])
            if len(t) != len(u):
                raise ValueError(f"{src}: sample {i} has {len(t)} times but {len(u)} units")
            if len(u) and (u.min() < 0 or u.max() >= channels):
                raise ValueError(f"{src}: sample {i} has a unit outside 0..{channels - 1}")
            counts[i] = len(t)
            t_all.append(t)
            u_all.append(u.astype("<u2"))
    t_cat = np.concatenate(t_all) if t_all else np.zeros(0, "<f4")
    u_cat = np.concatenate(u_all) if u_all else np.zeros(0, "<u2")
    with open(dst, "wb") as out:
        out.write(b"SHD1")
        out.write(struct.pack("<III", n, channels, len(t_cat)))
        out.write(labels.astype("<u2").tobytes())
        out.write(counts.tobytes())
        out.write(t_cat.astype("<f4").tobytes())
        out.write(u_cat.astype("<u2").tobytes())


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("src", help="SHD HDF5 file, e.g. shd_train.h5")
    p.add_argument("dst", help="output binary file")
    p.add_argument("--channels", type=int, default=700, help="number of input channels")
    a = p.parse_args()
    try:
        convert(a.src, a.dst, a.channels)
    except (OSError, KeyError, ValueError) as e:
        print(f"shd_to_bin: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
