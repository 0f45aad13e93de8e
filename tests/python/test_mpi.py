"""Sky(comm=...) under `mpirun -np 2`: each rank its band of rings, the map
gathered on rank 0 equal to the serial one (skipped without mpirun or
mpi4py)."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import HERE, TEMPLATES


def test_two_ranks_equal_serial():
    pytest.importorskip("mpi4py")
    mpirun = shutil.which("mpirun")
    if not mpirun:
        pytest.skip("no mpirun")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none")
    r = subprocess.run([mpirun, "--oversubscribe", "-np", "2", sys.executable,
                        os.path.join(HERE, "mpi_check.py"), TEMPLATES],
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 ranks, gathered map equals the serial one" in r.stdout
