"""Write the compiled tree all at once or not at all; compare it with what is on disk.

Only `terraform/` and `cli/` under OUT belong to batchgen. Terraform's own working files
in OUT/terraform (`.terraform/`, `.terraform.lock.hcl`, state files) are carried over on
every write and ignored by --check, so `terraform init` there survives a recompile.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

MANAGED_TOP = ("terraform", "cli")


class OutputError(Exception):
    """OUT can't be written (I/O, or it holds files batchgen didn't write)."""


def _is_terraform_working_file(rel: Path) -> bool:
    return len(rel.parts) >= 2 and rel.parts[0] == "terraform" and (
        rel.parts[1].startswith(".terraform") or rel.parts[1].startswith("terraform.tfstate")
    )


def _existing_files(out: Path) -> dict[str, Path]:
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and not _is_terraform_working_file(rel):
            files[rel.as_posix()] = path
    return files


def _check_foreign(out: Path) -> None:
    foreign = [p.name for p in out.iterdir() if p.name not in MANAGED_TOP]
    if foreign:
        raise OutputError(
            f"{out} holds {', '.join(sorted(foreign))}, which batchgen did not write; "
            "choose an empty or batchgen-only output directory with -o"
        )


def differences(out: Path, files: dict[str, str]) -> list[str]:
    """Relative paths that --check would report: changed, missing, or not written any more."""
    if not out.exists():
        return sorted(files)
    existing = _existing_files(out)
    diff = []
    for rel, text in files.items():
        path = existing.get(rel)
        if path is None or path.read_bytes() != text.encode("utf-8"):
            diff.append(rel)
    diff.extend(rel for rel in existing if rel not in files)
    return sorted(diff)


def write_tree(out: Path, files: dict[str, str]) -> None:
    out = out.resolve()
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out} exists and is not a directory")
        _check_foreign(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        for rel, text in sorted(files.items()):
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            if rel.endswith(".sh"):
                path.chmod(0o755)
        backup = None
        if out.exists():
            tf = out / "terraform"
            if tf.is_dir():
                for item in tf.iterdir():
                    if _is_terraform_working_file(item.relative_to(out)):
                        (tmp / "terraform").mkdir(exist_ok=True)
                        os.replace(item, tmp / "terraform" / item.name)
            backup = out.parent / (tmp.name + ".old")
            os.replace(out, backup)
        os.replace(tmp, out)
        if backup is not None:
            shutil.rmtree(backup)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
