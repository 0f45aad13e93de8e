"""get_emission through the Python module against the C library's
sky_emission for the same evaluation (issue 19): d1,s1,f1,a1 over a
10-point top-hat 90-110 GHz in uK_CMB, the sky built once, each evaluation
timed warm; the best of REPEAT runs, interleaved. Each Python call returns a
new map, its allocation and first touch included; the C call is timed into a
new map allocated the same way (the same work) and into one written before
(the evaluation alone). The C library is
called through ctypes (libskymodel.so of the build), which adds nothing to a
call of several hundred milliseconds.

usage: PYTHONPATH=build/python /usr/bin/python3 bench/bench_python.py \
           BUILD_DIR TEMPLATE_DIR "512 2048" [REPEAT]
"""
import ctypes
import os
import sys
import time

import numpy as np

import skymodel
import skymodel.units as u

build, templates, nsides = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3].split()]
repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 3
presets = ["d1", "s1", "f1", "a1"]
freqs = np.linspace(90, 110, 10)

lib = ctypes.CDLL(os.path.join(build, "libskymodel.so"))
lib.sky_config_new.restype = ctypes.c_void_p
lib.sky_npix.restype = ctypes.c_int64
err = ctypes.create_string_buffer(2048)


class Band(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int), ("freq", ctypes.POINTER(ctypes.c_double)),
                ("weight", ctypes.POINTER(ctypes.c_double))]


def c_sky(nside):
    cfg = ctypes.c_void_p(lib.sky_config_new())
    for p in presets:
        assert lib.sky_config_add_preset(cfg, p.encode(), err) == 0, err.raw[4:].split(b"\0")[0].decode()
    opt = ctypes.create_string_buffer(512)  # sky_options, filled by sky_options_init
    lib.sky_options_init(opt)
    ctypes.c_int.from_buffer(opt, 0).value = nside
    dirs = (ctypes.c_char_p * 2)(templates.encode(), None)
    ctypes.c_void_p.from_buffer(opt, 8).value = ctypes.cast(dirs, ctypes.c_void_p).value
    sky = ctypes.c_void_p()
    assert lib.sky_create(cfg, opt, ctypes.byref(sky), err) == 0, err.raw[4:].split(b"\0")[0].decode()
    lib.sky_config_free(cfg)
    return sky


libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
HUGE, MADV_HUGEPAGE = 2 << 20, 14


def new_map(npix):
    """A new output map allocated as the module allocates one (the library's
    sky_big_alloc: malloc, then huge pages advised over the block)."""
    size = 3 * npix * 8
    p = libc.malloc(size)
    lo, hi = (p + HUGE - 1) & ~(HUGE - 1), (p + size) & ~(HUGE - 1)
    if hi > lo:
        libc.madvise(lo, hi - lo, MADV_HUGEPAGE)
    return p


print("| nside | C, into a new map | C, into a map written before | Python get_emission "
      "| Python / C (new map) |")
print("|---|---|---|---|---|")
for nside in nsides:
    csky = c_sky(nside)
    npix = lib.sky_npix(csky)
    f = np.ascontiguousarray(freqs)
    band = Band(len(f), f.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), None)
    psky = skymodel.Sky(nside=nside, preset_strings=presets, output_unit="uK_CMB",
                        data_dir=templates)
    tc, tw, tp = [], [], []
    warm = np.zeros(3 * npix)  # written once before: the evaluation alone
    for _ in range(repeat):
        for fresh, times in ((True, tc), (False, tw)):
            out = new_map(npix) if fresh else warm.ctypes.data
            t = time.perf_counter()
            assert lib.sky_emission(csky, ctypes.byref(band), b"uK_CMB", ctypes.c_void_p(out),
                                    err) == 0, err.raw[4:].split(b"\0")[0].decode()
            times.append(time.perf_counter() - t)
            if fresh:
                libc.free(out)
        t = time.perf_counter()
        m = psky.get_emission(freqs * u.GHz)
        tp.append(time.perf_counter() - t)
        del m
    del warm
    lib.sky_free(csky)
    c, w, p = min(tc), min(tw), min(tp)
    print(f"| {nside} | {c:.3f} s | {w:.3f} s | {p:.3f} s | {p / c:.3f} |", flush=True)
