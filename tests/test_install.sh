#!/bin/sh
# test_install.sh BUILD_DIR SOURCE_DIR - `cmake --install` into a scratch
# prefix puts the program, libskymodel, skymodel.h, skymodel.pc and the man
# page in place, and examples/simple_sky.c builds against the installed
# library with pkg-config alone and runs.
set -eu
BUILD=$1
SRC=$2
P=$(mktemp -d)
trap 'rm -rf "$P"' EXIT
cmake --install "$BUILD" --prefix "$P" >/dev/null
LIBDIR=$(ls -d "$P"/lib*/ | head -1)
for f in "$P/bin/skymodel" "$P/include/skymodel.h" "$P/share/man/man1/skymodel.1"; do
    [ -f "$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
PC=$(find "$P" -name skymodel.pc | head -1)
[ -n "$PC" ] || { echo "FAIL: skymodel.pc not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$PC")
cc -std=c11 -Wall -Wextra -Werror -o "$P/simple_sky" "$SRC/examples/simple_sky.c" \
    $(pkg-config --cflags --libs skymodel)
LIB=$(pkg-config --variable=libdir skymodel)
LD_LIBRARY_PATH=$LIB "$P/simple_sky" "$SRC/tests/data/templates" 16 >"$P/out"
grep -q "90-110 GHz band.*uK_CMB" "$P/out" || { echo "FAIL: the example's output:"; cat "$P/out"; exit 1; }
# only the public API is exported
if nm -D --defined-only "$LIB"/libskymodel.so | awk '{ print $3 }' | grep -v '^sky_' | grep -q .; then
    echo "FAIL: libskymodel exports symbols outside the sky_ API:"
    nm -D --defined-only "$LIB"/libskymodel.so | awk '{ print $3 }' | grep -v '^sky_' | head
    exit 1
fi
"$P/bin/skymodel" --version >/dev/null
echo "test_install: installed, pkg-config example built and run"
