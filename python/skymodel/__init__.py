"""skymodel: PySM 3.4.5's Python API over the C library skymodel.

    import skymodel as pysm3
    import astropy.units as u
    sky = pysm3.Sky(nside=128, preset_strings=["d1", "s1"])
    m = sky.get_emission(100 * u.GHz)          # astropy Quantity (3, npix), uK_RJ

This file only turns Python types into the C extension's (astropy
quantities into GHz, radians and unit strings, component dictionaries into
parameter lists) and the results back into quantities; every check,
evaluation and transform is the C library's (skymodel._skymodel). See
docs/python.md.
"""
import os
from collections.abc import Mapping

import numpy as np

from . import _skymodel as _c

try:
    import astropy.units as _u
    from . import units  # noqa: F401  (K_RJ, K_CMB as astropy units)
except ImportError:  # maps are plain arrays with a .unit string then
    _u = None

__version__ = _c.version
__pysm_version__ = _c.pysm_version

__all__ = ["Sky", "Instrument", "presets", "bandpass_unit_conversion",
           "apply_smoothing_and_coord_transform", "__version__"]

# pixels evaluated between two checks for Ctrl-C (the GIL is released
# while each chunk is computed)
CHUNK = 1 << 20


def presets():
    """Every preset the library knows: {name: one-line description}."""
    return dict(_c.presets())


def _is_quantity(x):
    return _u is not None and isinstance(x, _u.Quantity)


def _unit_str(unit):
    """A unit (a string or an astropy unit) as the library's string."""
    if unit is None:
        return "uK_RJ"
    if isinstance(unit, str):
        return unit
    if _u is not None and isinstance(unit, _u.UnitBase):
        return unit.to_string()
    raise TypeError(f"unit {unit!r}: expected a string such as 'uK_CMB' or an astropy unit")


def _ghz(freq):
    """Frequencies as float64 GHz: a number, a sequence or an astropy Quantity
    in any frequency unit (Hz, MHz, GHz ...)."""
    if _is_quantity(freq):
        return np.asarray(freq.to_value(_u.GHz, equivalencies=_u.spectral()), dtype=np.float64)
    if _u is not None and isinstance(freq, (list, tuple)) and freq and \
            all(isinstance(f, _u.Quantity) for f in freq):
        return np.array([f.to_value(_u.GHz, equivalencies=_u.spectral()) for f in freq])
    return freq


def _weights(weights):
    if weights is None:
        return None
    if _is_quantity(weights):
        weights = weights.value
    return weights


def _as_map(arr, unit):
    """The library's array as PySM returns it: an astropy Quantity sharing
    the array's memory (no copy)."""
    if _u is not None:
        return _u.Quantity(arr, _u.Unit(unit), copy=False)
    m = arr.view(Map)
    m.unit = unit
    return m


class Map(np.ndarray):
    """A map with a unit string, when astropy is not installed."""
    unit = None

    def __array_finalize__(self, obj):
        self.unit = getattr(obj, "unit", None)


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if _is_quantity(v):
        return _toml_value(f"{v.value} {v.unit.to_string()}")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return repr(float(v)) if isinstance(v, (float, np.floating)) else str(int(v))
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"{v!r}: expected a string, number, bool or list")


def _param(label, key, v):
    """One parameter as the C extension takes it: str, float or bool;
    quantities as "value unit" strings, lists as TOML array text (as the
    TOML reader keeps them)."""
    if isinstance(v, (bool, np.bool_)):
        return (key, bool(v))
    if isinstance(v, str):
        return (key, v)
    if _is_quantity(v):
        if np.ndim(v) != 0:
            return (key, _toml_value(list(v)))
        return (key, f"{v.value!r} {v.unit.to_string()}")
    if isinstance(v, (int, float, np.integer, np.floating)):
        return (key, float(v))
    if isinstance(v, os.PathLike):
        return (key, os.fspath(v))
    if isinstance(v, (list, tuple, np.ndarray)):
        return (key, _toml_value(v))
    raise TypeError(f"component_config[{label!r}][{key!r}] = {v!r}: expected a string, "
                    "number, bool, list or astropy Quantity")


