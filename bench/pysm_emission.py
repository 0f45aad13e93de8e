#!/usr/bin/env python3
"""Times PySM 3.4.5's Sky construction and get_emission for the same case as
bench_sim.sh (d1,s1,f1,a1, 10-point top-hat 90-110 GHz, uK_CMB), to put
skymodel's numbers next to PySM's on the same machine and templates.

usage: PYTHONPATH=<pysm src> PYSM_LOCAL_DATA=<templates> /usr/bin/python3 \
           bench/pysm_emission.py NSIDE [NSIDE ...]
"""
import resource
import sys
import time

import numpy as np
import pysm3
import pysm3.units as u

freqs = np.linspace(90, 110, 10) * u.GHz
for nside in map(int, sys.argv[1:]):
    t0 = time.perf_counter()
    sky = pysm3.Sky(nside=nside, preset_strings=["d1", "s1", "f1", "a1"], output_unit="uK_CMB")
    t1 = time.perf_counter()
    sky.get_emission(freqs)
    t2 = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pysm {pysm3.__version__} nside {nside:5d} read {t1 - t0:7.2f} s "
          f"emission {t2 - t1:7.2f} s total {t2 - t0:7.2f} s peak_rss {rss:6.0f} MB", flush=True)
