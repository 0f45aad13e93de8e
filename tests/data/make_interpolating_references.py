#!/usr/bin/env python3
"""Makes PySM 3.4.5 reference maps for the frequency-grid presets cib1
(WebSkyCIB), rg1 (WebSkyRadioGalaxies) and rg3 (InterpolatingComponent),
issue 20.

Usage (Debian's python3 with python3-healpy, python3-numba, python3-astropy,
python3-toml, python3-scipy):

  PYTHONPATH=<pysm 3.4.5 src> /usr/bin/python3 tests/data/make_interpolating_references.py

1. Writes small synthetic grids in PySM's layout under templates/: float32
   RING maps at nside 8 (so every tested nside 4, 8, 16 degrades, keeps or
   upgrades them), deterministic (numpy seed 20):
   - websky/0.4/cib/cib_{f:06.1f}.fits, the 46 WebSky frequencies, MJy/sr,
     a positive field times a modified black body whose temperature varies
     over the sky (so maps are not multiples of one another);
   - websky/0.4/radio/radio_{f:06.1f}.fits, Jy/sr, a power law with a
     per-pixel index and a few bright pixels;
   - websky/0.4/radio_catalog/background/2048/{f:05.1f}.fits, rg3's 16
     frequencies, I, Q, U in uK_RJ (the nside-2048 folder is the one PySM
     picks for every sky nside <= 3072).
2. Evaluates PySM for every case of CASES and writes outputs/NAME.fits and
   the case lines to interpolating_cases.txt (format of reference_cases.txt,
   see test_reference.c). rg3 without its beam is rg3_nobeam.toml (the
   preset without pre_applied_beam); rg3 with its beam is evaluated as
   PySM's component get_emission(freq, fwhm=, lmax=), and a sum with other
   components as the sum of their Sky map smoothed by PySM's
   apply_smoothing_and_coord_transform and rg3's own smoothed map.
"""
import os
import sys

import healpy as hp
import numpy as np
import toml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcase  # noqa: E402  (sets PYSM_LOCAL_DATA)

import pysm3  # noqa: E402
import pysm3.units as u  # noqa: E402
from pysm3.sky import PRESET_MODELS, create_components_from_config  # noqa: E402
from pysm3.utils import apply_smoothing_and_coord_transform  # noqa: E402

assert pysm3.__version__ == "3.4.5", pysm3.__version__

HERE = refcase.HERE
TMPL = os.path.join(HERE, "templates")
NT = 8

WEBSKY = [17.0, 18.7, 21.6, 24.5, 27.3, 30.0, 35.9, 41.7, 44.0, 47.4, 63.9, 67.8, 70.0, 73.7,
          79.6, 90.2, 100, 111, 129, 143, 153, 164, 189, 210, 217, 232, 256, 275, 294, 306, 314,
          340, 353, 375, 409, 467, 525, 545, 584, 643, 729, 817, 857, 906, 994, 1080]
RG3 = [1.0, 10.0, 18.7, 24.5, 44.0, 70.0, 100.0, 143.0, 217.0, 353.0, 545.0, 643.0, 729.0,
       857.0, 906.0, 1000.0]