def _components(config):
    """PySM's component_config tables as a dict: {label: {"class": ..., key:
    value}} for a component, {label: {sub: {"class": ...}, ...}} for a
    group summed as one nested sky."""
    out = []
    for label, table in config.items():
        if not isinstance(table, Mapping):
            raise TypeError(f"component_config[{label!r}]: expected a table (dict) with a "
                            "'class' or sub-tables")
        if "class" in table:
            out.append((label, str(table["class"]), 0,
                        [_param(label, k, v) for k, v in table.items() if k != "class"]))
            continue
        if not table:
            raise ValueError(f"component_config[{label!r}] is empty: expected a 'class' or "
                             "sub-tables")
        for i, (sub, t) in enumerate(table.items()):
            name = f"{label}.{sub}"
            if not isinstance(t, Mapping) or "class" not in t:
                raise ValueError(f"component_config[{label!r}][{sub!r}]: expected a table "
                                 "with a 'class' (a table without one groups sub-tables)")
            out.append((name, str(t["class"]), int(i > 0),
                        [_param(name, k, v) for k, v in t.items() if k != "class"]))
    return out


class Sky:
    """PySM's Sky over the C library.

    Sky(nside, preset_strings=[...], component_config=dict or TOML path,
        output_unit="uK_RJ", data_dir=None, seed=None, threads=None,
        offline=False)

    data_dir: a folder or list of folders searched for the templates first;
    seed: one seed for every stochastic component (default: each preset's);
    threads: OpenMP threads (default: the cores available);
    offline: never download a template;
    exact_sed: evaluate every sample of every band (by default bands of 3 or
    more samples at nside >= 128 go through tabulated spectra, within about
    1e-9 of the exact sums: docs/models.md);
    comm: an mpi4py communicator: each rank reads and evaluates only its
    band of rings (as `mpirun skymodel sim`); get_emission then returns the
    rank's pixels (pixel_ranges) and gather() assembles the map on rank 0.
    """

    def __init__(self, nside=None, max_nside=None, preset_strings=None, component_config=None,
                 component_objects=None, output_unit="uK_RJ", map_dist=None, data_dir=None,
                 seed=None, threads=None, offline=False, comm=None, exact_sed=False):
        if component_objects:
            raise NotImplementedError("component_objects: skymodel builds components from "
                                      "preset_strings and component_config only")
        if map_dist is not None:
            raise NotImplementedError("map_dist: use comm= (an mpi4py communicator)")
        if nside is None:
            raise ValueError("nside: expected a power of two from 1 to 8192")
        if isinstance(nside, bool) or not isinstance(nside, (int, np.integer)):
            raise TypeError(f"nside {nside!r}: expected an integer")
        self.nside = int(nside)
        self.max_nside = max_nside
        self.output_unit = _unit_str(output_unit)
        _c.unit_check(self.output_unit)
        if isinstance(preset_strings, str):
            preset_strings = [preset_strings]
        comps, files = [], []
        if component_config is not None:
            if isinstance(component_config, Mapping):
                comps = _components(component_config)
            else:
                files = [os.fspath(component_config)]
        if data_dir is None:
            dirs = []
        elif isinstance(data_dir, (str, os.PathLike)):
            dirs = [os.fspath(data_dir)]
        else:
            dirs = [os.fspath(d) for d in data_dir]
        self.comm = comm
        part, nparts = 0, 1
        if comm is not None:
            part, nparts = comm.Get_rank(), comm.Get_size()
        self._sky = _c.CSky(self.nside, list(preset_strings or []), comps, files, dirs,
                            seed=-1 if seed is None else int(seed), threads=int(threads or 0),
                            offline=bool(offline), part=part, nparts=nparts,
                            exact_sed=bool(exact_sed))

    @property
    def npix(self):
        """Pixels of the full sky."""
        return self._sky.npix

    @property
    def pixel_ranges(self):
        """The RING pixel ranges this process holds, [(first, count), ...]:
        the whole sky, or with comm= its band of rings and the mirror band.
        get_emission's columns are these pixels, in this order."""
        return self._sky.pixel_ranges

    def gather(self, local_map, root=0):
        """With comm=: the full (3, npix) map on rank `root` (None on the
        others) from each rank's get_emission. Without comm: the map."""
        if self.comm is None:
            return local_map
        unit = getattr(local_map, "unit", None)
        local = np.ascontiguousarray(local_map.value if _is_quantity(local_map) else local_map)
        comm = self.comm
        ranges = comm.gather(self.pixel_ranges, root=root)
        counts = comm.gather(local.size, root=root)
        recv = full = None
        if comm.Get_rank() == root:
            recv = np.empty(sum(counts), dtype=local.dtype)
            offsets = [0]
            for c in counts[:-1]:
                offsets.append(offsets[-1] + c)
            from mpi4py import MPI
            comm.Gatherv(local.ravel(), [recv, (counts, offsets), MPI._typedict[recv.dtype.char]],
                         root=root)
            full = np.empty((local.shape[0], self.npix), dtype=local.dtype)
            for r, rr in enumerate(ranges):
                n = sum(c for _, c in rr)
                block = recv[offsets[r]:offsets[r] + local.shape[0] * n].reshape(-1, n)
                at = 0
                for first, count in rr:
                    full[:, first:first + count] = block[:, at:at + count]
                    at += count
        else:
            comm.Gatherv(local.ravel(), None, root=root)
        if full is None or unit is None:
            return full
        return _as_map(full, unit.to_string() if hasattr(unit, "to_string") else unit)

    def get_emission(self, freq, weights=None):
        """The sky integrated over a band, in output_unit: an astropy
        Quantity of shape (3, npix) (float32 where PySM's is).

        freq: GHz as a number or array, or an astropy Quantity in any
        frequency unit; several frequencies are a band (top-hat without
        weights; weights in power units, one per frequency, as PySM)."""
        m = self._sky.emission(_ghz(freq), _weights(weights), self.output_unit, chunk=CHUNK)
        return _as_map(m, self.output_unit)

    def get_emission_channels(self, bands, units=None, fwhm=None, beam_window=None, rot=None,
                              lmax=None, output_nside=None, map2alm_lsq_maxiter=None,
                              compress_tol=None):
        """Several channels in one pass over the pixels (the templates of a
        block of pixels are read once for all channels): a list of maps.

        bands: a list whose items are a frequency or frequencies (as
        get_emission's freq) or a (freq, weights) tuple; or an Instrument,
        whose channels give the bands, units and beams (fwhm and beam_window
        then replace every channel's beam, units every channel's unit, as
        on the command line). units: one unit for all (default output_unit)
        or one per channel. With fwhm (one value or one per channel),
        beam_window, rot, lmax or output_nside, each map is then passed
        through apply_smoothing_and_coord_transform; for an Instrument,
        the channels with a beam are smoothed even without them.

        compress_tol (a positive number, e.g. 1e-6): the smoothed channels
        sharing a smoothing are made from a low-rank basis smoothed once,
        each within compress_tol of its RMS (plus the least-squares
        solve's own 5e-7), the maps `skymodel sim --instrument` writes
        (docs/smoothing.md); None (default): each channel smoothed on its
        own, as PySM and `--no-compress`."""
        if compress_tol is not None:
            compress_tol = float(compress_tol)
            if not (compress_tol > 0 and np.isfinite(compress_tol)):
                raise ValueError(f"compress_tol {compress_tol}: expected a positive number (the "
                                 "largest reconstruction error over a channel's RMS, e.g. 1e-6)")
        if isinstance(bands, Instrument):
            return self._instrument_channels(bands, units, fwhm, beam_window, rot, lmax,
                                             output_nside, map2alm_lsq_maxiter, compress_tol)
        n = len(bands)
        units = self._channel_units(units, n)
        chans = []
        for b, unit in zip(bands, units):
            if isinstance(b, tuple) and len(b) == 2:
                chans.append((_ghz(b[0]), _weights(b[1]), unit))
            else:
                chans.append((_ghz(b), None, unit))
        smooth = any(x is not None for x in (fwhm, beam_window, rot, lmax, output_nside))
        if not smooth:
            return self._evaluate_channels(chans)
        fw = list(fwhm) if isinstance(fwhm, (list, tuple)) else [fwhm] * n
        if len(fw) != n:
            raise ValueError(f"fwhm has {len(fw)} values for {n} bands: expected one, or one "
                             "per band")
        return self._evaluate_channels(
            chans, [_smoothing(f, beam_window, rot, lmax, output_nside, map2alm_lsq_maxiter)
                    for f in fw], compress_tol)

    def _channel_units(self, units, n):
        if units is None or isinstance(units, str) or (_u is not None and
                                                       isinstance(units, _u.UnitBase)):
            units = [units if units is not None else self.output_unit] * n
        units = [_unit_str(x) for x in units]
        if len(units) != n:
            raise ValueError(f"units has {len(units)} values for {n} bands: expected one "
                             "unit, or one per band")
        return units

    def _evaluate_channels(self, chans, smooth=None, compress_tol=None):
        """The channels' maps; with `smooth` (per channel None or _smoothing's
        tuple), each smoothed by the library's pipeline step: the sky without
        the components that apply a beam themselves (rg2, rg3) is smoothed,
        then their own smoothed maps are added, as `skymodel sim` does."""
        maps = self._sky.emission_channels(chans, chunk=CHUNK, smooth=smooth,
                                           compress_tol=compress_tol or 0.0)
        return [_as_map(m, c[2]) for m, c in zip(maps, chans)]

    def _instrument_channels(self, ins, units, fwhm, beam_window, rot, lmax, output_nside,
                             maxiter, compress_tol=None):
        """An Instrument's channels as `skymodel sim --instrument` makes
        them: unit = units, else the channel's, the file's output_unit, the
        sky's; beam = fwhm or beam_window, else the channel's own; every
        channel smoothed when a rotation, lmax or output nside is given."""
        n = len(ins.channels)
        if units is None:
            units = [c.unit or ins.output_unit or self.output_unit for c in ins.channels]
        units = self._channel_units(units, n)
        override = fwhm is not None or beam_window is not None
        every = override or any(x is not None for x in (rot, lmax, output_nside))
        smooth = []
        for c in ins.channels:
            fw, bw = (fwhm, beam_window) if override else (c.fwhm, c.read_beam_window())
            smooth.append(_smoothing(fw, bw, rot, lmax, output_nside, maxiter)
                          if every or fw is not None or bw is not None else None)
        return self._evaluate_channels([(c.freqs_ghz, c.weights, u)
                                        for c, u in zip(ins.channels, units)], smooth,
                                       compress_tol)


