import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")
TEMPLATES = os.path.join(DATA, "templates")


@pytest.fixture
def templates():
    return TEMPLATES


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    # never download: every template the tests use is in tests/data
    monkeypatch.setenv("SKYMODEL_OFFLINE", "1")
