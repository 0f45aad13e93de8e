#!/bin/sh
# test_install.sh BUILD_DIR SOURCE_DIR - `cmake --install` into a scratch
# prefix puts the program, libskymodel, skymodel.h, skymodel.pc and the man
# page in place; the installed program runs without LD_LIBRARY_PATH, and
# examples/simple_sky.c builds against the installed library with only
# PKG_CONFIG_PATH set (as the README says) and runs without LD_LIBRARY_PATH.
set -eu
BUILD=$1
SRC=$2
P=$(mktemp -d)
trap 'rm -rf "$P"' EXIT
cmake --install "$BUILD" --prefix "$P" >/dev/null
for f in "$P/bin/skymodel" "$P/include/skymodel.h" "$P/share/man/man1/skymodel.1"; do
    [ -f "$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
PC=$(find "$P" -name skymodel.pc | head -1)
[ -n "$PC" ] || { echo "FAIL: skymodel.pc not installed"; exit 1; }
# nothing from the environment helps the loader, the compiler or the linker
unset LD_LIBRARY_PATH LIBRARY_PATH CPATH C_INCLUDE_PATH
PKG_CONFIG_PATH=$(dirname "$PC")
export PKG_CONFIG_PATH
"$P/bin/skymodel" --version >/dev/null || { echo "FAIL: the installed program does not run"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror -o "$P/simple_sky" "$SRC/examples/simple_sky.c" \
    $(pkg-config --cflags --libs skymodel)
LIB=$(pkg-config --variable=libdir skymodel)
"$P/simple_sky" "$SRC/tests/data/templates" 16 >"$P/out" 2>"$P/err" ||
    { echo "FAIL: the example built with pkg-config does not run without LD_LIBRARY_PATH:"; cat "$P/err"; exit 1; }
grep -q "90-110 GHz band.*uK_CMB" "$P/out" || { echo "FAIL: the example's output:"; cat "$P/out"; exit 1; }
# the example uses the installed library, not another one
USED=$(ldd "$P/simple_sky" | awk '/libskymodel\.so/ { print $3 }')
[ -n "$USED" ] && [ "$(readlink -f "$USED")" = "$(readlink -f "$LIB"/libskymodel.so)" ] ||
    { echo "FAIL: the example does not load $LIB/libskymodel.so:"; ldd "$P/simple_sky"; exit 1; }
# only the public API is exported
if nm -D --defined-only "$LIB"/libskymodel.so | awk '{ print $3 }' | grep -v '^sky_' | grep -q .; then
    echo "FAIL: libskymodel exports symbols outside the sky_ API:"
    nm -D --defined-only "$LIB"/libskymodel.so | awk '{ print $3 }' | grep -v '^sky_' | head
    exit 1
fi
echo "test_install: installed; program and pkg-config example run without LD_LIBRARY_PATH"
