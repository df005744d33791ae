"""Session fixtures of the downstream suite (the ``terraform`` fixture is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from .emulator import MotoServer


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """One moto server for the session, on 127.0.0.1 and a free port; tests
    ``reset()`` it before each example and it is stopped at the end."""
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        yield server
    finally:
        server.stop()


# -- how long each part of the downstream suite takes (printed at the end of the run) ----

_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if "tests/downstream/" in path:
        _SECONDS[path] = _SECONDS.get(path, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if not _SECONDS:
        return
    terminalreporter.section("downstream suite: seconds per module (setup + call + teardown)")
    for path, seconds in sorted(_SECONDS.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_SECONDS.values()):7.1f} s  in all")
