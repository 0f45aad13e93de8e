#!/bin/sh
# run_fuzz.sh MODE FUZZER NAME FUZZ_DIR WORK_DIR - the CTest side of a fuzz
# target (see docs/fuzzing.md).
#   regress: runs every file of FUZZ_DIR/corpus/NAME and FUZZ_DIR/regress/NAME
#            once; any crash, sanitizer report or leak fails.
#   fuzz:    fuzzes for $SKYMODEL_FUZZ_SECONDS seconds (default 15) from the
#            seed corpus, with the dictionary FUZZ_DIR/dict/NAME.dict (or the
#            one of its family: dict/fits.dict for fits_map). New
#            inputs go to WORK_DIR/NAME/corpus (kept between runs, never
#            into the source tree), a crash to WORK_DIR/NAME/ (its path is
#            printed: see docs/fuzzing.md to make it a regression file).
set -eu
mode=$1 fuzzer=$2 name=$3 dir=$4 work=$5
# the limits of every run: 2 GB is far above what any valid small input
# needs, so an allocation beyond it is a finding (sizes taken from a header)
set -- -rss_limit_mb=2048 -timeout=30
# the targets' temporary files (left behind by a crash) stay in the build
mkdir -p "$work/tmp"
TMPDIR=$work/tmp
export TMPDIR
case $mode in
regress)
    found=0
    for d in "$dir/corpus/$name" "$dir/regress/$name"; do
        [ -d "$d" ] || continue
        [ -n "$(find "$d" -type f ! -name '.*' | head -n 1)" ] || continue
        found=1
        # find fails when the fuzzer fails on any file
        find "$d" -type f ! -name '.*' -exec "$fuzzer" "$@" {} +
    done
    [ "$found" = 1 ] || { echo "run_fuzz.sh: no corpus for $name in $dir" >&2; exit 1; }
    ;;
fuzz)
    mkdir -p "$work/$name/corpus"
    for d in "$dir/dict/$name.dict" "$dir/dict/${name%%_*}.dict"; do
        if [ -f "$d" ]; then
            set -- "$@" -dict="$d"
            break
        fi
    done
    exec "$fuzzer" "$@" -max_total_time="${SKYMODEL_FUZZ_SECONDS:-15}" -print_final_stats=1 \
        -artifact_prefix="$work/$name/" "$work/$name/corpus" "$dir/corpus/$name"
    ;;
*)
    echo "run_fuzz.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
