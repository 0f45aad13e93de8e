#!/usr/bin/env python3
"""Oracle: CAR output has pixell's fullsky_geometry(variant="fejer1") pixel
centres and WCS, and a dipole lands where it should.

pixell's definition (enmap.fullsky_geometry): ny = round(pi/res),
nx = round(2 pi/res), CRVAL = [res/2 deg, 0], CDELT = [-360/nx, 180/ny],
CRPIX = [nx//2 + 0.5, (ny + 1)/2]: row i at dec -90 + (i + 1/2) res, column j
at RA 180 - j res. A map x cos(dec) cos(ra) + y cos(dec) sin(ra) + z sin(dec)
given as HEALPix must come out as that function of each CAR pixel centre.
usage: oracle_car.py SKYMODEL   (exit 77 without healpy/astropy)
"""
import os
import subprocess
import sys
import tempfile

try:
    import healpy as hp
    import numpy as np
    from astropy.io import fits
    from astropy.wcs import WCS
except ImportError:
    print("healpy/astropy not available: skipped")
    sys.exit(77)

binary = sys.argv[1]
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAILED:", msg)


nside, res_arcmin = 32, 120.0
with tempfile.TemporaryDirectory() as tmp:
    theta, phi = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    x, y, z = 0.3, -0.7, 0.5
    dip = x * np.sin(theta) * np.cos(phi) + y * np.sin(theta) * np.sin(phi) + z * np.cos(theta)
    m = np.array([dip + 2.0, 0 * dip, 0 * dip])
    inp = os.path.join(tmp, "in.fits")
    hp.write_map(inp, m, column_units="uK_CMB", dtype=np.float64)
    out = os.path.join(tmp, "out.fits")
    subprocess.run([binary, "smooth", inp, "-o", out, "--lmax", "40", "--lsq-maxiter", "0",
                    "--car-resol", str(res_arcmin), "--dtype", "float64", "-q"], check=True)
    car = os.path.join(tmp, "out_car.fits")
    with fits.open(car) as h:
        data, hdr = h[0].data, h[0].header
    ny, nx = 180 * 60 // int(res_arcmin), 360 * 60 // int(res_arcmin)
    check(data.shape == (3, ny, nx), f"shape {data.shape}, expected (3, {ny}, {nx})")
    res = res_arcmin / 60
    for key, val in (("CRVAL1", res / 2), ("CRVAL2", 0.0), ("CDELT1", -360 / nx),
                     ("CDELT2", 180 / ny), ("CRPIX1", nx // 2 + 0.5), ("CRPIX2", (ny + 1) / 2)):
        check(abs(hdr[key] - val) < 1e-12, f"{key} = {hdr[key]}, expected {val}")
    check(hdr["CTYPE1"] == "GLON-CAR" and hdr["CTYPE2"] == "GLAT-CAR", "CTYPE")
    w = WCS(hdr).celestial
    jj, ii = np.meshgrid(np.arange(nx), np.arange(ny))
    lon, lat = w.wcs_pix2world(jj, ii, 0)
    check(np.allclose(lat[:, 0], -90 + (np.arange(ny) + 0.5) * res), "row declinations")
    check(np.allclose((lon[0] - (180 - np.arange(nx) * res) + 180) % 360 - 180, 0),
          "column longitudes")
    ra, dec = np.radians(lon), np.radians(lat)
    expect = x * np.cos(dec) * np.cos(ra) + y * np.cos(dec) * np.sin(ra) + z * np.sin(dec) + 2.0
    err = np.abs(data[0] - expect).max()
    check(err < 1e-3, f"dipole misplaced: max error {err}")
    print(f"dipole max error {err:.2e}")
print(f"oracle_car: {failures} failed")
sys.exit(1 if failures else 0)
