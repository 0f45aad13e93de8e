#!/usr/bin/env python3
"""Makes PySM 3.4.5 reference maps for the dipole, WebSky CMB, SZ and CO
presets (dip1 dip2 c3 c4 tsz1-tsz4 ksz1-ksz3 co1-co3, issue 18).

Usage (from anywhere; Debian's python3 with python3-healpy, python3-numba,
python3-h5py, python3-astropy, python3-toml, python3-scipy):

  PYTHONPATH=<pysm 3.4.5 src> /usr/bin/python3 tests/data/make_extragalactic_references.py

(PySM's src/pysm3/_version.py must define __version__ and __version_tuple__.)

1. Writes small synthetic templates in PySM's layout under templates/
   (websky/0.4/..., agora/..., halfdome/0.1/tsz/..., co/...): float32, RING,
   one column per field, content at nside 32 under PySM's nside512 names
   (PySM picks those for any sky nside <= 512), except tsz_8192_hp.fits at
   nside 64, so one map is degraded at every tested nside. Deterministic
   (numpy seed 18). The y-maps carry odd or no TUNITs on purpose: PySM reads
   them as uK_CMB whatever the header says.
2. Evaluates PySM for every case of CASES below and writes outputs/NAME.fits
   (float64, I Q U; a 1-D result is stored as I, 0, 0) and the case lines to
   extragalactic_cases.txt (format of reference_cases.txt, see
   test_reference.c). Cases without the dipole are Sky.get_emission itself.
   Cases with the dipole are Sky.get_emission re-done here with the dipole
   (a 1-D map) added to I only, in any position: PySM broadcasts it into
   I, Q and U after another component and raises when it comes first, which
   skymodel deliberately does not copy (issue 18). Everything else of that
   sum is PySM's: the first component's array (and dtype) takes the others
   in place, then the Sky's unit factor.
3. Re-derives a few maps without PySM (SZ, CO on a line, dipole, kSZ, CMB)
   and prints their largest difference relative to the reference RMS.
"""
import json
import os
import sys

import healpy as hp
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refcase  # noqa: E402  (sets PYSM_LOCAL_DATA)

import pysm3  # noqa: E402
import pysm3.units as u  # noqa: E402
from pysm3.sky import PRESET_MODELS, create_components_from_config  # noqa: E402
from pysm3.utils import bandpass_unit_conversion  # noqa: E402

assert pysm3.__version__ == "3.4.5", pysm3.__version__

HERE = refcase.HERE
TMPL = os.path.join(HERE, "templates")
NT = 32  # content nside of the synthetic templates

# ---------------------------------------------------------------- templates


