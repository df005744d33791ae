"""`pip install .` gives a working batchgen: the wheel carries the schema, the templates and the catalog."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile

from .helpers import ROOT


def test_wheel_carries_schema_templates_catalog_and_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("batchgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "compiler/_schemas/batchgen.schema.json" in names
    for template in (ROOT / "templates").rglob("*.j2"):
        assert f"compiler/_templates/{template.relative_to(ROOT / 'templates').as_posix()}" in names
    for data in (ROOT / "compiler" / "data").rglob("*.yaml"):  # the catalog, IAM actions (BG-106), prices (cost)
        assert data.relative_to(ROOT).as_posix() in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "batchgen = compiler.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_wheel_carries_every_module_of_the_package(tmp_path):
    """pyproject.toml lists the packages by hand (schemas/ and templates/ are mapped into
    the package): a new subpackage missing from that list would install without its code."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("batchgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "compiler").rglob("*.py")}
    assert modules - names == set()


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def _version(text: str) -> tuple[int, ...]:
    """'3.1' and '3.1.0' are one version."""
    parts = [int(p) for p in text.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _floors() -> dict[str, str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    floors = {}
    for dep in deps:
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", dep.replace(" ", ""))
        assert m, f"runtime dependency {dep!r} is not a plain `name>=floor` range"
        floors[m.group(1).lower()] = m.group(2)
    return floors


def test_lowest_lock_holds_every_runtime_dependency_at_its_floor():
    """`make test` runs the core suite in .venvs/lowest: that proves the ranges pyproject.toml
    publishes only if that environment really has each dependency at its declared floor."""
    pins = _pins("lowest.txt")
    floors = _floors()
    assert set(floors) <= set(pins)
    assert {name: _version(pins[name]) for name in floors} == {name: _version(v) for name, v in floors.items()}


def test_locks_satisfy_the_declared_ranges():
    floors = _floors()
    for lock in ("runtime.txt", "test.txt"):
        pins = _pins(lock)
        for name, floor in floors.items():
            assert name in pins, f"requirements/{lock} doesn't pin {name}"
            assert _version(pins[name]) >= _version(floor), (lock, name)
