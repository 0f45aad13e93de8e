#!/usr/bin/env python3
"""Makes PySM 3.4.5 reference maps for rg2 (PointSourceCatalog) without a beam
(issue 20).

Usage (from anywhere; Debian's python3 with python3-healpy, python3-numba,
python3-h5py, python3-astropy, python3-toml, python3-scipy):

  PYTHONPATH=<pysm 3.4.5 src> /usr/bin/python3 tests/data/make_catalog_references.py

1. Writes a synthetic catalogue in PySM's layout (h5py, byte-string units
   attributes as xarray writes them) at rg2's path under templates/:
   3000 sources uniform on the sphere with flux polynomials of order 4 in
   ln(nu) (a power law in nu expanded around 100 GHz, so that some go
   negative far from it and PySM's clipping at 0 acts), plus 40 sources
   crowded into a few pixels (PySM's float32 accumulation order matters
   there), sources on the poles and at phi = 0 and 2 pi, and one source
   whose flux is negative at every frequency (always clipped). Deterministic
   (numpy seed 20).
2. Evaluates PySM for every case of CASES and writes outputs/NAME.fits and
   catalog_cases.txt (format of reference_cases.txt, see test_reference.c),
   every case with tol=1e-4 (float32 maps of spikes).
3. Re-derives one map without PySM and prints its largest difference.
"""
import math
import os
import sys

import h5py
import healpy as hp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcase  # noqa: E402  (sets PYSM_LOCAL_DATA)

import pysm3  # noqa: E402
import pysm3.units as u  # noqa: E402
from pysm3.models.catalog import PointSourceCatalog  # noqa: E402

assert pysm3.__version__ == "3.4.5", pysm3.__version__

HERE = refcase.HERE
CATALOG = "websky/0.4/radio_catalog/websky_high_flux_catalog_1mJy_2025.09.09.h5"


def poly_coefficients(s0, alpha, x0):
    """Highest power first: sum_k s0 alpha^k / k! (x - x0)^k as a polynomial in x."""
    taylor = np.array([s0 * alpha**k / math.factorial(k) for k in range(5)])
    p = np.zeros(5)  # p[j]: coefficient of x^j
    for k in range(5):
        p[: k + 1] += taylor[k] * np.polynomial.polynomial.polypow([-x0, 1.0], k)
    return p[::-1]


def make_catalogue():
    np.random.seed(20)
    n_rand = 3000
    theta = list(np.arccos(np.random.uniform(-1, 1, n_rand)))
    phi = list(np.random.uniform(0, 2 * np.pi, n_rand))
    # crowded: 40 sources in 4 pixels of nside 32 (each within 1e-3 rad of the centre)
    for pix in (100, 5000, 5001, 12000):
        t, p = hp.pix2ang(32, pix)
        for _ in range(10):
            theta.append(t + np.random.uniform(-1e-3, 1e-3))
            phi.append(p + np.random.uniform(-1e-3, 1e-3))
    theta += [0.0, np.pi, 1.0, 2.0, 1.5]
    phi += [0.3, 4.0, 0.0, 2 * np.pi, 1.0]
    n = len(theta)
    x0 = np.log(100.0)
    s0 = (1e-3 ** -1.5 - np.random.uniform(0, 1, n) * (1e-3 ** -1.5 - 10.0 ** -1.5)) ** (-1 / 1.5)
    alpha = np.random.normal(-0.5, 0.3, n)
    pfrac = np.random.uniform(0.01, 0.05, n)
    flux = np.array([poly_coefficients(s0[i], alpha[i], x0) for i in range(n)]).T
    flux[:, -1] = [0, 0, 0, 0, -1.0]  # always clipped to 0
    pol = flux * pfrac
    path = os.path.join(os.environ["PYSM_LOCAL_DATA"], CATALOG)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as f:
        for name, data, unit in [("theta", np.array(theta), "rad"), ("phi", np.array(phi), "rad"),
                                 ("logpolycoefflux", flux, "Jy"),
                                 ("logpolycoefpolflux", pol, "Jy")]:
            f.create_dataset(name, data=data)
            f[name].attrs["units"] = np.bytes_(unit)
    return path


ZERO_EDGE = [0.0, 0.4, 0.9, 1.0, 1.0, 0.9, 0.4, 0.0]


def lin(a, b, n):
    return [round(float(x), 6) for x in np.linspace(a, b, n)]


