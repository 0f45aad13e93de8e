#!/bin/sh
# Installs the Debian 12 packages skymodel builds with, when any is missing;
# with the argument "test", also python3-healpy, the test suite's oracle,
# clang with libFuzzer and LLVM's OpenMP for the fuzz stage (docs/fuzzing.md),
# and pytest and mpi4py for the Python module's tests (tests/python).
# Run as root (or through sudo). Does nothing when all are present.
set -eu
PKGS="build-essential cmake pkg-config libcfitsio-dev libchealpix-dev libsharp-dev libcurl4-openssl-dev liblapack-dev libjansson-dev libhdf5-dev healpy-data libopenmpi-dev openmpi-bin libcairo2-dev fonts-dejavu-core"
# the Python module (python/, docs/python.md): headers, NumPy, astropy's units
PKGS="$PKGS python3-dev python3-numpy python3-astropy"
if [ "${1:-}" = test ]; then
    PKGS="$PKGS python3-healpy clang libclang-rt-14-dev libomp-14-dev python3-pytest python3-mpi4py"
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi
