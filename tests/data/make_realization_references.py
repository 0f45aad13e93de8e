#!/usr/bin/env python3
"""Makes the references of d11's and s6's models (PySM's
ModifiedBlackBodyRealization and PowerLawRealization) at test size, with PySM
itself.

Usage: PYTHONPATH=<pysm 3.4.5 src> /usr/bin/python3 make_realization_references.py

Writes small synthetic inputs in PySM's formats under templates/realization/
(alm files by healpy's write_alm, spectra and Galactic-plane maps, gzipped,
with TUNIT1 set as PySM reads it), component configs under realization/ and
PySM's maps under outputs/, listed in realization_cases.txt; nside 2 has
alm of lmax above 8 nside, which healpy synthesises all the same.
"""
import gzip
import os
import shutil

import healpy as hp
import numpy as np
from astropy.io import fits

here = os.path.dirname(os.path.abspath(__file__))
tmpl = os.path.join(here, "templates")
os.environ["PYSM_LOCAL_DATA"] = tmpl
import pysm3  # noqa: E402
import pysm3.units as u  # noqa: E402
import toml  # noqa: E402

sub = "realization"
os.makedirs(os.path.join(tmpl, sub), exist_ok=True)
os.makedirs(os.path.join(here, sub), exist_ok=True)
np.random.seed(11)


def gz(path):
    with open(path, "rb") as f, gzip.GzipFile(path + ".gz", "wb", mtime=0) as g:
        shutil.copyfileobj(f, g)
    os.remove(path)
    return path + ".gz"


def set_unit(path, unit, hdus):
    with fits.open(path, mode="update") as h:
        for k in hdus:
            h[k].header["TUNIT1"] = unit


def alm_file(name, lmax, means, amps, unit, dtype=np.float64):
    """healpy alm file with n = len(means) HDUs; spectra amp (l+1)^-2.5"""
    ell = np.arange(lmax + 1)
    alms = []
    for k, (mean, amp) in enumerate(zip(means, amps)):
        cl = amp * (ell + 1.0) ** -2.5
        if k > 0:
            cl[:2] = 0
        a = hp.synalm(cl, lmax=lmax)
        a[0] += mean * np.sqrt(4 * np.pi)
        alms.append(a)
    path = os.path.join(tmpl, sub, name)
    hp.write_alm(path, alms if len(alms) > 1 else alms[0], out_dtype=dtype, overwrite=True)
    set_unit(path, unit, range(1, len(alms) + 1))
    return os.path.join(sub, os.path.basename(gz(path)))


def cl_file(name, lmax, amps, unit):
    ell = np.arange(lmax + 1)
    cols = []
    for k, amp in enumerate(amps):
        c = amp * (ell + 1.0) ** -2.0
        c[:2] = 0
        cols.append(fits.Column(name="C%d" % k, format="D", array=c, unit=unit))
    path = os.path.join(tmpl, sub, name)
    fits.BinTableHDU.from_columns(cols).writeto(path, overwrite=True)
    return os.path.join(sub, os.path.basename(gz(path)))


def map_file(name, nside, cols, units):
    path = os.path.join(tmpl, sub, name)
    hp.write_map(path, cols, column_units=units, dtype=np.float32, overwrite=True)
    return os.path.join(sub, os.path.basename(gz(path)))


def fix_maps(nside, iqu):
    theta, _ = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    sb = np.abs(np.cos(theta))
    w = np.clip((sb - 0.05) / 0.2, 0, 1)
    return [v * (1 + 0.5 * np.exp(-sb / 0.1)) for v in iqu] + [w], sb


small6 = [0.05, 0.002, 0.001, 0.3 * np.sqrt(0.05 * 0.002), 0.0, 0.0]
d = {
    "amplitude_modulation_temp_alm": alm_file("dust_mod_t.fits", 24, [1.0], [0.01], ""),
    "amplitude_modulation_pol_alm": alm_file("dust_mod_p.fits", 24, [1.0], [0.02], ""),
    "largescale_alm": alm_file("dust_ls_logpoltens_complex64.fits", 32, [np.log(100), 0, 0],
                               [1.0, 0.01, 0.005], "uK_RJ", np.float32),
    "small_scale_cl": cl_file("dust_ss_cl.fits", 128, small6, "uK_RJ2"),
    "largescale_alm_mbb_index": alm_file("dust_ls_beta.fits", 32, [1.53], [0.003], ""),
    "small_scale_cl_mbb_index": cl_file("dust_ss_beta_cl.fits", 128, [1e-3], ""),
    "largescale_alm_mbb_temperature": alm_file("dust_ls_td.fits", 32, [19.5], [1.0], "K"),
    "small_scale_cl_mbb_temperature": cl_file("dust_ss_td_cl.fits", 128, [0.5], "K2"),
    "freq_ref": "353 GHz",
}
fix, sb = fix_maps(32, [900.0, 25.0, -30.0])
d["galplane_fix"] = map_file("dust_galplane.fits", 32, fix, ["uK_RJ"] * 3 + [""])
d["galplane_fix_beta_Td"] = map_file("dust_beta_td_galplane.fits", 32,
                                     [1.55 - 0.05 * sb, 20.5 - 2 * sb], ["", "K"])
