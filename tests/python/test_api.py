"""The Python API's forms: frequencies as Quantity, numbers and arrays;
units as strings and astropy units; presets, version, dtype, component
tables as dicts and TOML files, many channels in one pass, smoothing, and a
PySM script run with only its imports changed."""
import os
import runpy

import numpy as np
import pytest

from conftest import HERE, TEMPLATES

u = pytest.importorskip("skymodel.units")
import skymodel  # noqa: E402


def sky(presets=("d1", "s1"), nside=16, **kw):
    return skymodel.Sky(nside=nside, preset_strings=list(presets), data_dir=TEMPLATES, **kw)


def test_version_and_presets():
    assert skymodel.__version__ == "0.1.0"
    p = skymodel.presets()
    assert {"d1", "s1", "f1", "a1", "c1", "c2"} <= set(p)
    assert all(isinstance(v, str) and v for v in p.values())


def test_frequency_forms_agree():
    s = sky()
    ref = s.get_emission(100.0)
    assert ref.shape == (3, 12 * 16 ** 2) and ref.unit == u.uK_RJ and ref.dtype == np.float64
    for f in (100, np.float32(100), 100 * u.GHz, 1e5 * u.MHz, 1e11 * u.Hz, [100.0],
              np.array([100.0]), np.array(100.0)):
        np.testing.assert_array_equal(s.get_emission(f).value, ref.value)
    band = s.get_emission([90, 100, 110])
    for f in (np.array([90.0, 100.0, 110.0]) * u.GHz, [90e3, 100e3, 110e3] * u.MHz,
              [90 * u.GHz, 100 * u.GHz, 110 * u.GHz]):
        np.testing.assert_allclose(s.get_emission(f).value, band.value, rtol=1e-13)


def test_units_as_strings_and_objects():
    for unit, obj in (("uK_CMB", u.uK_CMB), ("MJy/sr", u.MJy / u.sr), ("K_RJ", u.K_RJ)):
        a = sky(output_unit=unit).get_emission(100 * u.GHz)
        b = sky(output_unit=obj).get_emission(100 * u.GHz)
        assert a.unit == obj and b.unit == obj
        np.testing.assert_array_equal(a.value, b.value)
    rj = sky().get_emission(100 * u.GHz)
    cmb = sky(output_unit="uK_CMB").get_emission(100 * u.GHz)
    f = skymodel.bandpass_unit_conversion(100 * u.GHz, None, u.uK_CMB)
    assert f.unit == u.uK_CMB / u.uK_RJ
    np.testing.assert_allclose((rj * f).value, cmb.value, rtol=1e-12)
    # the conversion over a band with weights, input unit given
    g = skymodel.bandpass_unit_conversion([90, 100, 110], [1, 2, 1], "MJy/sr", "uK_CMB")
    h = skymodel.bandpass_unit_conversion([90, 100, 110] * u.GHz, np.array([1, 2, 1]),
                                          u.MJy / u.sr, u.uK_CMB)
    assert g == h and g.unit == (u.MJy / u.sr) / u.uK_CMB
    assert 1e-4 < g.value < 1e-3  # about 2.4e-4 MJy/sr per uK_CMB near 100 GHz


def test_pysm_dtype():
    s = sky(("c2",))
    assert s.get_emission([140, 150, 160]).dtype == np.float32  # CMBMap over a band
    assert s.get_emission(150).dtype == np.float64
    assert sky(("c2",), output_unit="K_CMB").get_emission(150).dtype == np.float64


def test_component_config_dict_and_file(tmp_path):
    # PySM's d0 table as a dict gives the d0 preset's map; as a TOML file too
    d0 = {"class": "ModifiedBlackBody", "map_I": "pysm_2/dust_t_new.fits",
          "map_Q": "pysm_2/dust_q_new.fits", "map_U": "pysm_2/dust_u_new.fits",
          "unit_I": "uK_RJ", "unit_Q": "uK_RJ", "unit_U": "uK_RJ",
          "map_mbb_index": 1.54, "map_mbb_temperature": 20, "unit_mbb_temperature": "K",
          "freq_ref_I": 545 * u.GHz, "freq_ref_P": "353 GHz"}
    want = sky(("d0",)).get_emission(217 * u.GHz)
    got = skymodel.Sky(nside=16, component_config={"mydust": d0},
                       data_dir=TEMPLATES).get_emission(217 * u.GHz)
    np.testing.assert_array_equal(got.value, want.value)
    toml = tmp_path / "sky.toml"
    toml.write_text("[mydust]\n" + "".join(
        f"{k} = {skymodel._toml_value(v)}\n" for k, v in d0.items()))
    got = skymodel.Sky(nside=16, component_config=toml, data_dir=TEMPLATES)
    np.testing.assert_array_equal(got.get_emission(217 * u.GHz).value, want.value)


