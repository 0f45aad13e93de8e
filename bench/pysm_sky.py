#!/usr/bin/env python3
"""PySM 3.4.5's map of some presets at one frequency, timed per stage: the
PySM side of bench/bench_hires.sh.

usage: PYTHONPATH=<pysm src> PYSM_LOCAL_DATA=<templates> /usr/bin/python3 \
           bench/pysm_sky.py NSIDE PRESETS GHZ UNIT OUT.fits [SEED]

PRESETS is comma-separated. With SEED, the realisation presets (d11, s6) get
seeds [SEED, SEED + 1, ...], as skymodel's --seed gives them, so that both
programs draw the same small scales.
"""
import resource
import sys
import time

import healpy as hp
import numpy as np
import pysm3
import pysm3.units as u
from pysm3.sky import PRESET_MODELS

nside, presets, freq, unit, out = (int(sys.argv[1]), sys.argv[2].split(","),
                                   float(sys.argv[3]), sys.argv[4], sys.argv[5])
seed = int(sys.argv[6]) if len(sys.argv) > 6 else None
config = {}
for name in presets:
    cfg = dict(PRESET_MODELS[name])
    if seed is not None and cfg["class"].endswith("Realization"):
        n = 3 if cfg["class"].startswith("ModifiedBlackBody") else 2
        cfg["seeds"] = [seed + k for k in range(n)]
    config[name] = cfg
t0 = time.perf_counter()
sky = pysm3.Sky(nside=nside, component_config=config, output_unit=unit)
t1 = time.perf_counter()
m = sky.get_emission(freq * u.GHz)
t2 = time.perf_counter()
hp.write_map(out, m.value, dtype=np.float32, overwrite=True, column_units=unit)
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pysm {pysm3.__version__} {','.join(presets)} nside {nside} Sky() {t1 - t0:.2f} s "
      f"get_emission {t2 - t1:.2f} s write {t3 - t2:.2f} s total {t3 - t0:.2f} s "
      f"peak_rss {rss:.0f} MB", flush=True)
