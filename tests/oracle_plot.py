#!/usr/bin/env python3
"""oracle_plot.py SKYMODEL - the geometry of `skymodel plot` against healpy.

Maps with one hot spot at a known (l, b) are drawn by skymodel and by
healpy.mollview (matplotlib, Agg); in both pictures the spot's centroid,
relative to the Mollweide ellipse found in the image, must be where
healpy's own projector puts (l, b), within 1 % of the ellipse's size. With
--coord C the spot must land at its equatorial position (healpy Rotator).
Also: --field all stacks three panels, and a Q map uses the diverging
colours (white at zero). Exits 77 (skipped) without healpy or matplotlib.
"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import healpy as hp
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.image as mpimg
except ImportError as e:
    print("skipped:", e)
    sys.exit(77)

sky = sys.argv[1]
tmp = tempfile.mkdtemp()
nside = 64
failures = 0


def spot_map(lon, lat, value=10.0):
    m = np.zeros((3, hp.nside2npix(nside)))
    vec = hp.ang2vec(lon, lat, lonlat=True)
    m[0, hp.query_disc(nside, vec, np.radians(4))] = value
    return m


def ellipse_and_spot(img):
    """(x, y) of the spot in the ellipse's own coordinates, x in [-2, 2] and
    y in [-1, 1], from an RGB(A) image: the ellipse is the largest region of
    non-white pixels in the upper part; the spot, its reddest pixels."""
    rgb = img[..., :3].astype(float)
    if rgb.max() > 1.5:
        rgb /= 255.0
    nonwhite = (rgb.min(axis=2) < 0.97)
    rows = np.where(nonwhite.any(axis=1))[0]
    # the ellipse: the widest run of non-white rows, then its extent
    widths = nonwhite.sum(axis=1)
    mid = int(np.argmax(widths))
    cols = np.where(nonwhite[mid])[0]
    x0, x1 = cols.min(), cols.max() + 1
    col = (x0 + x1) // 2
    r = np.where(nonwhite[:, col])[0]
    # the contiguous run of rows through `mid` in the centre column
    top = mid
    while top > 0 and nonwhite[top - 1, col]:
        top -= 1
    bot = mid
    while bot + 1 < nonwhite.shape[0] and nonwhite[bot + 1, col]:
        bot += 1
    y0, y1 = top, bot + 1
    red = (rgb[..., 0] > 0.35) & (rgb[..., 2] < 0.3) & (rgb[..., 1] < 0.5)
    red[:y0] = False
    red[y1:] = False
    ys, xs = np.where(red)
    cx, cy = xs.mean() + 0.5, ys.mean() + 0.5
    ex, ey = (x0 + x1) / 2, (y0 + y1) / 2
    return 2 * (cx - ex) / ((x1 - x0) / 2), -(cy - ey) / ((y1 - y0) / 2), (x1 - x0)


def check(name, got, want, tol=0.02):
    global failures
    dx, dy = abs(got[0] - want[0]), abs(got[1] - want[1])
    ok = dx < 2 * tol and dy < tol
    print("%-28s skymodel (%.3f, %.3f)  expected (%.3f, %.3f)  %s"
          % (name, got[0], got[1], want[0], want[1], "ok" if ok else "FAIL"))
    if not ok:
        failures += 1


proj = hp.projector.MollweideProj()
for lon, lat in [(60, 30), (-120, -45), (150, 10), (0, 70)]:
    f = os.path.join(tmp, "m.fits")
    hp.write_map(f, spot_map(lon, lat), overwrite=True, dtype=np.float64)
    png = os.path.join(tmp, "m.png")
    subprocess.run([sky, "plot", f, "-o", png, "--force", "-q"], check=True)
    x, y, _ = ellipse_and_spot(mpimg.imread(png))
    want = proj.ang2xy(lon, lat, lonlat=True)
    check("(%d, %d)" % (lon, lat), (x, y), (float(want[0]), float(want[1])))
    # healpy's own picture of the same map
    hp.mollview(spot_map(lon, lat)[0], title="", cbar=True, xsize=800,
                cmap=hp.projaxes.create_colormap("planck"))
    hpng = os.path.join(tmp, "h.png")
    plt.savefig(hpng, dpi=100)
    plt.close("all")
    hx, hy, _ = ellipse_and_spot(mpimg.imread(hpng))
    check("(%d, %d) healpy.mollview" % (lon, lat), (x, y), (hx, hy))

# --coord C: the Galactic spot drawn at its equatorial place
lon, lat = 60, 30
f = os.path.join(tmp, "m.fits")
hp.write_map(f, spot_map(lon, lat), overwrite=True, dtype=np.float64, coord="G")
png = os.path.join(tmp, "c.png")
subprocess.run([sky, "plot", f, "-o", png, "--force", "-q", "--coord", "C"], check=True)
ra, dec = hp.Rotator(coord=["G", "C"])(lon, lat, lonlat=True)
x, y, _ = ellipse_and_spot(mpimg.imread(png))
want = proj.ang2xy(ra, dec, lonlat=True)
check("--coord C", (x, y), (float(want[0]), float(want[1])))

# --field all: three panels; Q (all zero here) drawn white by the diverging map
png = os.path.join(tmp, "all.png")
subprocess.run([sky, "plot", f, "-o", png, "--force", "-q", "--field", "all",
                "--width", "400"], check=True)
img = mpimg.imread(png)
if img.shape[1] != 400 or not (2.9 < img.shape[0] / (400 * 0.65) < 3.1):
    print("FAIL --field all: picture %s" % (img.shape,))
    failures += 1
panel = img.shape[0] // 3
q = img[panel + panel // 2, 200, :3]
if not (q.min() > 0.9):
    print("FAIL: Q = 0 is not white in the diverging colours:", q)
    failures += 1

# bad input: one line, exit 2, no picture
r = subprocess.run([sky, "plot", f, "-o", os.path.join(tmp, "x.png"), "--field", "V"],
                   capture_output=True, text=True)
if r.returncode != 2 or "--field 'V'" not in r.stderr or os.path.exists(os.path.join(tmp, "x.png")):
    print("FAIL bad --field:", r.returncode, r.stderr)
    failures += 1

print("oracle_plot: %d failure(s)" % failures)
sys.exit(1 if failures else 0)