class Channel:
    """One channel of an Instrument: name, freqs_ghz and weights (None:
    top-hat) arrays, unit (None: the instrument's), fwhm (an astropy angle,
    or radians without astropy; None: no Gaussian beam), beam_window (the
    path of its B_l file, or None) and bandpass_file (or None)."""

    def __init__(self, d):
        self.name = d["name"]
        self.freqs_ghz = d["freqs"]
        self.weights = d["weights"]
        self.unit = d["unit"]
        fw = d["fwhm_arcmin"]
        if not fw:
            self.fwhm = None
        elif _u is not None:
            self.fwhm = fw * _u.arcmin
        else:
            self.fwhm = np.radians(fw / 60.0)
        self.beam_window = d["beam_window"]
        self.bandpass_file = d["bandpass_file"]

    @property
    def freqs(self):
        """The band's frequencies, an astropy Quantity in GHz (an array
        without astropy)."""
        return self.freqs_ghz * _u.GHz if _u is not None else self.freqs_ghz

    def read_beam_window(self):
        """B_l of the channel's beam window file, (1 or 3, lmax + 1), or None."""
        return None if self.beam_window is None else _c.read_beam_window(self.beam_window)

    def __repr__(self):
        return f"Channel({self.name!r}, {len(self.freqs_ghz)} frequencies)"


