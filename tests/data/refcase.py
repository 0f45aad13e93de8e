"""Shared by the make_*_references.py scripts: evaluates a PySM Sky on one
band and stores the map and its reference_cases.txt line."""
import os

import healpy as hp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ["PYSM_LOCAL_DATA"] = os.path.join(HERE, "templates")


def emission(sky, freqs, weights):
    """sky.get_emission for one frequency or a band, as float64 IQU."""
    import pysm3.units as u
    f = np.array(freqs) * u.GHz
    m = sky.get_emission(f if len(freqs) > 1 else f[0],
                         None if weights is None else np.array(weights))
    return np.asarray(m.value, dtype=np.float64)


def store(name, presets, nside, freqs, weights, unit, m, options):
    """Writes outputs/<name>.fits; returns the case line."""
    out = os.path.join("outputs", name + ".fits")
    hp.write_map(os.path.join(HERE, out), m, column_names=["I_STOKES", "Q_STOKES", "U_STOKES"],
                 column_units=unit, dtype=np.float64, overwrite=True)
    print(name, m.std(axis=1))
    w = ",".join(repr(float(x)) for x in weights) if weights else "-"
    return " | ".join([name, presets, str(nside), ",".join(repr(float(x)) for x in freqs), w,
                       unit, out, options.strip()])


def append(script, lines, path="reference_cases.txt"):
    with open(os.path.join(HERE, path), "a") as fh:
        fh.write(f"# cases made by {script}\n" + "\n".join(lines) + "\n")
