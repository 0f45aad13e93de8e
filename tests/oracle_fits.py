#!/usr/bin/env python3
"""Oracle: healpy reads skymodel's maps back unchanged (FITS compatibility).

usage: oracle_fits.py SKYMODEL TEMPLATE_DIR
Exits 77 (skipped) when healpy is not installed.
"""
import os
import subprocess
import sys
import tempfile

try:
    import healpy as hp
    import numpy as np
    from astropy.io import fits
except ImportError:
    print("healpy not available: skipped")
    sys.exit(77)

binary, templates = sys.argv[1], sys.argv[2]
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAILED:", msg)


with tempfile.TemporaryDirectory() as tmp:
    for nside in (8, 64):
        maps = {}
        for dtype in ("float32", "float64"):
            out = os.path.join(tmp, f"m{nside}_{dtype}.fits")
            subprocess.run([binary, "sim", "--preset", "d1,s1,f1", "--nside", str(nside),
                            "--freqs", "90,100,110", "--unit", "uK_CMB", "--data-dir", templates,
                            "-o", out, "--dtype", dtype, "-q"], check=True)
            m = hp.read_map(out, field=(0, 1, 2), dtype=None)
            check(m.shape == (3, 12 * nside**2), f"shape {m.shape}")
            check(m.dtype == np.dtype(dtype), f"dtype {m.dtype} for {dtype}")
            h = fits.open(out)[1].header
            for key, value in (("ORDERING", "RING"), ("COORDSYS", "G"), ("PIXTYPE", "HEALPIX"),
                               ("NSIDE", nside), ("INDXSCHM", "IMPLICIT")):
                check(h.get(key) == value, f"{key} = {h.get(key)!r}, expected {value!r}")
            for i, name in enumerate(("I_STOKES", "Q_STOKES", "U_STOKES"), 1):
                check(h[f"TTYPE{i}"] == name, f"TTYPE{i} = {h[f'TTYPE{i}']}")
                check(h[f"TUNIT{i}"] == "uK_CMB", f"TUNIT{i} = {h[f'TUNIT{i}']}")
            maps[dtype] = m
        check(np.all(maps["float32"] == maps["float64"].astype(np.float32)),
              f"float32 map is not the float64 one rounded (nside {nside})")
        check(np.all(maps["float64"][1:] == maps["float64"][1:]), "NaN in Q/U")
        check(np.all(maps["float64"][0] > -1e30), "UNSEEN in I")

print(f"oracle_fits: {failures} failed")
sys.exit(1 if failures else 0)
