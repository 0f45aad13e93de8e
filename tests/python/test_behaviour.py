"""Python behaviour: flat memory over many calls, maps that own the C
buffer (no copy), Ctrl-C during a long evaluation, threads."""
import gc
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

from conftest import TEMPLATES

import skymodel


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc")
def test_thousand_calls_flat_memory():
    sky = skymodel.Sky(nside=16, preset_strings=["d1", "s1", "c2"], data_dir=TEMPLATES,
                       output_unit="uK_CMB")
    freqs = np.array([90.0, 100.0, 110.0])
    for _ in range(100):  # warm up: allocator pools, astropy caches
        sky.get_emission(freqs)
    gc.collect()
    before, objects, refs = rss_bytes(), len(gc.get_objects()), sys.getrefcount(sky._sky)
    for i in range(1000):
        m = sky.get_emission(freqs if i % 2 else 100.0)
    del m
    gc.collect()
    grown = rss_bytes() - before
    # one map is 3 x 3072 doubles (74 kB): a leaked map per call would be 74 MB
    assert grown < 4 << 20, f"RSS grew by {grown / 2**20:.1f} MiB over 1000 calls"
    assert len(gc.get_objects()) - objects < 100
    after = sys.getrefcount(sky._sky)  # outside the assert (pytest holds its parts)
    assert after == refs


def test_map_owns_the_c_buffer():
    sky = skymodel.Sky(nside=16, preset_strings=["d1"], data_dir=TEMPLATES)
    m = sky.get_emission(100.0)
    base = m.value.base
    while base is not None and not type(base).__name__ == "PyCapsule":
        base = getattr(base, "base", None)
    assert type(base).__name__ == "PyCapsule"  # the C buffer, not a copy
    del sky
    gc.collect()
    assert np.isfinite(m.value).all()  # the map outlives its sky


def test_ctrl_c_interrupts_a_long_evaluation():
    sky = skymodel.Sky(nside=1024, preset_strings=["d1", "s1", "a1"], data_dir=TEMPLATES)
    old = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sent = []

    def interrupt():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.3, interrupt)
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt) as excinfo:
            # evaluations (about a second each, in chunks) until interrupted,
            # so that the signal comes during one however fast the machine
            for _ in range(100):
                sky.get_emission(np.linspace(80.0, 120.0, 5))
        caught = time.monotonic()
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, old)
    # raised by the evaluation itself (between two chunks), not after it
    assert excinfo.traceback[-1].name == "get_emission"
    assert "self._sky.emission" in str(excinfo.traceback[-1].statement)
    assert caught - sent[0] < 5.0
    # the interpreter and the sky still work
    small = skymodel.Sky(nside=16, preset_strings=["d1"], data_dir=TEMPLATES)
    assert np.isfinite(small.get_emission(100.0).value).all()
    m = sky.get_emission(100.0)
    assert m.shape == (3, 12 * 1024 ** 2)


def test_gil_released_during_evaluation():
    sky = skymodel.Sky(nside=512, preset_strings=["d1", "s1", "a1"], data_dir=TEMPLATES,
                       threads=1)
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        n0 = len(ticks)
        sky.get_emission(np.linspace(80.0, 120.0, 10))
        n1 = len(ticks)
    finally:
        stop.set()
        t.join()
    # the other thread ran while the evaluation did (with the GIL held
    # through a call, it could run only between chunks)
    assert n1 - n0 > 5
