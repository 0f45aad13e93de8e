"""Units for skymodel, as ``pysm3.units``: astropy's units plus the
Rayleigh-Jeans and CMB temperature units ``K_RJ`` and ``K_CMB`` with SI
prefixes (``uK_RJ``, ``mK_CMB``, ...), enabled so that ``u.Unit("uK_RJ")``
parses. Only names and labels: every conversion is made by the C library
(``skymodel.bandpass_unit_conversion``)."""
import astropy.units as _u
from astropy.units import *  # noqa: F401,F403  (u.GHz, u.arcmin, u.sr ...)


def _temperature_unit(name, doc):
    try:  # already defined (by pysm3.units, or an earlier import)
        return {name: _u.Unit(name)}
    except ValueError:
        pass
    ns = {}
    _u.def_unit([name], namespace=ns, prefixes=True, doc=doc)
    _u.add_enabled_units(ns)
    return ns


globals().update(_temperature_unit("K_RJ", "Rayleigh-Jeans brightness temperature"))
globals().update(_temperature_unit("K_CMB", "thermodynamic temperature of the CMB"))
for _p in ("u", "m", "n", "k", "M"):
    for _f in ("K_RJ", "K_CMB"):
        if _p + _f not in globals():
            globals()[_p + _f] = _u.Unit(_p + _f)
del _p, _f


def cmb_equivalencies(spec):
    """Equivalencies between K_RJ, K_CMB and Jy/sr at one frequency, as
    pysm3.units.cmb_equivalencies: ``m.to(u.uK_CMB,
    equivalencies=u.cmb_equivalencies(100 * u.GHz))``. The factors are the
    C library's (PySM's conversions at that frequency)."""
    from . import _skymodel
    ghz = float(_u.Quantity(spec).to_value(_u.GHz, equivalencies=_u.spectral()))
    base = {"K_RJ": _u.Unit("K_RJ"), "K_CMB": _u.Unit("K_CMB"), "Jy/sr": _u.Jy / _u.sr}
    eq = []
    for a, ua in base.items():
        for b, ub in base.items():
            if a < b:
                f = _skymodel.bandpass_unit_conversion([ghz], None, a, b)
                eq.append((ua, ub, lambda x, f=f: x * f, lambda x, f=f: x / f))
    return eq
