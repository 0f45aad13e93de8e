#!/usr/bin/env python3
"""`skymodel sim --scale X` multiplies every output map by X, in every mode:
one band streamed, smoothed, --parts, an instrument (a channel with a beam
and one without), under mpirun (when SKY_TEST_MPIRUN names it); the header
says SCALE, and a bad value is refused with one line and exit status 2.
Unsmoothed maps in float64 are exactly X times the unscaled ones for X = 2
(an exact product); smoothed ones within 1e-12 of the map's largest value.
usage: oracle_scale.py SKYMODEL TEMPLATE_DIR   (exit 77 without astropy)
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    from astropy.io import fits
except ImportError:
    print("astropy not available: skipped")
    sys.exit(77)

binary, templates = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
mpirun = os.environ.get("SKY_TEST_MPIRUN")
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAILED:", msg)


def sim(args, cwd, prefix=()):
    r = subprocess.run([*prefix, binary, "sim", "-d", templates, "--offline", "-q",
                        "--dtype", "float64", *args], cwd=cwd, capture_output=True, text=True,
                       env=dict(os.environ, OMP_NUM_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1",
                                OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                                OMPI_MCA_btl_vader_single_copy_mechanism="none"))
    check(r.returncode == 0, f"sim {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.returncode == 0


def maps(path):
    with fits.open(path) as f:
        d = f[1].data
        return np.array([np.ravel(d[c]) for c in d.columns.names], dtype=float), f[1].header


def compare(name, a_path, b_path, exact):
    a, ha = maps(a_path)
    b, hb = maps(b_path)
    check("SCALE" not in ha, f"{name}: SCALE card without --scale")
    check(hb.get("SCALE") == 2.0, f"{name}: SCALE = {hb.get('SCALE')!r}, expected 2.0")
    if exact:
        check(np.array_equal(b, 2 * a), f"{name}: not exactly 2 times the unscaled map")
    else:
        err = np.max(np.abs(b - 2 * a)) / np.max(np.abs(2 * a))
        check(err < 1e-12, f"{name}: differs from 2 times the unscaled map by {err:.3g}")


with tempfile.TemporaryDirectory() as tmp:
    band = ["-p", "d1,s1", "-n", "16", "--freqs", "90,100,110", "--weights", "1,2,1"]
    cases = [("streamed", [], True), ("smoothed", ["--fwhm", "120"], False),
             ("parts", ["--parts", "3"], True)]
    for name, extra, exact in cases:
        if sim(band + extra + ["-o", f"{name}.fits"], tmp) and \
           sim(band + extra + ["--scale", "2", "-o", f"{name}2.fits"], tmp):
            compare(name, os.path.join(tmp, f"{name}.fits"), os.path.join(tmp, f"{name}2.fits"),
                    exact)
    if mpirun:
        mpi = [mpirun, "--oversubscribe", "-np", "2"]
        for name, extra, exact in cases[:2]:
            if sim(band + extra + ["--scale", "2", "-o", f"mpi_{name}2.fits"], tmp, mpi):
                compare("mpirun " + name, os.path.join(tmp, f"{name}.fits"),
                        os.path.join(tmp, f"mpi_{name}2.fits"), exact)
    with open(os.path.join(tmp, "ins.json"), "w") as f:
        json.dump({"sky": ["d1", "s1"], "channels": [
            {"name": "A", "freqs_ghz": [30.0]},
            {"name": "B", "freqs_ghz": [90.0, 100.0], "fwhm_arcmin": 120.0,
             "unit": "K_CMB"}]}, f)
    if sim(["--instrument", "ins.json", "-n", "16", "-o", "ins1"], tmp) and \
       sim(["--instrument", "ins.json", "-n", "16", "--scale", "2", "-o", "ins2"], tmp):
        for ch, exact in (("A", True), ("B", False)):
            compare("instrument " + ch, os.path.join(tmp, "ins1", ch + ".fits"),
                    os.path.join(tmp, "ins2", ch + ".fits"), exact)
    for bad in ("x", "nan", "1,2", "", "0", "-0", "inf"):
        r = subprocess.run([binary, "sim", *band, "--scale", bad, "-o", "bad.fits"], cwd=tmp,
                           capture_output=True, text=True)
        want = f"skymodel: --scale '{bad}': expected a finite number other than 0\n"
        check(r.returncode == 2 and r.stderr == want,
              f"--scale '{bad}': exit {r.returncode}, {r.stderr!r}, expected {want!r}")
        check(not os.path.exists(os.path.join(tmp, "bad.fits")), f"--scale '{bad}': a file")

print(f"oracle_scale: {failures} failures")
sys.exit(1 if failures else 0)
