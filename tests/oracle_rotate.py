#!/usr/bin/env python3
"""Oracle: skymodel's alm rotation (sky_rotate_alm) equals healpy's
Rotator(coord=(a, b)).rotate_alm, to 1e-10 of the alm RMS, for every pair of
G, C and E both ways, at small, odd and even lmax (and two pairs at 301), for
T alone and for T, E and B; and the distributed rotation (each process's
degrees, summed) is the serial one to the bit.
usage: oracle_rotate.py ROTATE_ALM_TOOL   (exit 77 without healpy)
"""
import os
import subprocess
import sys
import tempfile

# healpy on one thread: its OpenMP barriers spin, which on a busy machine
# costs seconds per call; the tool keeps the caller's threads
tool_env = dict(os.environ)
os.environ["OMP_NUM_THREADS"] = "1"
try:
    import healpy as hp
    import numpy as np
except ImportError:
    print("healpy not available: skipped")
    sys.exit(77)

tool = sys.argv[1]
rng = np.random.default_rng(21)
pairs = [(a, b) for a in "GCE" for b in "GCE" if a != b]
failures = 0


def random_alm(lmax, ncomp):
    nalm = hp.Alm.getsize(lmax)
    alm = rng.normal(size=(ncomp, nalm)) + 1j * rng.normal(size=(ncomp, nalm))
    alm[:, :lmax + 1] = alm[:, :lmax + 1].real  # m = 0: real for a real field
    # a red spectrum, as skies have: the small degrees dominate the RMS
    ell = hp.Alm.getlm(lmax)[0]
    return alm / (1.0 + ell)


def rotate(tmp, pair, lmax, alm, nproc=None):
    src, dst = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
    np.ascontiguousarray(alm, dtype=np.complex128).tofile(src)
    args = [tool, f"{pair[0]}:{pair[1]}", str(lmax), str(alm.shape[0]), src, dst]
    subprocess.run(args + ([str(nproc)] if nproc else []), check=True, env=tool_env)
    return np.fromfile(dst, dtype=np.complex128).reshape(alm.shape)


with tempfile.TemporaryDirectory() as tmp:
    # every pair up to lmax 64; at 301 (degrees above 256, where Delta's
    # corner underflows and the scaled columns work) two, to stay fast
    for lmax in (0, 1, 2, 7, 64, 301):
        worst = 0.0
        for pair in pairs if lmax < 100 else [("G", "C"), ("C", "E")]:
            for ncomp in (1, 3):
                alm = random_alm(lmax, ncomp)
                mine = rotate(tmp, pair, lmax, alm)
                ref = alm.copy() if ncomp == 3 else alm[0].copy()
                hp.Rotator(coord=list(pair)).rotate_alm(ref, inplace=True)
                ref = ref.reshape(ncomp, -1)
                rms = np.sqrt((np.abs(ref) ** 2).mean())
                err = np.abs(mine - ref).max() / rms
                worst = max(worst, err)
                if not err < 1e-10:
                    failures += 1
                    print(f"lmax {lmax} {pair[0]}:{pair[1]} ncomp {ncomp}: "
                          f"max |diff| / rms {err:.2e} FAILED")
        print(f"lmax {lmax}: T and TEB: worst max |diff| / rms {worst:.2e}")
    # the distributed rotation: 2, 3 and 7 processes' degrees, summed
    for lmax, nproc in ((64, 2), (301, 3), (7, 7), (2, 5)):
        alm = random_alm(lmax, 3)
        serial = rotate(tmp, ("G", "C"), lmax, alm)
        dist = rotate(tmp, ("G", "C"), lmax, alm, nproc)
        same = np.array_equal(serial, dist)
        failures += not same
        print(f"lmax {lmax}, {nproc} processes: {'the serial alm' if same else 'DIFFERS'}")
sys.exit(1 if failures else 0)