s = {
    "largescale_alm": alm_file("synch_ls_logpoltens.fits", 16, [np.log(40), 0, 0],
                               [0.8, 0.02, 0.01], "uK_RJ"),
    "amplitude_modulation_temp_alm": alm_file("synch_mod_t.fits", 12, [1.0], [0.01], ""),
    "amplitude_modulation_pol_alm": alm_file("synch_mod_p.fits", 12, [1.0], [0.02], ""),
    "amplitude_modulation_beta_alm": alm_file("synch_mod_beta.fits", 24, [1.0], [0.02], ""),
    "small_scale_cl": cl_file("synch_ss_cl.fits", 128, small6[:4], "uK_RJ^2"),
    "largescale_alm_pl_index": alm_file("synch_ls_beta.fits", 24, [0.0], [0.004], ""),
    "small_scale_cl_pl_index": cl_file("synch_ss_beta_cl.fits", 128, [1e-3], ""),
    "freq_ref": "23 GHz",
}
fix, _ = fix_maps(16, [60.0, 4.0, -3.0])
s["galplane_fix"] = map_file("synch_galplane.fits", 16, fix, ["uK_RJ"] * 3 + [""])

configs = {
    "d11": dict(d, **{"class": "ModifiedBlackBodyRealization", "seeds": [8192, 777, 888]}),
    "d11nofix": dict({k: v for k, v in d.items() if not k.startswith("galplane")},
                     **{"class": "ModifiedBlackBodyRealization", "seeds": [1, 2, 3],
                        "synalm_lmax": 20}),
    "s6": dict(s, **{"class": "PowerLawRealization", "seeds": [555, 444]}),
    "s6plain": dict({k: v for k, v in s.items()
                     if k not in ("galplane_fix", "amplitude_modulation_beta_alm")},
                    **{"class": "PowerLawRealization", "seeds": [5, 6], "synalm_lmax": 200}),
}
runs = {
    "d11": [(2, [300.0]), (16, [100.0]), (32, [200.0, 220.0, 240.0]), (64, [353.0])],
    "d11nofix": [(16, [353.0]), (32, [545.0])],
    "s6": [(2, [20.0]), (16, [30.0]), (32, [5.0, 10.0]), (64, [23.0])],
    "s6plain": [(16, [70.0]), (64, [40.0, 45.0])],
}
cases = ["# generated by make_realization_references.py with PySM " + pysm3.__version__,
         "# name | config | nside | freqs (GHz) | unit | reference"]
for name, cfg in configs.items():
    doc = {name: cfg}
    cfg_rel = os.path.join(sub, name + ".toml")
    with open(os.path.join(here, cfg_rel), "w") as f:
        toml.dump(doc, f)
    for nside, fr in runs[name]:
        sky = pysm3.Sky(nside=nside, component_config=doc, output_unit="uK_CMB")
        m = sky.get_emission(np.array(fr) * u.GHz)
        rel = "outputs/real_%s_n%d_uKCMB.fits" % (name, nside)
        hp.write_map(os.path.join(here, rel), m.value, dtype=np.float64, overwrite=True,
                     column_units="uK_CMB")
        cases.append(" | ".join([name, cfg_rel, str(nside), ",".join(map(repr, fr)), "uK_CMB",
                                 rel]))
# bad inputs for the error tests: an alm file missing coefficients, one whose
# extensions stop at different lmax, spectra with 3 columns
def alm_table(index):
    return fits.BinTableHDU.from_columns(
        [fits.Column(name="INDEX", format="J", array=index, unit="uK_RJ"),
         fits.Column(name="REAL", format="D", array=np.ones(len(index))),
         fits.Column(name="IMAG", format="D", array=np.zeros(len(index)))])


def alm_index(lmax):
    ell, m = hp.Alm.getlm(lmax)
    return ell**2 + ell + m + 1


for name, tables in (("bad_alm_incomplete.fits", [alm_index(8)[:40]]),
                     ("bad_alm_lmax.fits", [alm_index(16), alm_index(16), alm_index(8)])):
    p = os.path.join(tmpl, sub, name)
    fits.HDUList([fits.PrimaryHDU()] + [alm_table(t) for t in tables]).writeto(p, overwrite=True)
    gz(p)
cl_file("bad_cl_3col.fits", 32, [0.05, 0.002, 0.001], "uK_RJ2")

with open(os.path.join(here, "realization_cases.txt"), "w") as f:
    f.write("\n".join(cases) + "\n")
print("\n".join(cases))
