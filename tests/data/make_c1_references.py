#!/usr/bin/env python3
"""Makes PySM 3.4.5 reference maps of the lensed CMB (CMBLensed, c1) for cases
the shared vectors do not cover: other nsides and seeds, bands, delensing,
and spectra shorter than 8 nside that start at L = 0. Appends the cases to
tests/data/reference_cases.txt (format: see make_reference_list.py).

Run with Debian's python3, PySM 3.4.5 on PYTHONPATH:
  PYTHONPATH=/path/to/pysm/src /usr/bin/python3 tests/data/make_c1_references.py
"""
import refcase
import pysm3  # noqa: E402 (after refcase sets PYSM_LOCAL_DATA)

assert pysm3.__version__ == "3.4.5", pysm3.__version__

SPECTRA = "pysm_2/camb_lenspotentialCls.dat"
DELENS = "pysm_2/delens_ells.txt"
CASES = [
    # name, nside, seed, spectra, delens, freqs, weights, unit, case options
    ("x_c1_seed42_n16_30GHz_KRJ", 16, 42, SPECTRA, False, [30.0], None, "K_RJ", "seed=42"),
    ("x_c1_n8_band_uKRJ", 8, 1111, SPECTRA, False, [140.0, 150.0, 160.0], [1.0, 2.0, 1.0],
     "uK_RJ", ""),
    ("x_c1_delens_seed7_n16_band_MJysr", 16, 7, SPECTRA, True, [200.0, 220.0, 240.0], None,
     "MJy/sr", "seed=7 set=c1:apply_delens=true"),
    ("x_c1_short_spectra_n16_100GHz_uKCMB", 16, 1111, "test/camb_short.dat", False, [100.0],
     None, "uK_CMB", "set=c1:cmb_spectra=test/camb_short.dat"),
]

lines = []
for name, nside, seed, spectra, delens, freqs, weights, unit, opts in CASES:
    cmb = pysm3.models.CMBLensed(nside=nside, cmb_spectra=spectra, cmb_seed=seed,
                                 apply_delens=delens, delensing_ells=DELENS)
    sky = pysm3.Sky(nside=nside, component_objects=[cmb], output_unit=unit)
    m = refcase.emission(sky, freqs, weights)
    lines.append(refcase.store(name, "c1", nside, freqs, weights, unit, m, "tol=1e-4 " + opts))
refcase.append("make_c1_references.py", lines)
