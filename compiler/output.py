"""Write the compiled tree all at once or not at all; compare it with what is on disk.

Every write leaves OUT/batchgen.manifest.json, which lists each file batchgen wrote with
its sha256 (`with_manifest` adds it to the compiled files, so --check covers it too).
batchgen never deletes what it didn't write:

- OUT must not be, or hold, what a mistyped -o would destroy: the current directory or
  one of its parents, a `.git`, or the spec itself. Refused always, --force or not.
- An existing OUT is replaced only when it holds nothing but what its manifest lists.
  A file, folder or symlink the manifest doesn't list is refused, --force or not: the
  user moves it out (or names it as a file of their own, below).
- A listed file edited since batchgen wrote it is refused unless `force`: --force
  replaces batchgen's own edited or stale files, and nothing else.

Kept across every write and ignored by --check, directly in OUT/terraform: Terraform's
working files (`.terraform/`, `.terraform.lock.hcl`, state files), so `terraform init`
there survives a recompile, and the user's own files (USER_FILE_PATTERNS: `*.local.tf`,
override files, `*.tfvars`), which Terraform reads beside the generated ones.

Symlinks inside OUT are never followed. OUT itself is resolved first (a symlink named by
-o stands for its target directory).
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

MANIFEST = "batchgen.manifest.json"
MANIFEST_FORMAT = "batchgen-manifest"
MANIFEST_VERSION = 1
_MANIFEST_MAX_BYTES = 64 << 20
_LISTED = 5  # names an error message shows before "(n more)"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class OutputError(Exception):
    """OUT can't be written (I/O, an unsafe path, or it holds files batchgen didn't write)."""


# -- the manifest --------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_manifest(files: dict[str, str]) -> dict[str, str]:
    """`files` (relative path -> text) and the manifest listing them, sorted by path: the
    complete tree batchgen writes to OUT. A manifest already in `files` is made afresh."""
    listed = {rel: _sha256(text.encode("utf-8")) for rel, text in sorted(files.items()) if rel != MANIFEST}
    manifest = {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "hash": "sha256", "files": listed}
    tree = {rel: files[rel] for rel in listed}
    tree[MANIFEST] = json.dumps(manifest, indent=2) + "\n"
    return dict(sorted(tree.items()))


def _read_manifest(path: str) -> tuple[dict[str, str] | None, str]:
    """The files a manifest on disk lists (path -> sha256), or None and why it isn't one."""
    try:
        data = _read_bytes(path, limit=_MANIFEST_MAX_BYTES)
    except OSError as exc:
        return None, exc.strerror or str(exc)
    if data is None:
        return None, "too large"
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "not JSON"
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        return None, f"no \"format\": \"{MANIFEST_FORMAT}\""
    if doc.get("version") != MANIFEST_VERSION or doc.get("hash") != "sha256":
        return None, f"version {doc.get('version')!r}, this batchgen reads version {MANIFEST_VERSION}"
    files = doc.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(rel, str) and _name_problem(rel) is None and rel != MANIFEST
            and isinstance(h, str) and len(h) == 64 for rel, h in files.items()):
        return None, "its file list is malformed"
    return files, ""


# -- paths ---------------------------------------------------------------------------------

_DRIVE = re.compile(r"[A-Za-z]:")  # a Windows drive (C:x); backslashes are refused before this


def _name_problem(rel: str) -> str | None:
    """Why `rel` can't name a file inside OUT, or None. A safety net: spec names are
    validated by the schema's patterns long before they become file names."""
    if not isinstance(rel, str) or not rel:
        return "an empty path"
    if "\0" in rel or "\\" in rel:
        return "a NUL or a backslash in the path"
    if rel.startswith("/") or _DRIVE.match(rel):
        return "an absolute path"
    if any(part in ("", ".", "..") for part in rel.split("/")):
        return "an empty, '.' or '..' part in the path"
    return None


def _inside(root: str, path: str) -> bool:
    return os.path.commonpath([root, path]) == root and path != root


def _is_terraform_working_name(name: str) -> bool:
    """Terraform's own files directly in OUT/terraform: `.terraform/`, `.terraform.lock.hcl`,
    `.terraform.tfstate.lock.info`, `terraform.tfstate`, `terraform.tfstate.backup`."""
    return name.startswith(".terraform") or name.startswith("terraform.tfstate")


