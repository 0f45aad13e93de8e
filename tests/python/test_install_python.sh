#!/bin/sh
# test_install_python.sh BUILD_DIR PYTHON TEMPLATES - `cmake --install` into a scratch
# prefix puts the skymodel package where that prefix's Python looks
# (lib/python3.X/dist-packages, or lib/python3/dist-packages for /usr), and
# the installed package imports and evaluates a sky with nothing from the
# build folder.
set -eu
BUILD=$1
PY=$2
T=$3
P=$(mktemp -d)
trap 'rm -rf "$P"' EXIT
cmake --install "$BUILD" --prefix "$P" >/dev/null
DIR=$(grep '^SKYMODEL_PYTHON_INSTALL_DIR:' "$BUILD/CMakeCache.txt" | cut -d= -f2)
[ -f "$P/$DIR/skymodel/__init__.py" ] || { echo "FAIL: no $DIR/skymodel/__init__.py in the prefix"; exit 1; }
cd "$P"
unset PYTHONPATH LD_LIBRARY_PATH
PYTHONPATH="$P/$DIR" "$PY" -c "
import skymodel
assert skymodel.__file__.startswith('$P'), skymodel.__file__
m = skymodel.Sky(nside=8, preset_strings=['d1'], data_dir='$T', offline=True).get_emission(100)
assert m.shape == (3, 768)
" || { echo "FAIL: the installed package does not import"; exit 1; }
# the extension exports only its module initialiser
if nm -D --defined-only "$P/$DIR"/skymodel/_skymodel*.so | awk '{ print $3 }' | grep -v '^PyInit__skymodel$' | grep -q .; then
    echo "FAIL: the extension exports more than PyInit__skymodel:"
    nm -D --defined-only "$P/$DIR"/skymodel/_skymodel*.so | head
    exit 1
fi