class Instrument:
    """An instrument file (docs/instrument.md), read and checked by the
    library as `skymodel sim --instrument` reads it:

        ins = skymodel.Instrument("instrument.json")
        sky = ins.sky(nside=512)                    # its "sky" presets
        maps = dict(zip(ins.names, sky.get_emission_channels(ins)))

    presets: the file's "sky" (a list, or None); output_unit (or None);
    channels: a list of Channel; names: the channel names."""

    def __init__(self, path):
        d = _c.read_instrument(os.fspath(path))
        self.path = os.fspath(path)
        self.presets = d["presets"].split(",") if d["presets"] else None
        self.output_unit = d["unit"]
        self.channels = [Channel(c) for c in d["channels"]]

    @property
    def names(self):
        return [c.name for c in self.channels]

    def __len__(self):
        return len(self.channels)

    def __iter__(self):
        return iter(self.channels)

    def sky(self, nside, **kwargs):
        """A Sky of the file's presets (preset_strings= overrides them) in its
        output_unit (output_unit= overrides it); other arguments as Sky's."""
        kwargs.setdefault("preset_strings", self.presets)
        if kwargs["preset_strings"] is None and kwargs.get("component_config") is None:
            raise ValueError(f"{self.path} has no \"sky\": give preset_strings or "
                             "component_config")
        if self.output_unit is not None:
            kwargs.setdefault("output_unit", self.output_unit)
        return Sky(nside=nside, **kwargs)

    def __repr__(self):
        return f"Instrument({self.path!r}, {len(self.channels)} channels)"


def bandpass_unit_conversion(freqs, weights=None, output_unit=None, input_unit="uK_RJ"):
    """PySM's bandpass_unit_conversion: the factor turning a map integrated
    over the band in input_unit into output_unit, an astropy Quantity of unit
    output_unit / input_unit (a float without astropy)."""
    if output_unit is None:
        raise ValueError("output_unit: expected a unit such as 'uK_CMB'")
    out, inp = _unit_str(output_unit), _unit_str(input_unit)
    f = _c.bandpass_unit_conversion(_ghz(freqs), _weights(weights), inp, out)
    if _u is None:
        return f
    return f * (_u.Unit(out) / _u.Unit(inp))


