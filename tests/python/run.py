"""Runs the Python module's pytest tests (tests/python) for CTest: exit 77
(skipped) when numpy, pytest or the built module cannot be imported, so
that a machine without python3-pytest skips them instead of failing."""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
try:
    import numpy  # noqa: F401
    import pytest
except ImportError as e:
    print(f"skipped: {e} (Debian: python3-numpy python3-pytest)")
    sys.exit(77)
try:
    import skymodel  # noqa: F401
except ImportError as e:
    print(f"skipped: the skymodel module is not importable ({e}); PYTHONPATH=<build>/python")
    sys.exit(77)
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-o", "addopts=", here] + sys.argv[1:]))
