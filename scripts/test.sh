#!/bin/sh
# Installs what is missing, builds warning-free (-Werror) and runs the whole
# test suite under CTest; then builds and runs it once more under
# AddressSanitizer + UndefinedBehaviorSanitizer (skip with SKYMODEL_NO_SANITIZE=1).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh test
BUILD_DIR=build sh scripts/build.sh -DSKYMODEL_WERROR=ON
(cd build && ctest --output-on-failure -j "$(nproc)")
if [ "${SKYMODEL_NO_SANITIZE:-0}" != 1 ]; then
    BUILD_DIR=build-asan BUILD_TYPE=Debug sh scripts/build.sh -DSKYMODEL_WERROR=ON -DSKYMODEL_SANITIZE=ON
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
        LSAN_OPTIONS=suppressions="$(pwd)/../tests/lsan.supp" ctest --output-on-failure -j "$(nproc)")
fi
