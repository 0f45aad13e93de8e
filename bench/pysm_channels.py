#!/usr/bin/env python3
"""Times PySM 3.4.5's get_emission for the first K channels of an instrument
file (their freqs_ghz and weights, or band_low/high and npoints), the sky
built once: the per-channel time beside bench_emission's for the same
channels (issue 21; PySM evaluates every sample of every channel).

usage: PYTHONPATH=<pysm src> PYSM_LOCAL_DATA=<templates> /usr/bin/python3 \\
           bench/pysm_channels.py INSTRUMENT.json NSIDE K
"""
import json
import sys
import time

import numpy as np
import pysm3
import pysm3.units as u

ins = json.load(open(sys.argv[1]))
nside, k = int(sys.argv[2]), int(sys.argv[3])
sky = pysm3.Sky(nside=nside, preset_strings=ins["sky"], output_unit=ins.get("output_unit", "uK_RJ"))
times = []
for ch in ins["channels"][:k]:
    if "freqs_ghz" in ch:
        f, w = np.array(ch["freqs_ghz"]), ch.get("weights")
    else:
        f, w = np.linspace(ch["band_low_GHz"], ch["band_high_GHz"], ch["npoints"]), None
    t = time.perf_counter()
    sky.get_emission(f * u.GHz, None if w is None else np.array(w))
    times.append(time.perf_counter() - t)
print(f"pysm {pysm3.__version__} nside {nside} {len(times)} of {len(ins['channels'])} channels: "
      f"{np.mean(times):.2f} s per channel (min {min(times):.2f}, max {max(times):.2f}), "
      f"all channels about {np.mean(times) * len(ins['channels']):.0f} s", flush=True)
