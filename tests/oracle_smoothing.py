#!/usr/bin/env python3
"""Oracle: skymodel's smoothing and rotations equal healpy's on its own maps.

Simulates d1,s1 at nside 32 unsmoothed, then smoothed/rotated by skymodel, and
redoes the transform with healpy (map2alm iter=0, smoothalm pol=True,
Rotator(coord).rotate_alm, alm2map), for several coordinate pairs.
usage: oracle_smoothing.py SKYMODEL TEMPLATE_DIR   (exit 77 without healpy)
"""
import os
import subprocess
import sys
import tempfile

try:
    import healpy as hp
    import numpy as np
except ImportError:
    print("healpy not available: skipped")
    sys.exit(77)

binary, templates = sys.argv[1], sys.argv[2]
nside, lmax, fwhm = 32, 80, 45.0
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    base = [binary, "sim", "--preset", "d1,s1", "--nside", str(nside), "--freq", "70",
            "--data-dir", templates, "--dtype", "float64", "-q"]
    plain = os.path.join(tmp, "plain.fits")
    subprocess.run(base + ["-o", plain], check=True)
    m = np.array(hp.read_map(plain, field=(0, 1, 2)))
    for rot in ("G:C", "C:G", "G:E", "E:C", "G:G"):
        out = os.path.join(tmp, rot.replace(":", "") + ".fits")
        subprocess.run(base + ["-o", out, "--lsq-maxiter", "0", "--lmax", str(lmax),
                               "--fwhm", str(fwhm), "--rotate", rot], check=True)
        mine = np.array(hp.read_map(out, field=(0, 1, 2)))
        alm = hp.map2alm(m, lmax=lmax, iter=0)
        hp.smoothalm(alm, fwhm=np.radians(fwhm / 60), pol=True, inplace=True)
        a, b = rot.split(":")
        if a != b:
            hp.Rotator(coord=[a, b]).rotate_alm(alm, inplace=True)
        ref = hp.alm2map(alm, nside, pixwin=False)
        err = (np.abs(mine - ref).max(axis=1) / np.sqrt((ref ** 2).mean(axis=1))).max()
        ok = err < 1e-6
        failures += not ok
        print(f"{rot}: max |diff|/rms {err:.2e} {'ok' if ok else 'FAILED'}")
    # a FITS beam window written by healpy.write_cl equals the same --fwhm
    beamfile = os.path.join(tmp, "beam.fits")
    bl = hp.gauss_beam(np.radians(fwhm / 60), lmax=lmax, pol=True)[:, :3]
    hp.write_cl(beamfile, bl.T, overwrite=True)
    outs = []
    for opt in (["--fwhm", str(fwhm)], ["--beam-window", beamfile]):
        out = os.path.join(tmp, "b%d.fits" % len(outs))
        subprocess.run(base + ["-o", out, "--lmax", str(lmax), "--lsq-maxiter", "0"] + opt,
                       check=True)
        outs.append(np.array(hp.read_map(out, field=(0, 1, 2))))
    err = np.abs(outs[0] - outs[1]).max() / np.abs(outs[0]).max()
    failures += not err < 1e-10
    print(f"FITS beam window vs --fwhm: {err:.2e}")

    # lmax <= 1.5 nside: 3 iterations with healpy-data's ring weights
    if os.path.exists("/usr/share/healpy/data/weight_ring_n00032.fits"):
        out = os.path.join(tmp, "small.fits")
        subprocess.run(base + ["-o", out, "--lmax", "40", "--fwhm", str(fwhm)], check=True)
        mine = np.array(hp.read_map(out, field=(0, 1, 2)))
        alm = hp.map2alm(m, lmax=40, iter=3, use_weights=True, datapath="/usr/share/healpy/data")
        hp.smoothalm(alm, fwhm=np.radians(fwhm / 60), pol=True, inplace=True)
        ref = hp.alm2map(alm, nside, pixwin=False)
        err = (np.abs(mine - ref).max(axis=1) / np.sqrt((ref ** 2).mean(axis=1))).max()
        failures += not err < 1e-6
        print(f"lmax 40, ring weights, iter 3: max |diff|/rms {err:.2e}")
print(f"oracle_smoothing: {failures} failed")
sys.exit(1 if failures else 0)
