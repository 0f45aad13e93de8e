#!/usr/bin/env python3
"""Makes PySM 3.4.5 reference maps of the decorrelated dust (d6) for cases
the shared vectors do not cover: other seeds of numpy's global generator,
a single frequency, weighted bands and other nsides. As for the shared
vector, np.random.seed(seed) is called after building the Sky, right before
get_emission (PySM never seeds d6 itself). Appends the cases to
tests/data/reference_cases.txt (format: see make_reference_list.py).

The factors depend on the last bits of numpy's exp and log (the correlation
matrix is nearly singular), so these maps are those of a CPU where numpy
1.24 runs its AVX512F loops, as the shared vectors' machine does.

Run with Debian's python3, PySM 3.4.5 on PYTHONPATH:
  PYTHONPATH=/path/to/pysm/src /usr/bin/python3 tests/data/make_d6_references.py
"""
import numpy as np

import refcase
import pysm3  # noqa: E402 (after refcase sets PYSM_LOCAL_DATA)

assert pysm3.__version__ == "3.4.5", pysm3.__version__
assert np.core._multiarray_umath.__cpu_features__["AVX512F"], "needs numpy's AVX512F loops"

CASES = [
    # name, nside, seed, freqs, weights, unit
    ("x_d6_seed7_n16_band_140-160GHz_uKCMB", 16, 7, [140.0, 145.0, 150.0, 155.0, 160.0], None,
     "uK_CMB"),
    ("x_d6_seed0_n16_100GHz_uKRJ", 16, 0, [100.0], None, "uK_RJ"),
    ("x_d6_seed99_n8_band_200-300GHz_MJysr", 8, 99, [200.0, 225.0, 250.0, 275.0, 300.0],
     [0.2, 1.0, 1.0, 0.8, 0.1], "MJy/sr"),
    ("x_d6_seed4294967295_n16_band_20-40GHz_KRJ", 16, 4294967295,
     list(np.linspace(20.0, 40.0, 10)), None, "K_RJ"),
]

lines = []
for name, nside, seed, freqs, weights, unit in CASES:
    sky = pysm3.Sky(nside=nside, preset_strings=["d6"], output_unit=unit)
    np.random.seed(seed)
    m = refcase.emission(sky, freqs, weights)
    lines.append(refcase.store(name, "d6", nside, freqs, weights, unit, m,
                               f"tol=1e-6 seed={seed}"))
refcase.append("make_d6_references.py", lines)
