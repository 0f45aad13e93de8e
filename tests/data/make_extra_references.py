#!/usr/bin/env python3
"""Makes extra PySM 3.4.5 reference maps for cases the shared vectors do not
cover (float32 accumulation order, other nsides, units and bands), from the
templates in tests/data/templates, and appends them to
tests/data/reference_cases.txt (same format, see make_reference_list.py).

Run with Debian's python3, PySM 3.4.5 on PYTHONPATH:
  PYTHONPATH=/path/to/pysm/src /usr/bin/python3 tests/data/make_extra_references.py
"""
import os

import healpy as hp
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
os.environ["PYSM_LOCAL_DATA"] = os.path.join(here, "templates")
import pysm3  # noqa: E402
import pysm3.units as u  # noqa: E402

assert pysm3.__version__ == "3.4.5", pysm3.__version__

CASES = [
    # name, presets, nside, freqs, weights, unit
    ("x_c2d1_f32order_n32_band_uKRJ", ["c2", "d1"], 32, [340.0, 350.0, 360.0], None, "uK_RJ"),
    ("x_a2c2s1_n16_band_KCMB", ["a2", "c2", "s1"], 16, [25.0, 30.0, 35.0], [1.0, 2.0, 1.0], "K_CMB"),
    ("x_a2_n32_30GHz_uKCMB", ["a2"], 32, [30.0], None, "uK_CMB"),
    ("x_a2_n32_30GHz_KRJ", ["a2"], 32, [30.0], None, "K_RJ"),
    ("x_c2_n32_100GHz_uKRJ", ["c2"], 32, [100.0], None, "uK_RJ"),
    ("x_d1_n8_353GHz_mKCMB", ["d1"], 8, [353.0], None, "mK_CMB"),
    ("x_d4_n2_band_Jysr", ["d4"], 2, [200.0, 220.0, 240.0], None, "Jy / sr"),
    ("x_s3f1_n16_band_MJysr", ["s3", "f1"], 16, [5.0, 10.0, 15.0, 20.0], [1.0, 1.0, 1.0, 0.0], "MJy/sr"),
    ("x_d0s0a1_n128_band545_uKRJ", ["d0", "s0", "a1"], 128, [500.0, 545.0, 590.0], None, "uK_RJ"),
    ("x_d2d3_n1_143GHz_KCMB", ["d2", "d3"], 1, [143.0], None, "K_CMB"),
]

lines = []
for name, presets, nside, freqs, weights, unit in CASES:
    sky = pysm3.Sky(nside=nside, preset_strings=presets, output_unit=unit)
    f = np.array(freqs) * u.GHz
    m = sky.get_emission(f if len(freqs) > 1 else f[0], None if weights is None else np.array(weights))
    m = np.atleast_2d(np.asarray(m.value, dtype=np.float64))
    if m.shape[0] == 1:
        m = np.vstack([m, np.zeros_like(m), np.zeros_like(m)])
    out = os.path.join("outputs", name + ".fits")
    hp.write_map(os.path.join(here, out), m, column_names=["I_STOKES", "Q_STOKES", "U_STOKES"],
                 column_units=unit, dtype=np.float64, overwrite=True)
    w = ",".join(repr(x) for x in weights) if weights else "-"
    lines.append(" | ".join([name, ",".join(presets), str(nside), ",".join(repr(x) for x in freqs),
                             w, unit, out]))
    print(name, m.std(axis=1))
with open(os.path.join(here, "reference_cases.txt"), "a") as fh:
    fh.write("# extra cases made by make_extra_references.py\n" + "\n".join(lines) + "\n")
