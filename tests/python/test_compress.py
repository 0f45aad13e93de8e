"""Compressed channel groups from Python (issue 22):
Sky.get_emission_channels(..., compress_tol=...) gives the maps `skymodel sim
--instrument` writes (its default), each channel within 1e-5 of its RMS of
the map smoothed on its own (compress_tol=None, PySM's way)."""
import json
import os
import subprocess

import numpy as np
import pytest

from conftest import TEMPLATES

import skymodel  # noqa: E402

NSIDE = 16


def write_detectors(folder, n=16):
    rng = np.random.default_rng(3)
    channels = []
    for k in range(n):
        c, w = 90 + rng.uniform(-1, 1), 20 + rng.uniform(-1, 1)
        f = np.linspace(c - w / 2, c + w / 2, 5)
        weights = 1 + 0.1 * np.sin(rng.uniform(1, 3) * np.arange(5) + rng.uniform(0, 6))
        channels.append({"name": f"det{k:02d}", "freqs_ghz": list(f), "weights": list(weights),
                         "fwhm_arcmin": 240.0})
    path = folder / "detectors.json"
    path.write_text(json.dumps({"sky": ["d1", "s1", "f1", "a1", "c1"], "output_unit": "uK_CMB",
                                "channels": channels}))
    return path


def rms_error(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return max(np.abs(a[s] - b[s]).max() / np.sqrt(np.mean(a[s] ** 2)) for s in range(3))


def test_compressed_channels_equal_each_smoothed(tmp_path):
    ins = skymodel.Instrument(write_detectors(tmp_path))
    sky = ins.sky(NSIDE, data_dir=TEMPLATES)
    each = sky.get_emission_channels(ins)
    comp = sky.get_emission_channels(ins, compress_tol=1e-6)
    for name, a, b in zip(ins.names, each, comp):
        assert a.unit == b.unit
        assert rms_error(a.value, b.value) < 1e-5, name


def test_compressed_channels_equal_the_command_line(tmp_path):
    program = os.environ.get("SKYMODEL_PROGRAM")
    if not program:
        pytest.skip("SKYMODEL_PROGRAM (the skymodel program, set by CTest) is not set")
    hp = pytest.importorskip("healpy")
    path = write_detectors(tmp_path)
    out = tmp_path / "maps"
    subprocess.run([program, "sim", "-q", "--instrument", str(path), "--nside", str(NSIDE),
                    "--data-dir", TEMPLATES, "--dtype", "float64", "-o", str(out)], check=True)
    ins = skymodel.Instrument(path)
    sky = ins.sky(NSIDE, data_dir=TEMPLATES)
    maps = sky.get_emission_channels(ins, compress_tol=1e-6)
    for name, m in zip(ins.names, maps):
        want = np.array(hp.read_map(str(out / f"{name}.fits"), field=None, dtype=np.float64))
        assert rms_error(want, m.value) < 1e-10, name


def test_bad_compress_tol(tmp_path):
    ins = skymodel.Instrument(write_detectors(tmp_path, 2))
    sky = ins.sky(NSIDE, data_dir=TEMPLATES)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="compress_tol"):
            sky.get_emission_channels(ins, compress_tol=bad)


def test_basis_out_reproduces_every_channel(tmp_path):
    """--basis-out's maps and coefficients, combined as docs/instrument.md says,
    give each channel's own file; basis maps beyond k_p hold I only."""
    program = os.environ.get("SKYMODEL_PROGRAM")
    if not program:
        pytest.skip("SKYMODEL_PROGRAM (the skymodel program, set by CTest) is not set")
    hp = pytest.importorskip("healpy")
    path = write_detectors(tmp_path)
    out, basis = tmp_path / "maps", tmp_path / "basis"
    subprocess.run([program, "sim", "-q", "--instrument", str(path), "--nside", str(NSIDE),
                    "--data-dir", TEMPLATES, "--dtype", "float64", "-o", str(out),
                    "--basis-out", str(basis)], check=True)
    group = json.loads((basis / "group1.json").read_text())
    k_i, k_p = group["k_i"], group["k_p"]
    assert len(group["basis"]) == max(k_i, k_p)
    maps = []
    for k, name in enumerate(group["basis"]):
        m = np.atleast_2d(hp.read_map(str(basis / name), field=None, dtype=np.float64))
        assert m.shape[0] == (3 if k < k_p else 1), name
        maps.append(m)
    for ch in group["channels"]:
        want = np.array(hp.read_map(str(out / f"{ch['name']}.fits"), field=None,
                                    dtype=np.float64))
        got = np.zeros_like(want)
        for k, a in enumerate(ch["i"]):
            got[0] += a * maps[k][0]
        for k, a in enumerate(ch["qu"]):
            got[1:] += a * maps[k][1:]
        assert rms_error(want, got) < 1e-12, ch["name"]