def test_channels_in_one_pass():
    s = sky(("d1", "s1", "c2"), output_unit="uK_CMB")
    bands = [30, [90, 100, 110], ([140, 150, 160] * u.GHz, [1, 2, 1])]
    maps = s.get_emission_channels(bands, units=["uK_CMB", "MJy/sr", u.K_RJ])
    assert [m.unit for m in maps] == [u.uK_CMB, u.MJy / u.sr, u.K_RJ]
    for m, b, unit in zip(maps, bands, ["uK_CMB", "MJy/sr", "K_RJ"]):
        one = sky(("d1", "s1", "c2"), output_unit=unit)
        want = one.get_emission(*b) if isinstance(b, tuple) else one.get_emission(b)
        assert m.dtype == want.dtype
        np.testing.assert_array_equal(m.value, want.value)
    sm = s.get_emission_channels([30, 40], fwhm=[60 * u.arcmin, 30 * u.arcmin])
    want = skymodel.apply_smoothing_and_coord_transform(s.get_emission(40), fwhm=30 * u.arcmin)
    np.testing.assert_array_equal(sm[1].value, want.value)


def test_smoothing_forms():
    hp = pytest.importorskip("healpy")
    m = sky().get_emission(100 * u.GHz)
    a = skymodel.apply_smoothing_and_coord_transform(m, rot=hp.Rotator(coord=["G", "C"]))
    b = skymodel.apply_smoothing_and_coord_transform(m, rot="GC")
    assert a.unit == m.unit
    np.testing.assert_array_equal(a.value, b.value)
    c = skymodel.apply_smoothing_and_coord_transform(m.value[0], fwhm=np.radians(1.0),
                                                     map2alm_lsq_maxiter=0)
    d = skymodel.apply_smoothing_and_coord_transform(m[0], fwhm=1 * u.deg,
                                                     map2alm_lsq_maxiter=0)
    assert c.shape == (12 * 16 ** 2,)
    np.testing.assert_allclose(c, d.value, rtol=1e-12)
    # a Gaussian beam window is the fwhm beam
    bl = hp.gauss_beam(np.radians(1.0), lmax=40, pol=True)[:, :3]
    e = skymodel.apply_smoothing_and_coord_transform(m, beam_window=bl, lmax=40)
    f = skymodel.apply_smoothing_and_coord_transform(m, fwhm=1 * u.deg, lmax=40)
    np.testing.assert_allclose(e.value, f.value, atol=1e-9 * np.abs(f.value).max())
    car = skymodel.apply_smoothing_and_coord_transform(m, fwhm=1 * u.deg,
                                                       output_car_resol=5 * u.deg)
    assert car.shape == (3, 36, 72) and car.unit == m.unit
    both = skymodel.apply_smoothing_and_coord_transform(m, fwhm=1 * u.deg, return_healpix=True,
                                                        output_car_resol=5 * u.deg)
    np.testing.assert_array_equal(both[1].value, car.value)
    np.testing.assert_array_equal(
        both[0].value,
        skymodel.apply_smoothing_and_coord_transform(m, fwhm=1 * u.deg).value)
    with pytest.raises(NotImplementedError):
        skymodel.apply_smoothing_and_coord_transform(m, rot=hp.Rotator(rot=[10, 0, 0]))


def test_pysm_script_unchanged_but_the_import(monkeypatch):
    monkeypatch.setenv("PYSM_LOCAL_DATA", TEMPLATES)
    g = runpy.run_path(os.path.join(HERE, "pysm_script.py"), run_name="__main__")
    cmb = skymodel.Sky(nside=64, preset_strings=["d1", "s1", "f1", "a1", "c2"],
                       output_unit="uK_CMB", data_dir=TEMPLATES)
    np.testing.assert_allclose(g["map_100GHz_cmb"].value, cmb.get_emission(100 * u.GHz).value,
                               rtol=1e-12)
    band = cmb.get_emission(np.linspace(90, 110, 11) * u.GHz, np.ones(11))
    np.testing.assert_allclose(g["band_map_cmb"].value, band.value, rtol=1e-6)
    assert g["smoothed"].shape == (3, 12 * 32 ** 2)
