"""Instrument files from Python: skymodel.Instrument reads them with the
library's reader, and Sky.get_emission_channels(instrument) makes the maps
that `skymodel sim --instrument` writes (same bands, units and beams, the
same precedence of the call's options over the file's)."""
import json
import os
import subprocess

import numpy as np
import pytest

from conftest import TEMPLATES

u = pytest.importorskip("skymodel.units")
import skymodel  # noqa: E402

NSIDE = 16


def write_instrument(folder):
    """Three channels: a linspace top-hat with a Gaussian beam, an inline
    weighted band in K_CMB without a beam, a bandpass file with a 3-column
    beam window."""
    lmax = 40
    ell = np.arange(lmax + 1)
    sig = np.radians(3.0) / np.sqrt(8 * np.log(2))
    g = np.exp(-0.5 * ell * (ell + 1) * sig ** 2)
    np.savetxt(folder / "bl.txt", np.column_stack([g, g * 0.99, g * 0.98]))
    np.savetxt(folder / "bp.txt", np.column_stack([[140, 145, 150, 155, 160],
                                                   [0.5, 1, 1, 1, 0.5]]))
    ins = {
        "sky": ["d1", "s1"],
        "output_unit": "uK_CMB",
        "channels": [
            {"name": "lo", "band_low_GHz": 25, "band_high_GHz": 35, "npoints": 5,
             "fwhm_arcmin": 200.0},
            {"name": "mid", "freqs_ghz": [90, 95, 100], "weights": [1, 2, 1], "unit": "K_CMB"},
            {"name": "hi", "bandpass_file": "bp.txt", "beam_window": "bl.txt"},
        ],
    }
    path = folder / "instrument.json"
    path.write_text(json.dumps(ins))
    return path


def test_instrument_reads_the_file(tmp_path):
    ins = skymodel.Instrument(write_instrument(tmp_path))
    assert ins.names == ["lo", "mid", "hi"] and len(ins) == 3
    assert ins.presets == ["d1", "s1"] and ins.output_unit == "uK_CMB"
    lo, mid, hi = ins.channels
    np.testing.assert_allclose(lo.freqs.to_value(u.GHz), np.linspace(25, 35, 5))
    assert lo.weights is None and lo.fwhm == 200 * u.arcmin and lo.beam_window is None
    np.testing.assert_array_equal(mid.weights, [1, 2, 1])
    assert mid.unit == "K_CMB" and mid.fwhm is None
    assert hi.bandpass_file == str(tmp_path / "bp.txt")
    assert hi.read_beam_window().shape == (3, 41)


def test_instrument_maps_equal_the_command_line(tmp_path):
    program = os.environ.get("SKYMODEL_PROGRAM")
    if not program:
        pytest.skip("SKYMODEL_PROGRAM (the skymodel program, set by CTest) is not set")
    hp = pytest.importorskip("healpy")
    path = write_instrument(tmp_path)
    out = tmp_path / "maps"
    subprocess.run([program, "sim", "-q", "--instrument", str(path), "--nside", str(NSIDE),
                    "--data-dir", TEMPLATES, "--dtype", "float64", "--lmax", "40",
                    "-o", str(out)], check=True)
    ins = skymodel.Instrument(path)
    sky = ins.sky(NSIDE, data_dir=TEMPLATES)
    maps = sky.get_emission_channels(ins, lmax=40)
    units = {"lo": u.uK_CMB, "mid": u.K_CMB, "hi": u.uK_CMB}
    for name, m in zip(ins.names, maps):
        want = np.array(hp.read_map(str(out / f"{name}.fits"), field=None, dtype=np.float64))
        assert m.unit == units[name]
        np.testing.assert_allclose(m.value, want, rtol=0, atol=1e-12 * np.abs(want).max(),
                                   err_msg=name)


def test_call_options_replace_the_files(tmp_path):
    ins = skymodel.Instrument(write_instrument(tmp_path))
    sky = ins.sky(NSIDE, data_dir=TEMPLATES)
    # fwhm replaces every channel's beam (and smooths "mid" too); units every unit
    maps = sky.get_emission_channels(ins, units="uK_RJ", fwhm=2 * u.deg, lmax=40)
    for c, m in zip(ins.channels, maps):
        plain = sky.get_emission_channels([(c.freqs, c.weights)], units="uK_RJ")[0]
        want = skymodel.apply_smoothing_and_coord_transform(plain, fwhm=2 * u.deg, lmax=40)
        assert m.unit == u.uK_RJ
        np.testing.assert_array_equal(m.value, want.value)
    # without options only the channels with a beam are smoothed
    raw = sky.get_emission_channels(ins)
    mid = sky.get_emission_channels([(ins.channels[1].freqs, ins.channels[1].weights)],
                                    units="K_CMB")[0]
    np.testing.assert_array_equal(raw[1].value, mid.value)


def test_bad_instruments(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing.json"):
        skymodel.Instrument(tmp_path / "nothing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"channels": [{"name": "a", "freqs_ghz": [100],
                                             "fwhm_arcmn": 3}]}))
    with pytest.raises(ValueError, match="fwhm_arcmn"):
        skymodel.Instrument(bad)
    nosky = tmp_path / "nosky.json"
    nosky.write_text(json.dumps({"channels": [{"name": "a", "freqs_ghz": [100]}]}))
    with pytest.raises(ValueError, match='has no "sky"'):
        skymodel.Instrument(nosky).sky(NSIDE)
    with pytest.raises(OSError, match="beam window"):
        (tmp_path / "bl.txt").write_text("1 2\n")
        skymodel._skymodel.read_beam_window(str(tmp_path / "bl.txt"))


def test_smoothed_channels_paint_as_the_program(tmp_path):
    """Components that apply the beam themselves (rg2 paints its sources)
    go through the library's smoothing step, as `skymodel sim --fwhm`."""
    program = os.environ.get("SKYMODEL_PROGRAM")
    if not program:
        pytest.skip("SKYMODEL_PROGRAM (the skymodel program, set by CTest) is not set")
    hp = pytest.importorskip("healpy")
    out = tmp_path / "rg2d1.fits"
    subprocess.run([program, "sim", "-q", "--preset", "rg2,d1", "--nside", "32", "--freq", "100",
                    "--fwhm", "60", "--lmax", "64", "--dtype", "float64", "--data-dir",
                    TEMPLATES, "--offline", "-o", str(out)], check=True)
    sky = skymodel.Sky(nside=32, preset_strings=["rg2", "d1"], data_dir=TEMPLATES)
    m = sky.get_emission_channels([100], fwhm=60 * u.arcmin, lmax=64)[0]
    want = np.array(hp.read_map(str(out), field=None, dtype=np.float64))
    np.testing.assert_allclose(m.value, want, rtol=0, atol=1e-12 * np.abs(want).max())
    # rg3's maps carry a beam: unsmoothed it cannot be evaluated
    with pytest.raises(ValueError, match="rg3"):
        skymodel.Sky(nside=32, preset_strings=["rg3"], data_dir=TEMPLATES).get_emission(100)