def write(rel, maps, units):
    path = os.path.join(TMPL, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    hp.write_map(path, maps, column_units=units, dtype=np.float32, overwrite=True)


def field(slope):
    ell = np.arange(3 * NT)
    g = hp.synfast(1.0 / (1.0 + ell) ** slope, NT, lmax=3 * NT - 1)
    return (g - g.mean()) / g.std()


def make_templates():
    np.random.seed(20)
    npix = hp.nside2npix(NT)
    # CIB: a * MBB(beta 1.5, T) / MBB at 545, T = 20 K (1 + 0.05 g)
    a = 0.5 * np.exp(0.4 * field(2.0)) * np.random.uniform(0.8, 1.2, npix)
    t = 20.0 * (1 + 0.05 * field(2.5))
    for f in WEBSKY:
        x, x0 = 0.0479924 * f / t, 0.0479924 * 545.0 / t
        write(f"websky/0.4/cib/cib_{f:06.1f}.fits",
              a * (f / 545.0) ** 4.5 * np.expm1(x0) / np.expm1(x), "MJy/sr")
    # radio: a power law in Jy/sr with a per-pixel index, a few bright pixels
    amp = 20 * np.exp(0.3 * field(2.0)) + 2000.0 * (np.random.uniform(size=npix) < 0.02)
    idx = -0.7 + 0.2 * field(2.5) + 0.1 * np.random.normal(size=npix)
    for f in WEBSKY:
        write(f"websky/0.4/radio/radio_{f:06.1f}.fits", amp * (f / 100.0) ** idx, "Jy/sr")
    # rg3: I, Q, U in uK_RJ, index around -2.7, a few per cent polarised
    amp = 0.5 * np.exp(0.3 * field(2.0)) + 50.0 * (np.random.uniform(size=npix) < 0.02)
    beta = -2.7 + 0.2 * field(2.5) + 0.1 * np.random.normal(size=npix)
    psi = np.random.uniform(0, np.pi, npix)
    pf = np.random.uniform(0.01, 0.05, npix)
    for f in RG3:
        i = amp * (f / 100.0) ** beta
        write(f"websky/0.4/radio_catalog/background/2048/{f:05.1f}.fits",
              [i, pf * i * np.cos(2 * psi), pf * i * np.sin(2 * psi)], ["uK_RJ"] * 3)


# ---------------------------------------------------------------- cases

ZERO_EDGE = [0.0, 0.4, 0.9, 1.0, 1.0, 0.9, 0.4, 0.0]
NOBEAM = "rg3_nobeam.toml"


def lin(a, b, n):
    return [round(float(x), 6) for x in np.linspace(a, b, n)]


# name, presets, nside, freqs (GHz), weights or None, unit, {preset: {key: value}},
# smoothing (fwhm arcmin, lmax) or None
CASES = [
    # cib1: on a grid point (the map itself, float32), within isclose of one, between two,
    # bands within one interval and across several, without the SPT correction, outside
    ("cib1_n16_143GHz_uKRJ", "cib1", 16, [143.0], None, "uK_RJ", {}, None),
    ("cib1_n8_143.001GHz_uKCMB", "cib1", 8, [143.001], None, "uK_CMB", {}, None),
    ("cib1_n16_150GHz_MJysr", "cib1", 16, [150.0], None, "MJy/sr", {}, None),
    ("cib1_n4_545GHz_degraded_uKRJ", "cib1", 4, [545.0], None, "uK_RJ", {}, None),
    ("cib1_n16_band_uKCMB", "cib1", 16, lin(144, 152, 8), ZERO_EDGE, "uK_CMB", {}, None),
    ("cib1_n8_10pt_band_across_MJysr", "cib1", 8, lin(195, 285, 10), None, "MJy/sr", {}, None),
    ("cib1_noSPT_n16_band_uKRJ", "cib1", 16, lin(144, 152, 8), ZERO_EDGE, "uK_RJ",
     {"cib1": {"apply_SPT_correction": False}}, None),
    ("cib1_noSPT_n8_353GHz_KCMB", "cib1", 8, [353.0], None, "K_CMB",
     {"cib1": {"apply_SPT_correction": False}}, None),
    ("cib1_n8_10GHz_below_zero", "cib1", 8, [10.0], None, "uK_RJ", {}, None),
    ("cib1_n8_band_above_zero", "cib1", 8, lin(1000, 1100, 5), None, "uK_RJ", {}, None),
    ("cib1_n8_17GHz_first_uKRJ", "cib1", 8, [17.0], None, "uK_RJ", {}, None),
    ("cib1_n8_band_to_1080_uKRJ", "cib1", 8, lin(1000, 1080, 5), None, "uK_RJ", {}, None),
    # rg1
    ("rg1_n16_30GHz_uKRJ", "rg1", 16, [30.0], None, "uK_RJ", {}, None),
    ("rg1_n8_band_Jysr", "rg1", 8, lin(20, 40, 8), ZERO_EDGE, "Jy/sr", {}, None),
    ("rg1_n16_93GHz_uKCMB", "rg1", 16, [93.0], None, "uK_CMB", {}, None),
    # rg3 without its beam (a TOML file: the preset without pre_applied_beam)
    ("rg3nobeam_n16_100GHz_uKRJ", NOBEAM, 16, [100.0], None, "uK_RJ", {}, None),
    ("rg3nobeam_n8_120GHz_uKCMB", NOBEAM, 8, [120.0], None, "uK_CMB", {}, None),
    ("rg3nobeam_n16_band_KRJ", NOBEAM, 16, lin(50, 90, 8), ZERO_EDGE, "K_RJ", {}, None),
    ("rg3nobeam_n8_0.5GHz_below_zero", NOBEAM, 8, [0.5], None, "uK_RJ", {}, None),
    # sums with Galactic components
    ("sum_cib1rg1d1s1_n16_band_uKCMB", "cib1,rg1,d1,s1", 16, lin(85, 120, 8), ZERO_EDGE,
     "uK_CMB", {}, None),
    ("sum_d1cib1_n8_353GHz_MJysr", "d1,cib1", 8, [353.0], None, "MJy/sr", {}, None),
    ("sum_rg3nobeam_s1d1_n16_70GHz_uKRJ", "s1,d1," + NOBEAM, 16, [70.0], None, "uK_RJ", {},
     None),
    # rg3 with its beam (5.1 arcmin at templates nside 2048): smoothed inside itself
    ("rg3_n16_100GHz_fwhm60_lmax40_uKRJ", "rg3", 16, [100.0], None, "uK_RJ", {}, (60.0, 40)),
    ("rg3_n16_band_fwhm90_lmax40_uKRJ", "rg3", 16, lin(50, 90, 8), ZERO_EDGE, "uK_RJ", {},
     (90.0, 40)),
    ("rg3_n8_143GHz_fwhm5.1_samebeam_uKRJ", "rg3", 8, [143.0], None, "uK_RJ", {}, (5.1, 20)),
    ("sum_rg3d1s1_n16_70GHz_fwhm60_lmax40_uKRJ", "rg3,d1,s1", 16, [70.0], None, "uK_RJ", {},
     (60.0, 40)),
]


def components(presets, overrides):
    config = {}
    for p in presets:
        if p.endswith(".toml"):
            config.update(toml.load(os.path.join(HERE, p)))
        else:
            config[p] = dict(PRESET_MODELS[p], **overrides.get(p, {}))
    return config


def evaluate(presets, nside, freqs, weights, unit, overrides, smoothing):
    f = np.array(freqs) * u.GHz
    freq = f if len(freqs) > 1 else f[0]
    w = None if weights is None else np.array(weights, dtype=np.float64)
    config = components(presets, overrides)
    if smoothing is None:
        m = pysm3.Sky(nside=nside, component_config=config,
                      output_unit=unit).get_emission(freq, w)
        v = np.asarray(m.value, dtype=np.float64)
        return np.vstack([v, 0 * v, 0 * v]) if v.ndim == 1 else v
    assert unit == "uK_RJ"
    fwhm, lmax = smoothing
    comps = create_components_from_config(config, nside=nside)
    own = [c for c in comps if getattr(c, "includes_smoothing", False)]
    rest = [c for c in comps if not getattr(c, "includes_smoothing", False)]
    out = np.zeros((3, hp.nside2npix(nside)))
    if rest:
        s = rest[0].get_emission(freq, weights=w)
        for c in rest[1:]:
            s += c.get_emission(freq, weights=w)
        out += apply_smoothing_and_coord_transform(s, fwhm=fwhm * u.arcmin, lmax=lmax).value
    for c in own:
        out += np.asarray(c.get_emission(freq, weights=w, fwhm=fwhm * u.arcmin,
                                         lmax=lmax).value, dtype=np.float64)
    return out


def options(overrides, smoothing):
    out = []
    for preset, kv in overrides.items():
        for key, val in kv.items():
            s = ("true" if val else "false") if isinstance(val, bool) else str(val)
            out.append(f"set={preset}:{key}={s}")
    if smoothing:
        out += [f"fwhm={smoothing[0]!r}", f"lmax={smoothing[1]}"]
    return " ".join(out)


def main():
    make_templates()
    with open(os.path.join(HERE, NOBEAM), "w") as fh:
        cfg = {k: v for k, v in PRESET_MODELS["rg3"].items()
               if k not in ("pre_applied_beam", "pre_applied_beam_units")}
        fh.write("# rg3 without its pre-applied beam (make_interpolating_references.py)\n")
        fh.write(toml.dumps({"rg3nobeam": cfg}))
    lines = []
    for name, presets, nside, freqs, weights, unit, over, smoothing in CASES:
        m = evaluate(presets.split(","), nside, freqs, weights, unit, over, smoothing)
        lines.append(refcase.store(name, presets, nside, freqs, weights, unit, m,
                                   options(over, smoothing)))
    with open(os.path.join(HERE, "interpolating_cases.txt"), "w") as fh:
        fh.write("# made by make_interpolating_references.py with PySM 3.4.5 (issue 20); format:\n"
                 "# name | presets | nside | freqs | weights or - | unit | output | options\n")
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
