#!/usr/bin/env python3
"""Makes PySM 3.4.5 references for skies summing every preset added in
issues 18 and 20 (dip1 dip2 c3 c4 tsz1-tsz4 ksz1-ksz3 co1-co3 cib1 rg1 rg2
and rg3, the last without its pre-applied beam, which PySM cannot evaluate
in Sky.get_emission) with Galactic ones, on the synthetic templates the
other generators wrote under templates/ (make_extragalactic_references.py,
make_interpolating_references.py, make_catalog_references.py: run them
first). rg2 first makes PySM's whole sum float32 (its map is float32);
d1 first keeps it float64. PySM adds the dipoles' intensity to Q and U as
well (broadcasting a 1-D map into the 3-row sum); skymodel adds it to I
only (docs/models.md), so the sum is made here component by component as
make_extragalactic_references.py does, and its I checked against PySM's
own Sky.

Usage (Debian's python3 with python3-healpy, -numba, -astropy, -toml, -scipy,
-h5py):

  PYTHONPATH=<pysm 3.4.5 src> /usr/bin/python3 tests/data/make_allnew_references.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_interpolating_references as mi  # noqa: E402  (refcase: PYSM_LOCAL_DATA)
import refcase  # noqa: E402
import numpy as np  # noqa: E402
import pysm3  # noqa: E402
import pysm3.units as u  # noqa: E402
from make_extragalactic_references import sum_dipole_in_I  # noqa: E402
from pysm3.sky import create_components_from_config  # noqa: E402

NEW = ("dip1,dip2,c3,c4,tsz1,tsz2,tsz3,tsz4,ksz1,ksz2,ksz3,co1,co2,co3,cib1,rg1,rg2,"
       + mi.NOBEAM)
BAND = [140.0, 145.0, 150.0, 155.0, 160.0]
CASES = [
    # name, presets, nside, freqs, weights, unit
    ("allnew_d1first_n16_100GHz_uKCMB", "d1,s1," + NEW + ",f1", 16, [100.0], None, "uK_CMB"),
    ("allnew_rg2first_n16_band_MJysr", "rg2,d1," + NEW.replace("rg2,", "") + ",s1", 16, BAND,
     [0.2, 1.0, 1.0, 1.0, 0.5], "MJy/sr"),
]


def evaluate(presets, nside, freqs, weights, unit):
    f = np.array(freqs) * u.GHz
    freq = f if len(freqs) > 1 else f[0]
    w = None if weights is None else np.array(weights, dtype=np.float64)
    config = mi.components(presets, {})
    m = sum_dipole_in_I(create_components_from_config(config, nside=nside), freq, w, unit)
    ref = pysm3.Sky(nside=nside, component_config=mi.components(presets, {}),
                    output_unit=unit).get_emission(freq, w)
    assert np.array_equal(ref.value[0], m.value[0]) and ref.dtype == m.dtype
    return np.asarray(m.value, dtype=np.float64)


def main():
    lines = []
    for name, presets, nside, freqs, weights, unit in CASES:
        m = evaluate(presets.split(","), nside, freqs, weights, unit)
        lines.append(refcase.store(name, presets, nside, freqs, weights, unit, m, ""))
    with open(os.path.join(refcase.HERE, "allnew_cases.txt"), "w") as fh:
        fh.write("# made by make_allnew_references.py with PySM 3.4.5 (issue 20); format:\n"
                 "# name | presets | nside | freqs | weights or - | unit | output | options\n")
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