def _radians(x, what):
    if x is None:
        return 0.0
    if _is_quantity(x):
        return float(x.to_value(_u.rad))
    v = float(x)  # a plain number is in radians, as healpy takes it
    return v


def _rot_pair(rot):
    if rot is None:
        return None
    if isinstance(rot, str):
        s = rot.replace(":", "").replace(",", "").upper()
        return s
    if isinstance(rot, (list, tuple)) and len(rot) == 2 and all(isinstance(c, str) for c in rot):
        return (rot[0][:1] + rot[1][:1]).upper()
    rots = getattr(rot, "rots", None)
    if rots is not None and any(np.any(np.asarray(r) != 0) for r in rots):
        raise NotImplementedError("rot: a Rotator with Euler angles; only coordinate changes "
                                  "(healpy.Rotator(coord=['G', 'C'])) are supported")
    coords = getattr(rot, "coordin", None), getattr(rot, "coordout", None)
    if coords[0] and coords[1]:
        return (coords[0][:1] + coords[1][:1]).upper()
    raise ValueError(f"rot {rot!r}: expected a healpy Rotator with coord=(from, to) or a pair "
                     "of letters among G, C, E")


def _beam_columns(beam_window):
    """A beam window as the library takes it: (1 or 3, lmax + 1) float64."""
    if beam_window is None:
        return None
    bw = np.asarray(beam_window, dtype=np.float64)
    if bw.ndim == 2 and bw.shape[1] in (1, 3) and bw.shape[0] not in (1, 3):
        bw = np.ascontiguousarray(bw.T)  # (lmax+1, ncols) -> columns
    return bw


def _smoothing(fwhm, beam_window, rot, lmax, output_nside, maxiter):
    """One channel's smoothing for the library: (fwhm_rad, beam, lmax,
    lsq_maxiter, nside_out, rot), with apply_smoothing_and_coord_transform's
    defaults."""
    return (_radians(fwhm, "fwhm"), _beam_columns(beam_window),
            -1 if lmax is None else int(lmax), 10 if maxiter is None else int(maxiter),
            0 if output_nside is None else int(output_nside), _rot_pair(rot))


def apply_smoothing_and_coord_transform(input_map, fwhm=None, beam_window=None, rot=None,
                                        lmax=None, output_nside=None, output_car_resol=None,
                                        return_healpix=None, return_car=None,
                                        map2alm_lsq_maxiter=None):
    """PySM's apply_smoothing_and_coord_transform over the library's
    sky_smooth: a Gaussian beam (fwhm, an angle Quantity or radians) or a
    beam window (B_l, one column or three for T, E, B), a coordinate change
    (rot: a healpy Rotator's coord pair, or "GC"), lmax (default 2.5 nside,
    1.5 nside when output_nside is lower), output_nside, map2alm_lsq_maxiter
    (default 10; 0 for a plain map2alm). With output_car_resol (an angle),
    the CAR map (pixell fejer1 geometry, ncomp x ny x nx) instead, or with
    return_healpix=True too, the tuple (HEALPix map, CAR map)."""
    unit = getattr(input_map, "unit", None)
    values = input_map.value if _is_quantity(input_map) else np.asarray(input_map)
    bw = _beam_columns(beam_window)
    car = 0.0
    if output_car_resol is not None and return_car is not False:
        car = _radians(output_car_resol, "output_car_resol")
    elif return_car:
        raise ValueError("return_car: needs output_car_resol, the CAR pixel size")
    healpix = bool(return_healpix) if return_healpix is not None else not car
    if not healpix and not car:
        raise ValueError("return_healpix=False and no CAR map: nothing to return")
    hmap, cmap = _c.smooth(values, fwhm_rad=_radians(fwhm, "fwhm"), beam=bw,
                           lmax=-1 if lmax is None else int(lmax),
                           lsq_maxiter=10 if map2alm_lsq_maxiter is None
                           else int(map2alm_lsq_maxiter),
                           nside_out=0 if output_nside is None else int(output_nside),
                           rot=_rot_pair(rot), car_res_rad=car, healpix=healpix)
    out = [_with_unit(m, unit) for m in (hmap, cmap) if m is not None]
    return out[0] if len(out) == 1 else tuple(out)


def _with_unit(m, unit):
    if unit is None:
        return m
    if _u is not None and isinstance(unit, _u.UnitBase):
        return _u.Quantity(m, unit, copy=False)
    return _as_map(m, unit)