# The user's own files directly in OUT/terraform (README, "Files of your own"): Terraform
# reads them with the generated ones, batchgen never writes, deletes or checks them.
# `*.local.tf` for anything a team adds (a backend, a module call, outputs); override files
# are Terraform's own way to adjust generated configuration; `*.tfvars` hold variable values.
USER_FILE_PATTERNS = ("*.local.tf", "*.local.tf.json", "override.tf", "override.tf.json",
                      "*_override.tf", "*_override.tf.json", "*.tfvars", "*.tfvars.json")


def is_user_file(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in USER_FILE_PATTERNS)


def _kept(name: str) -> bool:
    """A file directly in OUT/terraform that every write carries over and --check ignores."""
    return _is_terraform_working_name(name) or is_user_file(name)


def _scan(root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """What OUT holds, without following any symlink: its regular files (relative path ->
    path) and everything else that isn't a directory (relative path -> "symlink" or
    "special file"). The files kept in OUT/terraform are left out; empty directories hold nothing."""
    regular: dict[str, str] = {}
    odd: dict[str, str] = {}
    stack = [("", str(root))]
    while stack:
        prefix, directory = stack.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if prefix == "terraform/" and _kept(entry.name):
                    continue
                if entry.is_symlink():
                    odd[rel] = "symlink"
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((rel + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    regular[rel] = entry.path
                else:
                    odd[rel] = "special file"
    return regular, odd


def _read_bytes(path: str, limit: int | None = None) -> bytes | None:
    """The bytes of the regular file at `path`, never through a symlink (None: over `limit`)."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        data = fh.read() if limit is None else fh.read(limit + 1)
    return None if limit is not None and len(data) > limit else data


def _names(rels: list[str], odd: dict[str, str]) -> str:
    shown = [f"{rel} ({odd[rel]})" if rel in odd else rel for rel in rels[:_LISTED]]
    more = f", ... ({len(rels) - _LISTED} more)" if len(rels) > _LISTED else ""
    return ", ".join(shown) + more


# -- refusing --------------------------------------------------------------------------------

def _danger(out: Path, root: Path, spec: str | None) -> str | None:
    """Why OUT must never be replaced, --force or not: what a mistyped -o would destroy."""
    cwd = Path.cwd().resolve()
    if root == cwd or root in cwd.parents:
        where = "the current directory" if root == cwd else "a parent of the current directory"
        return f"{out} is {where}; batchgen replaces OUT as a whole: choose a folder of its own, e.g. -o out"
    if ".git" in root.parts or os.path.lexists(root / ".git"):
        return f"{out} is or holds a git repository (.git); choose a folder of its own, e.g. -o out"
    if spec is not None:
        spec_path = Path(spec).resolve()
        if spec_path == root or root in spec_path.parents:
            return f"{out} holds the spec {spec}; choose a folder of its own, e.g. -o out"
    return None


def _refusal(out: Path, root: Path, force: bool) -> str | None:
    """Why the existing directory OUT must not be replaced, or None. Files the manifest
    doesn't list are never replaced; edited ones only with `force`."""
    regular, odd = _scan(root)
    if not regular and not odd:
        return None
    manifest = regular.pop(MANIFEST, None)
    keep = ("batchgen never deletes files it did not write, not even with --force: "
            "move them out of it (a Terraform file of your own is kept in OUT/terraform when "
            "named *.local.tf), or choose another -o")
    if manifest is None:
        rels = sorted([*regular, *odd])
        return f"{out} holds files batchgen did not write: {_names(rels, odd)}; {keep}"
    listed, why = _read_manifest(manifest)
    if listed is None:
        return f"{out / MANIFEST} is not a manifest batchgen wrote ({why}); {keep}"
    foreign = sorted([*(rel for rel in regular if rel not in listed), *odd])
    edited = sorted(rel for rel, path in regular.items()
                    if rel in listed and _sha256(_read_bytes(path) or b"") != listed[rel])
    if foreign:
        also = f"; it also holds files edited since batchgen wrote them: {_names(edited, odd)}" if edited else ""
        return f"{out} holds files batchgen did not write: {_names(foreign, odd)}; {keep}{also}"
    if edited and not force:
        return (f"{out} holds files edited since batchgen wrote them: {_names(edited, odd)}; replacing "
                "it would lose the edits: make them in the spec, or pass --force to replace them")
    return None


# -- comparing and writing -------------------------------------------------------------------

def _tree(files: dict[str, str]) -> dict[str, str]:
    """The whole tree for OUT: `files` as a compile returns them, manifest included
    (pipeline.compile_text adds it), or with one made here for a caller that has none."""
    return files if MANIFEST in files else with_manifest(files)


def differences(out: Path, files: dict[str, str]) -> list[str]:
    """Relative paths that --check would report: changed, missing, not written any more, or
    not batchgen's (a symlink, a file it didn't write). Reads no symlink."""
    tree = _tree(files)
    root = out.resolve()
    if not root.is_dir():
        return sorted(tree)
    try:
        regular, odd = _scan(root)
        diff = {rel for rel, text in tree.items()
                if rel not in regular or _read_bytes(regular[rel]) != text.encode("utf-8")}
    except OSError as exc:
        raise OutputError(f"cannot read {out}: {exc.strerror or exc}") from exc
    diff.update(rel for rel in regular if rel not in tree)
    diff.update(odd)
    return sorted(diff)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_tree(out: Path, files: dict[str, str], force: bool = False, spec: str | None = None) -> None:
    """Replace OUT with `files` and their manifest, all at once, or raise OutputError and
    change nothing. Refused: an OUT that is the current directory or a parent of it, holds
    a `.git` or the spec (at path `spec`), or holds anything batchgen did not write (but
    the files kept in OUT/terraform); with files edited since batchgen wrote them, unless `force`."""
    tree = _tree(files)
    for rel in tree:
        problem = _name_problem(rel)
        if not problem and rel.startswith("terraform/") and rel.count("/") == 1 and _kept(rel[len("terraform/"):]):
            problem = "a name kept for Terraform's or the user's own files"
        if problem:
            raise OutputError(f"refusing to write {rel!r} under {out}: {problem}")
    root = out.resolve()
    try:
        st = os.lstat(root)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    danger = _danger(out, root, spec)
    if danger:
        raise OutputError(danger)
    if st is not None:
        if not stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{out} exists and is not a directory; choose another -o")
        try:
            refusal = _refusal(out, root, force)
        except OSError as exc:
            raise OutputError(f"cannot read {out}: {exc.strerror or exc}") from exc
        if refusal:
            raise OutputError(refusal)

    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    moved: list[tuple[str, Path]] = []  # the kept files of OUT/terraform, carried from OUT into tmp
    backup: Path | None = None
    try:
        os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else 0o777 & ~_umask())
        real_tmp = os.path.realpath(tmp)
        real_dirs: dict[str, str] = {}  # each folder is made and resolved once, not per file
        for rel, text in tree.items():
            if not _inside(real_tmp, os.path.normpath(os.path.join(real_tmp, rel))):
                raise OutputError(f"refusing to write {rel!r}: it would land outside {out}")
            folder, _, name = rel.rpartition("/")
            real_dir = real_dirs.get(folder)
            if real_dir is None:
                made = tmp.joinpath(*folder.split("/")) if folder else tmp
                made.mkdir(parents=True, exist_ok=True)
                real_dir = real_dirs[folder] = os.path.realpath(made)
            path = os.path.join(real_dir, name)
            if not _inside(real_tmp, path):
                raise OutputError(f"refusing to write {rel!r}: it would land outside {out}")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666)
            with os.fdopen(fd, "wb") as fh:
                fh.write(text.encode("utf-8"))
            if rel.endswith(".sh"):
                os.chmod(path, 0o755)
        if st is not None:
            tf = root / "terraform"
            if tf.is_dir() and not tf.is_symlink():
                for entry in sorted(os.scandir(tf), key=lambda e: e.name):
                    if _kept(entry.name):
                        (tmp / "terraform").mkdir(exist_ok=True)
                        os.replace(entry.path, tmp / "terraform" / entry.name)
                        moved.append((entry.path, tmp / "terraform" / entry.name))
            backup = root.parent / (tmp.name + ".old")
            os.replace(root, backup)
        os.replace(tmp, root)
    except (OSError, OutputError) as exc:
        kept = _roll_back(root, tmp, backup, moved)
        if isinstance(exc, OutputError):
            raise
        note = f"; Terraform's working files and your own are left in {tmp}" if kept else ""
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}{note}") from exc
    if backup is not None:
        try:
            shutil.rmtree(backup)  # removes symlinks as links: their targets are untouched
        except OSError as exc:
            raise OutputError(f"wrote {out}, but cannot remove its old copy {backup}: "
                              f"{exc.strerror or exc}") from exc


def _roll_back(root: Path, tmp: Path, backup: Path | None, moved: list[tuple[str, Path]]) -> bool:
    """Put OUT back as it was after a failed write; True if working files stay in `tmp`."""
    try:
        if backup is not None and not os.path.lexists(root):
            os.replace(backup, root)
        for src, dst in reversed(moved):
            os.replace(dst, src)
    except OSError:
        return True
    shutil.rmtree(tmp, ignore_errors=True)
    return False
