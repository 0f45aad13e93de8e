"""Run under mpirun by test_mpi.py: a sky split over the ranks of
MPI.COMM_WORLD, gathered on rank 0, equals the serial map (the same
bytes: every pixel is computed by the same arithmetic)."""
import sys

import numpy as np
from mpi4py import MPI

import skymodel

templates = sys.argv[1]
comm = MPI.COMM_WORLD
kw = dict(nside=32, preset_strings=["d1", "s1", "c2"], output_unit="uK_CMB", data_dir=templates,
          offline=True)
sky = skymodel.Sky(comm=comm, **kw)
local = sky.get_emission([90.0, 100.0, 110.0], [0.5, 1.0, 0.5])
held = sum(c for _, c in sky.pixel_ranges)
assert local.shape == (3, held), (local.shape, held)
assert comm.allreduce(held) == sky.npix
full = sky.gather(local)
if comm.Get_rank() == 0:
    serial = skymodel.Sky(**kw).get_emission([90.0, 100.0, 110.0], [0.5, 1.0, 0.5])
    assert full.unit == serial.unit and full.dtype == serial.dtype
    np.testing.assert_array_equal(full.value, serial.value)
    print("mpi_check: %d ranks, gathered map equals the serial one" % comm.Get_size())
else:
    assert full is None
