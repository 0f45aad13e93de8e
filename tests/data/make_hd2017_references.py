#!/usr/bin/env python3
"""Makes PySM 3.4.5 reference maps of the Hensley-Draine 2017 dust (d5, d7,
d8) for cases the shared vectors do not cover: other seeds and nsides,
nside_uval below the sky nside (uval upgraded), frequencies below the
tables' longest wavelength (~30 GHz) and below the 10 GHz break, a fixed
uval, and bands. Appends them to tests/data/reference_cases.txt (format: see
make_reference_list.py).

PySM 3.4.5 cannot integrate a band with this model (trapz_step_inplace gets
frequencies with units and the accumulation raises a unit error); for the
band cases the same step is given plain GHz values, which is what skymodel
implements: PySM's own per-frequency emission, normalised weights and
trapezoid steps, in the templates' float32. (PySM hands normalize_weights
and trapz_step_inplace a Quantity in GHz where they expect plain GHz.)

Run with Debian's python3, PySM 3.4.5 on PYTHONPATH:
  PYTHONPATH=/path/to/pysm/src /usr/bin/python3 tests/data/make_hd2017_references.py
"""
import refcase
import pysm3  # noqa: E402 (after refcase sets PYSM_LOCAL_DATA)
import pysm3.units as u  # noqa: E402
from pysm3 import utils  # noqa: E402
from pysm3.models import hd2017  # noqa: E402

assert pysm3.__version__ == "3.4.5", pysm3.__version__

_trapz_step = utils.trapz_step_inplace
_normalize = utils.normalize_weights


def ghz(freqs):
    return freqs.to_value(u.GHz) if hasattr(freqs, "unit") else freqs


hd2017.utils.trapz_step_inplace = lambda f, w, i, m, o: _trapz_step(ghz(f), w, i, m, o)
hd2017.utils.normalize_weights = lambda f, w: _normalize(ghz(f), w)

CASES = [
    # name, preset, nside, overrides, freqs, weights, unit, case options
    ("x_d5_seed99_n16_100GHz_uKCMB", "d5", 16, {"seed": 99}, [100.0], None, "uK_CMB",
     "seed=99"),
    ("x_d7_n64_545GHz_uKRJ", "d7", 64, {}, [545.0], None, "uK_RJ", ""),
    ("x_d7_n16_20GHz_KRJ", "d7", 16, {}, [20.0], None, "K_RJ", ""),
    ("x_d5_uval16_n32_500GHz_MJysr", "d5", 32, {"nside_uval": 16}, [500.0], None, "MJy/sr",
     "set=d5:nside_uval=16"),
    ("x_d8_uval2.5_n16_3000GHz_uKRJ", "d8", 16, {"uval": 2.5}, [3000.0], None, "uK_RJ",
     "set=d8:uval=2.5"),
    ("x_d8_n16_5GHz_Jysr", "d8", 16, {}, [5.0], None, "Jy/sr", ""),
    ("x_d7_n16_band_uKRJ", "d7", 16, {}, [140.0, 150.0, 160.0], [1.0, 2.0, 1.0], "uK_RJ", ""),
    ("x_d8_n16_band_8-12GHz_KCMB", "d8", 16, {}, [8.0, 9.0, 10.0, 11.0, 12.0], None, "K_CMB",
     ""),
]

lines = []
for name, preset, nside, overrides, freqs, weights, unit, opts in CASES:
    cfg = dict(pysm3.sky.PRESET_MODELS[preset])
    cfg.update(overrides)
    sky = pysm3.Sky(nside=nside, component_config={preset: cfg}, output_unit=unit)
    m = refcase.emission(sky, freqs, weights)
    lines.append(refcase.store(name, preset, nside, freqs, weights, unit, m, "tol=1e-6 " + opts))
refcase.append("make_hd2017_references.py", lines)
