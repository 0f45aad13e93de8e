#!/usr/bin/env python3
"""PySM 3.4.5 on the benchmark instrument (../shared/bench/instrument.json),
the same work as `skymodel sim --instrument`: Sky(nside, sky presets,
output_unit), then per channel get_emission over numpy.linspace(band_low,
band_high, npoints) (top-hat) and apply_smoothing_and_coord_transform with
the channel's Gaussian beam at lmax 2.5 nside (map2alm_lsq_maxiter from the
command line, PySM's default 10 when absent), the maps written with
healpy.write_map as float32. Prints the stage times and the peak RSS.

usage: PYTHONPATH=<pysm src> PYSM_LOCAL_DATA=<templates> /usr/bin/python3 \
           bench/pysm_instrument.py INSTRUMENT NSIDE OUTDIR [LSQ_MAXITER]
"""
import json
import os
import resource
import sys
import time

import healpy as hp
import numpy as np
import pysm3
import pysm3.units as u

inst = json.load(open(sys.argv[1]))
nside = int(sys.argv[2])
outdir = sys.argv[3]
maxiter = int(sys.argv[4]) if len(sys.argv) > 4 else None
os.makedirs(outdir, exist_ok=True)

t0 = time.perf_counter()
sky = pysm3.Sky(nside=nside, preset_strings=inst["sky"], output_unit=inst["output_unit"])
t_sky = time.perf_counter() - t0
t_emission = t_smooth = t_write = 0.0
for ch in inst["channels"]:
    freqs = np.linspace(ch["band_low_GHz"], ch["band_high_GHz"], ch["npoints"]) * u.GHz
    ta = time.perf_counter()
    m = sky.get_emission(freqs)
    tb = time.perf_counter()
    s = pysm3.apply_smoothing_and_coord_transform(
        m, fwhm=ch["fwhm_arcmin"] * u.arcmin, lmax=int(2.5 * nside),
        map2alm_lsq_maxiter=maxiter)
    tc = time.perf_counter()
    hp.write_map(os.path.join(outdir, ch["name"] + ".fits"), s.value, dtype=np.float32,
                 overwrite=True)
    td = time.perf_counter()
    t_emission += tb - ta
    t_smooth += tc - tb
    t_write += td - tc
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pysm {pysm3.__version__} nside {nside} lsq_maxiter {maxiter}: Sky() {t_sky:.2f} s, "
      f"emission {t_emission:.2f} s, smoothing {t_smooth:.2f} s, writing {t_write:.2f} s, "
      f"total {time.perf_counter() - t0:.2f} s, peak RSS {rss:.0f} MB", flush=True)
