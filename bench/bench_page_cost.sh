#!/bin/sh
# What new memory and new files cost on this machine, apart from skymodel: the floor under
# every run that writes many maps (issue 22's 400 detectors write 15 GB of them).
#   1. a 4000 MB array filled twice (numpy): the first fill takes every page fresh from the
#      kernel, the second finds them mapped;
#   2. N files of one nside-512 float32 IQU map's size (38 MB) written with dd into DIR, the
#      first 100 timed apart from the rest (the page cache grows by the whole output).
#
# usage: bench/bench_page_cost.sh [DIR] [N]     (DIR default: a new temporary folder, N 400)
set -eu
N=${2:-400}
DIR=$(mktemp -d "${1:-${TMPDIR:-/tmp}}/page_cost.XXXXXX")
trap 'rm -rf "$DIR"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(uname -m) $(nproc) cores; files in $DIR"
/usr/bin/python3 - <<'EOF'
import time
import numpy as np
a = np.empty(4000 << 20, dtype=np.uint8)
t0 = time.perf_counter(); a.fill(1); t1 = time.perf_counter(); a.fill(2); t2 = time.perf_counter()
print(f"4000 MB array: first fill {4.0e3 * 1.048576 / 1e3 / (t1 - t0):.2f} GB/s, "
      f"second fill {4.0e3 * 1.048576 / 1e3 / (t2 - t1):.2f} GB/s")
EOF
files() { # FIRST LAST: writes the files, prints the seconds
    s=$(date +%s.%N)
    i=$1
    while [ "$i" -le "$2" ]; do
        dd if=/dev/zero of="$DIR/map$i.fits" bs=1M count=36 status=none
        i=$((i + 1))
    done
    awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}
first=$(( N < 100 ? N : 100 ))
t1=$(files 1 "$first")
echo "files 1-$first: $t1 s ($(awk -v t="$t1" -v n="$first" 'BEGIN { printf "%.4f", t / n }') s a file)"
if [ "$N" -gt 100 ]; then
    t2=$(files 101 "$N")
    echo "files 101-$N: $t2 s ($(awk -v t="$t2" -v n="$((N - 100))" 'BEGIN { printf "%.4f", t / n }') s a file)"
fi
