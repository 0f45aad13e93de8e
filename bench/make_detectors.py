#!/usr/bin/env python3
"""Writes instrument files of per-detector bandpasses for the fast band
integration benchmark (issue 21): NDET detectors of one 90 GHz band, each
its own bandpass of NPTS samples (centre and width shifted by up to 1 GHz,
weights with a smooth random ripple), sky a1,d1,s1,f1, no beams.

usage: /usr/bin/python3 bench/make_detectors.py NDET NPTS OUT.json [SEED]
"""
import json
import sys

import numpy as np

ndet, npts, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
channels = []
for k in range(ndet):
    c, w = 90 + rng.uniform(-1, 1), 20 + rng.uniform(-1, 1)
    f = np.linspace(c - w / 2, c + w / 2, npts)
    ripple = 1 + 0.1 * np.sin(2 * np.pi * (f - f[0]) / w * rng.uniform(1, 3) + rng.uniform(0, 6))
    channels.append({"name": f"det{k:03d}", "freqs_ghz": [round(x, 6) for x in f],
                     "weights": [round(x, 6) for x in ripple]})
with open(out, "w") as fh:
    json.dump({"description": f"{ndet} detectors of a 90 GHz band, {npts} samples each "
               "(bench/make_detectors.py)", "sky": ["a1", "d1", "s1", "f1"],
               "output_unit": "uK_RJ", "channels": channels}, fh, indent=1)