# name, presets, nside, freqs (GHz), weights or None, unit, catalog_slice or None
CASES = [
    ("rg2_n32_100GHz_uKRJ", "rg2", 32, [100.0], None, "uK_RJ", None),
    ("rg2_n64_150GHz_uKCMB", "rg2", 64, [150.0], None, "uK_CMB", None),
    ("rg2_n32_30GHz_Jysr", "rg2", 32, [30.0], None, "Jy/sr", None),
    ("rg2_n16_353GHz_MJysr", "rg2", 16, [353.0], None, "MJy/sr", None),
    ("rg2_n32_band_KCMB", "rg2", 32, lin(85, 120, 8), ZERO_EDGE, "K_CMB", None),
    ("rg2_n32_tophat_uKRJ", "rg2", 32, lin(200, 240, 5), None, "uK_RJ", None),
    ("rg2_n32_2GHz_clipped_uKRJ", "rg2", 32, [2.0], None, "uK_RJ", None),
    ("rg2_n128_545GHz_KRJ", "rg2", 128, [545.0], None, "K_RJ", None),
    ("rg2_first_d1_n32_353GHz_uKCMB", "rg2,d1", 32, [353.0], None, "uK_CMB", None),
    ("rg2_first_d1_n32_band_uKRJ", "rg2,d1", 32, lin(85, 120, 8), ZERO_EDGE, "uK_RJ", None),
    ("rg2_after_d1s1_n32_30GHz_uKCMB", "d1,s1,rg2", 32, [30.0], None, "uK_CMB", None),
    ("rg2_slice_n32_100GHz_uKRJ", "rg2", 32, [100.0], None, "uK_RJ", [100, 2500, 3]),
    ("rg2_slice_neg_n32_band_uKCMB", "rg2", 32, lin(140, 160, 5), None, "uK_CMB", [-1000, -5]),
]


def evaluate(presets, nside, freqs, weights, unit, catalog_slice):
    f = np.array(freqs) * u.GHz
    freq = f if len(freqs) > 1 else f[0]
    w = None if weights is None else np.array(weights, dtype=np.float64)
    if catalog_slice is None:
        sky = pysm3.Sky(nside=nside, preset_strings=presets, output_unit=unit)
    else:
        assert presets == ["rg2"]
        comp = PointSourceCatalog(CATALOG, nside=nside, max_nside=8192,
                                  catalog_slice=slice(*catalog_slice))
        sky = pysm3.Sky(nside=nside, component_objects=[comp], output_unit=unit)
    m = sky.get_emission(freq, w)
    v = np.asarray(m.value)
    return np.asarray(v, dtype=np.float64), v.dtype


def independent_check(path):
    """rg2 at 100 GHz, nside 32, uK_RJ re-derived from the file."""
    with h5py.File(path) as f:
        theta, phi = f["theta"][:], f["phi"][:]
        c, cp = f["logpolycoefflux"][:], f["logpolycoefpolflux"][:]
    x = np.log(100.0)
    powers = x ** np.arange(c.shape[0] - 1, -1, -1)
    s = np.maximum(0, powers @ c)
    sp = np.maximum(0, powers @ cp)
    nu = 100e9
    jysr_to_krj = 1e-26 * (2.99792458e8 / nu) ** 2 / (2 * 1.380649e-23)
    area = 4 * np.pi / hp.nside2npix(32)
    psi = np.random.RandomState(56567).uniform(-np.pi / 2, np.pi / 2, len(s))
    m = np.zeros((3, hp.nside2npix(32)), dtype=np.float32)
    pix = hp.ang2pix(32, theta, phi)
    for k in range(len(s)):
        v = s[k] / area * jysr_to_krj * 1e6
        vp = sp[k] / area * jysr_to_krj * 1e6
        m[0, pix[k]] += v
        m[1, pix[k]] += vp * np.cos(2 * psi[k])
        m[2, pix[k]] += vp * np.sin(2 * psi[k])
    ref = hp.read_map(os.path.join(HERE, "outputs", "rg2_n32_100GHz_uKRJ.fits"), field=None)
    return [np.abs(m[i] - ref[i]).max() / ref[i].std() for i in range(3)]


def main():
    path = make_catalogue()
    lines, dtypes = [], {}
    for name, presets, nside, freqs, weights, unit, sl in CASES:
        m, dtype = evaluate(presets.split(","), nside, freqs, weights, unit, sl)
        dtypes[name] = dtype
        opts = "tol=1e-4"
        if sl is not None:
            opts += " set=rg2:catalog_slice=" + ",".join(str(v) for v in sl).join("[]")
        lines.append(refcase.store(name, presets, nside, freqs, weights, unit, m, opts))
    with open(os.path.join(HERE, "catalog_cases.txt"), "w") as fh:
        fh.write("# made by make_catalog_references.py with PySM 3.4.5 (issue 20); format:\n"
                 "# name | presets | nside | freqs | weights or - | unit | output | options\n")
        fh.write("\n".join(lines) + "\n")
    print("PySM output dtypes:", {k: str(v) for k, v in dtypes.items()})
    print("independent check (max |diff| / reference RMS, I Q U):", independent_check(path))


if __name__ == "__main__":
    main()
