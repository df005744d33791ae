"""`pip install .` gives a working batchgen: the wheel carries the schema, the templates and the catalog."""
from __future__ import annotations

import subprocess
import sys
import zipfile

from .helpers import ROOT


def test_wheel_carries_schema_templates_and_catalog(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("batchgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "compiler/_schemas/batchgen.schema.json" in names
    for template in (ROOT / "templates").rglob("*.j2"):
        assert f"compiler/_templates/{template.relative_to(ROOT / 'templates').as_posix()}" in names
    for catalog in (ROOT / "compiler" / "data" / "catalog").glob("*.yaml"):
        assert f"compiler/data/catalog/{catalog.name}" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "batchgen = compiler.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
