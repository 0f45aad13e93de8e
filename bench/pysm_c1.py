#!/usr/bin/env python3
"""Times PySM 3.4.5's lensed CMB (c1) for the same case as bench_c1: building
the realisation, then the three benchmark-instrument bands in uK_RJ. One
process per nside, so that the peak RSS is that nside's.

usage: PYTHONPATH=<pysm src> PYSM_LOCAL_DATA=<templates> /usr/bin/python3 \
           bench/pysm_c1.py NSIDE
"""
import resource
import sys
import time

import numpy as np
import pysm3
import pysm3.units as u

nside = int(sys.argv[1])
t0 = time.perf_counter()
sky = pysm3.Sky(nside=nside, preset_strings=["c1"], output_unit="uK_RJ")
t1 = time.perf_counter()
for lo, hi in [(25, 35), (85, 115), (130, 170)]:
    sky.get_emission(np.linspace(lo, hi, 10) * u.GHz)
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pysm {pysm3.__version__} c1 nside {nside}: build {t1 - t0:.2f} s, 3 bands {t2 - t1:.2f} s, "
      f"total {t2 - t0:.2f} s, peak RSS {rss:.0f} MB", flush=True)
