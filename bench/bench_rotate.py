#!/usr/bin/env python3
"""The alm rotation against healpy's: T, E and B alm at each lmax rotated
from Galactic to equatorial by skymodel (build/bench/bench_rotate, one
process per run) and by healpy's Rotator(coord=["G", "C"]).rotate_alm, runs
interleaved (ours, healpy's, ours, ...), the best of REPS each; both on the
threads of OMP_NUM_THREADS (default 2). healpy is left out above
--healpy-max (default 2560: it takes minutes beyond).

With --check build/tests/rotate_alm_tool, healpy's rotated alm of the last
run at each lmax are compared with ours from the same input (max |diff| over
the RMS of healpy's alm).

usage: /usr/bin/python3 bench/bench_rotate.py build/bench/bench_rotate \
           [--lmax 1280,2560,5120,10240] [--reps 3] [--healpy-max 2560] \
           [--check build/tests/rotate_alm_tool]
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
import healpy as hp  # noqa: E402 (after the thread count)
import numpy as np  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("bench")
ap.add_argument("--lmax", default="1280,2560,5120,10240")
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--healpy-max", type=int, default=2560)
ap.add_argument("--check", help="rotate_alm_tool: compare the results with healpy's")
args = ap.parse_args()


def ours(lmax):
    out = subprocess.run([args.bench, str(lmax)], check=True, capture_output=True,
                         text=True).stdout
    t = float(re.search(r"rotation ([0-9.]+) s", out).group(1))
    rss = float(re.search(r"peak RSS ([0-9.]+) MB", out).group(1))
    alm = float(re.search(r"alm ([0-9.]+) MB", out).group(1))
    return t, alm, rss


def healpys(lmax):
    rng = np.random.default_rng(1)
    n = hp.Alm.getsize(lmax)
    alm = rng.uniform(-0.5, 0.5, (3, n)) + 1j * rng.uniform(-0.5, 0.5, (3, n))
    alm[:, :lmax + 1] = alm[:, :lmax + 1].real
    before = alm.copy() if args.check else None
    rot = hp.Rotator(coord=["G", "C"])
    t0 = time.perf_counter()
    rot.rotate_alm(alm, inplace=True)
    t = time.perf_counter() - t0
    err = None
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "in"), os.path.join(tmp, "out")
            before.tofile(src)
            subprocess.run([args.check, "G:C", str(lmax), "3", src, dst], check=True)
            mine = np.fromfile(dst, dtype=np.complex128).reshape(alm.shape)
        err = np.abs(mine - alm).max() / np.sqrt((np.abs(alm) ** 2).mean())
    return t, err


print(f"healpy {hp.__version__}, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, "
      f"best of {args.reps}")
print("| lmax | skymodel | healpy rotate_alm | ratio | alm (TEB) | skymodel peak RSS "
      "| max diff / RMS |")
print("|---|---|---|---|---|---|---|")
for lmax in [int(x) for x in args.lmax.split(",")]:
    mine, theirs, err = [], [], None
    for _ in range(args.reps):
        t, alm, rss = ours(lmax)
        mine.append(t)
        if lmax <= args.healpy_max:
            t, err = healpys(lmax)
            theirs.append(t)
    a = min(mine)
    e = "-" if err is None else f"{err:.1e}"
    if theirs:
        b = min(theirs)
        print(f"| {lmax} | {a:.3f} s | {b:.2f} s | {b / a:.1f} | {alm:.0f} MB | {rss:.0f} MB "
              f"| {e} |", flush=True)
    else:
        print(f"| {lmax} | {a:.3f} s | - | - | {alm:.0f} MB | {rss:.0f} MB | - |", flush=True)
