#!/bin/sh
# Installs what is missing, builds warning-free (-Werror) and runs the whole
# test suite under CTest; then builds and runs it once more under
# AddressSanitizer + UndefinedBehaviorSanitizer (skip with SKYMODEL_NO_SANITIZE=1);
# then, when clang and libFuzzer are installed, builds with clang and fuzzes
# the parsers briefly (skip with SKYMODEL_NO_FUZZ=1; see docs/fuzzing.md).
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
if [ "${SKYMODEL_NO_FUZZ:-0}" != 1 ] && command -v clang >/dev/null 2>&1 &&
    [ -f "$(clang -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; then
    # the whole project with clang (warning-free, like gcc), instrumented for
    # the fuzzer; the numerical unit tests (the same bits with clang), then
    # the fuzz tests: each corpus replayed, each target fuzzed for
    # $SKYMODEL_FUZZ_SECONDS seconds (6 here, to keep the suite under 10
    # minutes on 2 cores; 15 when the fuzz tests are run alone)
    CC=clang BUILD_DIR=build-fuzz BUILD_TYPE=RelWithDebInfo sh scripts/build.sh \
        -DSKYMODEL_WERROR=ON -DSKYMODEL_FUZZ=ON
    (cd build-fuzz &&
        ctest --output-on-failure -j "$(nproc)" \
            -R '^test_(reference|spectra|healpix|npy_math|numpy_rng|vmath|synalm|toml|fuzz_findings)$' &&
        SKYMODEL_FUZZ_SECONDS=${SKYMODEL_FUZZ_SECONDS:-6} \
            ctest --output-on-failure -j "$(nproc)" -L fuzz)
fi