def write(rel, maps, units, names=None):
    path = os.path.join(TMPL, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    hp.write_map(path, maps, column_units=units, column_names=names, dtype=np.float32,
                 overwrite=True)


def lat_deg(nside):
    theta, _ = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    return 90.0 - np.degrees(theta)


def blobs(nside, n, amp, sigma_deg, min_abs_lat=0.0):
    """n Gaussian spots of amplitude amp*(0.2..1), centres with |b| >= min_abs_lat."""
    m = np.zeros(hp.nside2npix(nside))
    k = 0
    while k < n:
        v = np.random.normal(size=3)
        v /= np.linalg.norm(v)
        if abs(np.degrees(np.arcsin(v[2]))) < min_abs_lat:
            continue
        pix = hp.query_disc(nside, v, np.radians(4 * sigma_deg))
        d = np.arccos(np.clip(np.dot(np.array(hp.pix2vec(nside, pix)).T, v), -1, 1))
        m[pix] += amp * np.random.uniform(0.2, 1.0) * np.exp(-0.5 * (d / np.radians(sigma_deg)) ** 2)
        k += 1
    return m


def cmb_realisation(nside, scale=1.0):
    """I, Q, U of a simple CMB-like spectrum (D_l flat: TT 3000, EE 30, BB 1 uK^2)."""
    ell = np.arange(3 * nside)
    norm = np.zeros(len(ell))
    norm[2:] = 2 * np.pi / (ell[2:] * (ell[2:] + 1.0))
    cls = [3000 * norm * scale, 30 * norm * scale, 1 * norm * scale, 0 * norm]
    return hp.synfast(cls, nside, lmax=3 * nside - 1, new=True)


def y_map(nside, nspots, floor=1e-7, spot=2e-5):
    """Compton y: positive lognormal background ~1e-7..1e-6 plus bright clusters."""
    ell = np.arange(3 * nside)
    g = hp.synfast(1.0 / (1.0 + ell) ** 2, nside, lmax=3 * nside - 1)
    g = (g - g.mean()) / g.std()
    return floor * np.exp(1.2 * g) * 3 + blobs(nside, nspots, spot, 2.0)


def ksz_map(nside, rms):
    ell = np.arange(3 * nside)
    cl = np.zeros(len(ell))
    cl[2:] = 2 * np.pi / (ell[2:] * (ell[2:] + 1.0))
    m = hp.synfast(cl, nside, lmax=3 * nside - 1)
    m -= m.mean()
    return m * rms / m.std()


def make_templates():
    np.random.seed(18)
    # WebSky CMB: one column per file, uK_CMB
    unl = cmb_realisation(NT)
    lensed = unl + cmb_realisation(NT, 0.02)  # lensing-like small difference
    seed2 = cmb_realisation(NT)
    b = lat_deg(NT)
    # a solar dipole of 3.36 mK along (l, b) = (264, 48) on the lensed map, in I
    vdip = hp.ang2vec(264.0, 48.0, lonlat=True)
    soldip = lensed.copy()
    soldip[0] = soldip[0] + 3366.0 * np.dot(vdip, hp.pix2vec(NT, np.arange(hp.nside2npix(NT))))
    for maps, tag in [(unl, "unlensed_alm_seed1_"), (lensed, "lensed_alm_seed1_"),
                      (seed2, "lensed_alm_seed2_"), (soldip, "lensed_alm_seed1_solardipole_")]:
        for k, pol in enumerate("IQU"):
            write(f"websky/0.4/cmb/map_{pol}_{tag}nside512.fits", maps[k], "uK_CMB")
    # SZ: y maps (read as uK_CMB whatever TUNIT says) and kSZ maps
    write("websky/0.4/ksz.fits", ksz_map(NT, 3.0), "uK_CMB")
    write("websky/0.4/tsz_8192_hp.fits", y_map(64, 40), "K_CMB")  # nside 64 on purpose
    ag = "agora/agora_{}NG_bahamas80_bnd_unb_1.0e+12_1.0e+18{}.fits"
    write(ag.format("uksz", ""), ksz_map(NT, 2.0), "uK")
    write(ag.format("utsz", ""), y_map(NT, 30), None)
    write(ag.format("lksz", "_lensed"), ksz_map(NT, 2.5), "uK_CMB")
    write(ag.format("ltsz", "_lensed"), y_map(NT, 30), "y")
    write("halfdome/0.1/tsz/y_b16_halo_res1_s100.fits", y_map(NT, 25), "dimensionless")
    write("halfdome/0.1/tsz/y_b16_halo_res1_s102.fits", y_map(NT, 25), None)
    # CO: bright Galactic plane, three lines in K_CMB
    plane = np.exp(-0.5 * (b / 4.0) ** 2) * np.random.uniform(0.5, 1.5, len(b))
    co10 = 2e-3 * plane + 2e-5 * np.random.normal(size=len(b))
    co = [co10, 0.6 * co10 * np.random.uniform(0.8, 1.2, len(b)),
          0.3 * co10 * np.random.uniform(0.8, 1.2, len(b))]
    write("co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits", co, ["K_CMB"] * 3,
          ["I10", "I21", "I32"])
    write("co/psimap_dust90_512.fits", np.random.uniform(-np.pi / 2, np.pi / 2, len(b)), "rad")
    write("co/gmap_dust90_512.fits",
          1.0 - 0.8 * np.exp(-0.5 * (b / 10.0) ** 2) * np.random.uniform(0, 1, len(b)), None)
    hgl = blobs(NT, 30, 5e-4, 3.0, min_abs_lat=25.0) * (np.abs(b) > 20)
    write("co/mcmoleCO_HGL_512.fits", [hgl, 0.5 * hgl, 0.2 * hgl], ["K_CMB"] * 3)


# ---------------------------------------------------------------- cases

ZERO_EDGE = [0.0, 0.4, 0.9, 1.0, 1.0, 0.9, 0.4, 0.0]
S102 = "halfdome/0.1/tsz/y_b16_halo_res1_s102.fits"


def lin(a, b, n):
    return [round(float(x), 6) for x in np.linspace(a, b, n)]


# name, presets, nside, freqs (GHz), weights or None, unit, {preset: {key: value}}
CASES = [
    # the dipole alone, first, last, in the middle, after a float32 first component
    ("dip1_n32_100GHz_uKRJ", "dip1", 32, [100.0], None, "uK_RJ", {}),
    ("dip1_n16_band_KCMB", "dip1", 16, lin(85, 120, 8), ZERO_EDGE, "K_CMB", {}),
    ("dip2_n32_30GHz_uKCMB", "dip2", 32, [30.0], None, "uK_CMB", {}),
    ("dip2_n32_143GHz_KCMB", "dip2", 32, [143.0], None, "K_CMB", {}),
    ("dip2_n64_353GHz_MJysr", "dip2", 64, [353.0], None, "MJy/sr", {}),
    ("dip2_n32_545GHz_Jysr", "dip2", 32, [545.0], None, "Jy/sr", {}),
    ("dip2_n16_tophat_KRJ", "dip2", 16, lin(130, 170, 5), None, "K_RJ", {}),
    ("dip1_first_d1_n32_353GHz_uKCMB", "dip1,d1", 32, [353.0], None, "uK_CMB", {}),
    ("dip2_last_d1s1_n32_band_uKRJ", "d1,s1,dip2", 32, lin(20, 34, 8), ZERO_EDGE, "uK_RJ", {}),
    ("dip1_middle_s1d1_n64_100GHz_mKCMB", "s1,dip1,d1", 64, [100.0], None, "mK_CMB", {}),
    ("dip1_after_f32_c4_n32_band_uKCMB", "c4,dip1", 32, lin(140, 160, 5), None, "uK_CMB", {}),
    # WebSky CMB
    ("c3_n32_100GHz_uKCMB", "c3", 32, [100.0], None, "uK_CMB", {}),
    ("c3_n16_band_KCMB", "c3", 16, lin(125, 160, 8), ZERO_EDGE, "K_CMB", {}),
    ("c3_n32_353GHz_Jysr", "c3", 32, [353.0], None, "Jy/sr", {}),
    ("c4_n64_143GHz_uKRJ", "c4", 64, [143.0], None, "uK_RJ", {}),
    ("c4_n32_tophat_MJysr", "c4", 32, lin(200, 240, 5), None, "MJy/sr", {}),
    ("c4_seed2_n32_150GHz_uKCMB", "c4", 32, [150.0], None, "uK_CMB", {"c4": {"seed": 2}}),
    ("c4_soldip_n32_band_uKRJ", "c4", 32, lin(85, 120, 8), ZERO_EDGE, "uK_RJ",
     {"c4": {"include_solar_dipole": True}}),
    # thermal SZ: 30/150/353, its null at 217, bands, the four y-maps, s102
    ("tsz1_n32_150GHz_uKCMB", "tsz1", 32, [150.0], None, "uK_CMB", {}),
    ("tsz1_n16_217GHz_uKRJ", "tsz1", 16, [217.0], None, "uK_RJ", {}),
    ("tsz1_n64_353GHz_MJysr", "tsz1", 64, [353.0], None, "MJy/sr", {}),
    ("tsz1_n32_tophat_200-235GHz_uKCMB", "tsz1", 32, lin(200, 235, 8), None, "uK_CMB", {}),
    ("tsz2_n32_30GHz_KRJ", "tsz2", 32, [30.0], None, "K_RJ", {}),
    ("tsz3_n32_band_uKCMB", "tsz3", 32, lin(125, 160, 8), ZERO_EDGE, "uK_CMB", {}),
    ("tsz4_n64_150GHz_KCMB", "tsz4", 64, [150.0], None, "K_CMB", {}),
    ("tsz4_s102_n32_353GHz_uKRJ", "tsz4", 32, [353.0], None, "uK_RJ",
     {"tsz4": {"template_name": S102}}),
    # kinetic SZ
    ("ksz1_n32_150GHz_uKCMB", "ksz1", 32, [150.0], None, "uK_CMB", {}),
    ("ksz2_n16_band_mKCMB", "ksz2", 16, lin(85, 120, 8), ZERO_EDGE, "mK_CMB", {}),
    ("ksz3_n64_100GHz_Jysr", "ksz3", 64, [100.0], None, "Jy/sr", {}),
    # CO: on each line, off every line, one line in a band, two lines in a band
    ("co1_n32_115GHz_uKRJ", "co1", 32, [115.271], None, "uK_RJ", {}),
    ("co2_n32_230GHz_KCMB", "co2", 32, [230.538], None, "K_CMB", {}),
    ("co3_n32_345GHz_uKCMB", "co3", 32, [345.796], None, "uK_CMB", {}),
    ("co3_n64_115GHz_MJysr", "co3", 64, [115.271], None, "MJy/sr", {}),
    ("co1_n32_100GHz_offline_zero", "co1", 32, [100.0], None, "uK_RJ", {}),
    ("co2d1_n32_100GHz_offline_uKRJ", "co2,d1", 32, [100.0], None, "uK_RJ", {}),
    ("co3_n16_band_oneline_uKRJ", "co3", 16, lin(107, 121, 8), ZERO_EDGE, "uK_RJ", {}),
    ("co3_n32_band_twolines_Jysr", "co3", 32, lin(150, 360, 15), None, "Jy/sr", {}),
    ("co3_lines2132_n32_band_KCMB", "co3", 32, lin(100, 360, 14), None, "K_CMB",
     {"co3": {"lines": ["21", "32"]}}),
    ("co2_pfrac_n32_230GHz_uKRJ", "co2", 32, [230.538], None, "uK_RJ",
     {"co2": {"polarization_fraction": 0.01}}),
    # sums with Galactic components, in several orders
    ("sum_tsz1ksz1c4co3_n32_band_uKCMB", "tsz1,ksz1,c4,co3", 32, lin(210, 250, 5), None,
     "uK_CMB", {}),
    ("sum_f32first_c4d1s1_n32_band_uKRJ", "c4,d1,s1", 32, lin(85, 120, 8), ZERO_EDGE, "uK_RJ",
     {}),
    ("sum_d1co3tsz2s1_n64_230GHz_Jysr", "d1,co3,tsz2,s1", 64, [230.538], None, "Jy/sr", {}),
    ("sum_s1c3ksz3_n16_30GHz_KCMB", "s1,c3,ksz3", 16, [30.0], None, "K_CMB", {}),
]


def set_options(overrides):
    out = []
    for preset, kv in overrides.items():
        for key, val in kv.items():
            if isinstance(val, bool):
                s = "true" if val else "false"
            elif isinstance(val, (list, dict)):
                s = json.dumps(val, separators=(",", ":"))
            else:
                s = str(val)
            assert " " not in s and "|" not in s, s
            out.append(f"set={preset}:{key}={s}")
    return " ".join(out)


def components(presets, overrides):
    config = {}
    for p in presets:
        config[p] = dict(PRESET_MODELS[p], **overrides.get(p, {}))
    return config


def sum_dipole_in_I(comps, freq, weights, unit):
    """Sky.get_emission, except that a 1-D (intensity-only) result goes to I only."""
    out = None
    for comp in comps:
        m = comp.get_emission(freq, weights=weights)
        if out is None:
            if m.ndim == 1:  # the dipole first: I only, float64 like the dipole
                out = np.zeros((3, m.shape[0]), dtype=m.dtype) << m.unit
                out[0] += m
            else:
                out = m
        elif m.ndim == 1:
            out[0] += m  # in place: keeps out's dtype (float32 stays float32)
        else:
            out += m
    return out * bandpass_unit_conversion(freq, weights, u.Unit(unit))


def evaluate(presets, nside, freqs, weights, unit, overrides):
    f = np.array(freqs) * u.GHz
    freq = f if len(freqs) > 1 else f[0]
    w = None if weights is None else np.array(weights, dtype=np.float64)
    config = components(presets, overrides)
    if any(PRESET_MODELS[p]["class"] == "CMBDipole" for p in presets):
        comps = create_components_from_config(config, nside=nside)
        m = sum_dipole_in_I(comps, freq, w, unit)
        if PRESET_MODELS[presets[0]]["class"] != "CMBDipole" or len(presets) == 1:
            # PySM's own Sky gives the same I (it broadcasts the dipole into Q and U too)
            ref = pysm3.Sky(nside=nside, component_config=components(presets, overrides),
                            output_unit=unit).get_emission(freq, w)
            assert np.array_equal(np.atleast_2d(ref.value)[0], np.atleast_2d(m.value)[0])
    else:
        m = pysm3.Sky(nside=nside, component_config=config, output_unit=unit).get_emission(freq, w)
    v = np.asarray(m.value)
    dtype = v.dtype
    v = np.asarray(v, dtype=np.float64)
    if v.ndim == 1:
        v = np.vstack([v, np.zeros_like(v), np.zeros_like(v)])
    return v, dtype


# ---------------------------------------------------------------- independent checks

H, KB, TCMB = 6.62607015e-34, 1.380649e-23, 2.7255


def kcmb_to_krj(nu_ghz):
    x = H * nu_ghz * 1e9 / (KB * TCMB)
    return x * x * np.exp(x) / np.expm1(x) ** 2


def krj_to_unit(unit, nu_ghz):
    """K_RJ -> unit at one frequency, without astropy."""
    c = 299792458.0
    nu = nu_ghz * 1e9
    if unit == "uK_RJ":
        return 1e6
    if unit == "uK_CMB":
        return 1e6 / kcmb_to_krj(nu_ghz)
    if unit == "K_CMB":
        return 1.0 / kcmb_to_krj(nu_ghz)
    if unit == "MJy/sr":
        return 2 * KB * nu * nu / c**2 * 1e26 / 1e6
    raise ValueError(unit)


def read_at(rel, nside, field=0):
    m = hp.read_map(os.path.join(TMPL, rel), field=field, dtype=None)
    n_in = hp.get_nside(m)
    dt = m.dtype
    if nside < n_in:
        m = hp.ud_grade(m.astype(np.float64), nside)
    elif nside > n_in:
        m = hp.ud_grade(m, nside)
    return m.astype(dt)


def y2uk_pysm(nu):
    h, k, tc = 6.62607004e-27, 1.380622e-16, 2.725  # PySM's own SZ constants
    x = h * nu * 1e9 / k / tc
    return 1e6 * tc * (x * (np.exp(x) + 1) / np.expm1(x) - 4)


def independent_checks():
    """max |ours - reference| / RMS(reference) for a few maps re-derived by hand."""
    def ref(name):
        return hp.read_map(os.path.join(HERE, "outputs", name + ".fits"), field=(0, 1, 2))

    def rel(a, b):
        return np.max(np.abs(a - b)) / np.sqrt(np.mean(b**2))

    res = []
    # thermal SZ at one frequency: y * y2uK_CMB(nu) uK_CMB -> unit
    for name, rel_path, nside, nu, unit in [
            ("tsz1_n16_217GHz_uKRJ", "websky/0.4/tsz_8192_hp.fits", 16, 217.0, "uK_RJ"),
            ("tsz1_n32_150GHz_uKCMB", "websky/0.4/tsz_8192_hp.fits", 32, 150.0, "uK_CMB"),
            ("tsz1_n64_353GHz_MJysr", "websky/0.4/tsz_8192_hp.fits", 64, 353.0, "MJy/sr"),
            ("tsz4_n64_150GHz_KCMB", "halfdome/0.1/tsz/y_b16_halo_res1_s100.fits", 64, 150.0,
             "K_CMB")]:
        y = read_at(rel_path, nside).astype(np.float64)
        i = y * y2uk_pysm(nu) * 1e-6 * kcmb_to_krj(nu) * krj_to_unit(unit, nu)
        res.append((name, "I", rel(i, ref(name)[0])))
    # kSZ: the map itself in uK_CMB
    k = read_at("websky/0.4/ksz.fits", 32).astype(np.float64)
    res.append(("ksz1_n32_150GHz_uKCMB", "I", rel(k, ref("ksz1_n32_150GHz_uKCMB")[0])))
    # CO on a line: T_L [K_CMB] -> uK_RJ at the line (co1: I only; co2: Q, U too)
    co = read_at("co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits", 32, (0, 1, 2)).astype(np.float64)
    r = ref("co1_n32_115GHz_uKRJ")
    res.append(("co1_n32_115GHz_uKRJ", "I", rel(co[0] * kcmb_to_krj(115.271) * 1e6, r[0])))
    # polarised: p*g and cos/sin(2 psi) rounded to float32 as PySM's numpy does with the
    # float32 files ("f64" rows: all in float64, differing by float32 rounding only)
    psi = read_at("co/psimap_dust90_512.fits", 32)
    g = read_at("co/gmap_dust90_512.fits", 32)
    r = ref("co2_pfrac_n32_230GHz_uKRJ")
    i_l = co[1] * kcmb_to_krj(230.538) * 1e6
    pg32 = (np.float32(0.01) * g).astype(np.float64)
    pg64 = 0.01 * g.astype(np.float64)
    c32, s32 = np.cos(2 * psi).astype(np.float64), np.sin(2 * psi).astype(np.float64)
    c64, s64 = np.cos(2 * psi.astype(np.float64)), np.sin(2 * psi.astype(np.float64))
    res.append(("co2_pfrac_n32_230GHz_uKRJ", "I", rel(i_l, r[0])))
    res.append(("co2_pfrac_n32_230GHz_uKRJ", "Q", rel(pg32 * i_l * c32, r[1])))
    res.append(("co2_pfrac_n32_230GHz_uKRJ", "U", rel(pg32 * i_l * s32, r[2])))
    res.append(("co2_pfrac_n32_230GHz_uKRJ", "Q64", rel(pg64 * i_l * c64, r[1])))
    res.append(("co2_pfrac_n32_230GHz_uKRJ", "U64", rel(pg64 * i_l * s64, r[2])))
    # CO in a band holding one line (co3, nside 16): (T + HGL) at the line times the
    # RJ-normalised weight w nu^2 / trapz(w nu^2), linearly interpolated at the line
    nu = np.array(lin(107, 121, 8))
    wt = np.array(ZERO_EDGE) * nu**2
    wt /= np.trapz(wt, nu)
    t16 = read_at("co/HFI_CompMap_CO-Type1_512_R2.00_ring.fits", 16).astype(np.float64)
    hgl16 = read_at("co/mcmoleCO_HGL_512.fits", 16).astype(np.float64)
    i = (t16 + hgl16) * kcmb_to_krj(115.271) * 1e6 * np.interp(115.271, nu, wt)
    res.append(("co3_n16_band_oneline_uKRJ", "I", rel(i, ref("co3_n16_band_oneline_uKRJ")[0])))
    # CO off every line alone: exact zeros
    res.append(("co1_n32_100GHz_offline_zero", "IQU", float(np.abs(ref("co1_n32_100GHz_offline_zero")).max())))
    # dipole: the relativistic formula (dip1) and the first-order one (dip2)
    tc, amp = 2.72548, 3366.6e-6
    d = amp / tc
    beta = d * (d + 2) / (d * d + 2 * d + 2)
    gamma = 1 / np.sqrt(1 - beta**2)
    for name, nside, nu, unit, quad in [("dip1_n32_100GHz_uKRJ", 32, 100.0, "uK_RJ", False),
                                        ("dip2_n32_143GHz_KCMB", 32, 143.0, "K_CMB", True),
                                        ("dip2_n64_353GHz_MJysr", 64, 353.0, "MJy/sr", True)]:
        lon, lat = np.radians(263.986), np.radians(48.247)
        v = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
        cos_t = v @ np.array(hp.pix2vec(nside, np.arange(hp.nside2npix(nside))))
        if quad:
            fx = H * nu * 1e9 / (KB * tc)
            fcor = fx / 2 * (np.exp(fx) + 1) / np.expm1(fx)
            dt = tc * (beta * cos_t + fcor * (beta * cos_t) ** 2)
        else:
            dt = tc / (gamma * (1 - beta * cos_t)) - tc
        i = dt * kcmb_to_krj(nu) * krj_to_unit(unit, nu)
        res.append((name, "I", rel(i, ref(name)[0])))
    # WebSky CMB at one frequency in uK_CMB: the maps themselves
    cmb = np.array([read_at(f"websky/0.4/cmb/map_{p}_unlensed_alm_seed1_nside512.fits", 32)
                    for p in "IQU"], dtype=np.float64)
    r = ref("c3_n32_100GHz_uKCMB")
    for s in range(3):
        res.append(("c3_n32_100GHz_uKCMB", "IQU"[s], rel(cmb[s], r[s])))
    return res


def main():
    make_templates()
    lines, dtypes = [], {}
    for name, presets, nside, freqs, weights, unit, overrides in CASES:
        m, dtype = evaluate(presets.split(","), nside, freqs, weights, unit, overrides)
        dtypes[name] = dtype
        lines.append(refcase.store(name, presets, nside, freqs, weights, unit, m,
                                   set_options(overrides)))
    with open(os.path.join(HERE, "extragalactic_cases.txt"), "w") as fh:
        fh.write("# made by make_extragalactic_references.py with PySM 3.4.5 (issue 18); format:\n"
                 "# name | presets | nside | freqs | weights or - | unit | output | options\n")
        fh.write("\n".join(line.rstrip(" |") if line.endswith("| ") else line for line in lines)
                 + "\n")
    print("PySM output dtypes:", {k: str(v) for k, v in dtypes.items() if v != np.float64})
    print("independent checks (max |diff| / reference RMS):")
    for name, stokes, r in independent_checks():
        print(f"  {name:36s} {stokes:3s} {r:.2e}")


if __name__ == "__main__":
    main()
