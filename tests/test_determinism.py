"""Same spec -> same bytes, whatever PYTHONHASHSEED, working directory, locale, time zone or clock.

The real command (`batchgen compile`, as `python -m compiler` or the console script) runs as
a subprocess for every example in specs/ under a few environments. Each environment varies
several things at once (not a cartesian product: CI stays fast), and every one of them

- writes a tree that is byte for byte the tree of every other environment and of an
  in-process compile, with the same executable bit on each file;
- is byte for byte the committed out/<name>/, and `batchgen compile --check` against it
  passes (run in two of the environments: the tree comparison already covers the rest);
- writes no absolute path (temp dir, checkout, copy of it, $HOME), no user name and no
  timestamp (today's date, or the date of the shifted clock).

The environments:

  repo      PYTHONHASHSEED=0, cwd the checkout, spec and OUT relative, LC_ALL=C.UTF-8, TZ=UTC
  absolute  PYTHONHASHSEED=1, cwd a temp dir, spec and OUT absolute, LC_ALL=C, TZ=Pacific/Kiritimati
            (UTC+14), clock 40 years ahead (past 2038), the `batchgen` console script
  elsewhere PYTHONHASHSEED=12345, cwd a temp subdir, spec and OUT relative to it ("../../..."),
            LANG=tr_TR.UTF-8 (built with localedef into a temp LOCPATH when the machine has no
            such locale; C.UTF-8 when it can't be built), TZ=America/St_Johns (UTC-03:30), clock
            25 years back
  copy      PYTHONHASHSEED=random, the checkout (compiler/, schemas/, templates/, specs/) copied
            to another path and run from there, LC_ALL=C with PEP 538/540 coercion off (ASCII
            is the preferred encoding), TZ=Asia/Kathmandu (UTC+05:45), clock shifted by 3 days

The clock: this machine has no libfaketime, so a sitecustomize.py put first on PYTHONPATH
shifts the process's wall clock (time.time/time_ns, localtime/gmtime/ctime/strftime without
an explicit time, datetime.now/utcnow/today, date.today). It can't fake the clock of a C
extension that reads it directly, but batchgen's own code is Python, and
`test_the_environments_are_in_effect` checks the shift (and the locale) really happen.
"""
from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from compiler.pipeline import compile_spec

from .helpers import EXAMPLES, ROOT

# Every compiled example: a spec, or one environment of a spec with `environments`.
SPECS = EXAMPLES
SPEC_IDS = [e.id for e in EXAMPLES]
YEAR = 365 * 24 * 3600
FAKE_USER = "bgdetuser"

SITECUSTOMIZE = '''\
"""Test-only: shift this process's wall clock by BATCHGEN_TEST_CLOCK_SHIFT seconds."""
import datetime as _dt
import os as _os
import time as _time

_SHIFT = float(_os.environ.get("BATCHGEN_TEST_CLOCK_SHIFT", "0"))
if _SHIFT:
    _time_, _time_ns_ = _time.time, _time.time_ns
    _localtime, _gmtime, _ctime, _asctime, _strftime = (
        _time.localtime, _time.gmtime, _time.ctime, _time.asctime, _time.strftime)
    _time.time = lambda: _time_() + _SHIFT
    _time.time_ns = lambda: _time_ns_() + int(_SHIFT * 1_000_000_000)
    _time.localtime = lambda secs=None: _localtime(_time.time() if secs is None else secs)
    _time.gmtime = lambda secs=None: _gmtime(_time.time() if secs is None else secs)
    _time.ctime = lambda secs=None: _ctime(_time.time() if secs is None else secs)
    _time.asctime = lambda t=None: _asctime(_time.localtime() if t is None else t)
    _time.strftime = lambda fmt, t=None: _strftime(fmt, _time.localtime() if t is None else t)

    class datetime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls.fromtimestamp(_time.time(), tz)

        @classmethod
        def utcnow(cls):
            return cls.fromtimestamp(_time.time(), _dt.timezone.utc).replace(tzinfo=None)

        @classmethod
        def today(cls):
            return cls.fromtimestamp(_time.time())

    _dt.datetime = datetime  # date.today() already reads time.time()
'''

PROBE = textwrap.dedent("""\
    import datetime, json, locale, sys, time
    import compiler.resources
    locale.setlocale(locale.LC_ALL, "")
    print(json.dumps({"time": time.time(), "now": datetime.datetime.now().year,
                      "today": datetime.date.today().year, "strftime": int(time.strftime("%Y")),
                      "encoding": locale.getpreferredencoding(False),
                      "decimal_point": locale.localeconv()["decimal_point"],
                      "locale": locale.setlocale(locale.LC_CTYPE), "hashseed": hash("batchgen"),
                      "compiler": compiler.resources.templates_dir().parent.as_posix()}))
""")


@dataclass
class Env:
    name: str
    cwd: Path
    env: dict[str, str]
    command: list[str]
    spec: callable  # Path (in the checkout) -> argument
    out: callable  # spec stem -> OUT argument
    clock_shift: float = 0.0
    check: bool = False  # also run `compile --check` against out/<name> here
    paths: list[Path] = field(default_factory=list)  # absolute paths the output must not name


def _turkish_locale(tmp: Path) -> dict[str, str]:
    """LANG=tr_TR.UTF-8 (its decimal point is ',', its 'i'.upper() is 'İ' in C), built into
    a private LOCPATH if the machine lacks it; C.UTF-8 if it can't be built."""
    available = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    if any(name.lower().replace("-", "") in ("tr_tr.utf8",) for name in available):
        return {"LANG": "tr_TR.UTF-8"}
    localedef = shutil.which("localedef")
    if localedef:
        locpath = tmp / "locales"
        locpath.mkdir()
        done = subprocess.run([localedef, "-i", "tr_TR", "-f", "UTF-8", str(locpath / "tr_TR.UTF-8")],
                              capture_output=True)
        if done.returncode == 0 and (locpath / "tr_TR.UTF-8").exists():
            return {"LANG": "tr_TR.UTF-8", "LOCPATH": str(locpath)}
    return {"LANG": "C.UTF-8"}


def _environments(tmp: Path) -> list[Env]:
    home = tmp / "home" / FAKE_USER
    home.mkdir(parents=True)
    clock = tmp / "clock"
    clock.mkdir()
    (clock / "sitecustomize.py").write_text(SITECUSTOMIZE)
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "USER": FAKE_USER,
            "LOGNAME": FAKE_USER, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(clock)}
    python = [sys.executable, "-m", "compiler"]
    script = Path(sys.executable).parent / "batchgen"
    console = [str(script)] if script.exists() else python

    absolute = tmp / "absolute"
    absolute.mkdir()
    elsewhere = tmp / "else" / "where"
    elsewhere.mkdir(parents=True)
    copy = tmp / "a copy of the checkout"
    for part in ("compiler", "schemas", "templates", "specs"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "outputs").mkdir()

    return [
        Env("repo", ROOT, {**base, "PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8", "TZ": "UTC"}, python,
            spec=lambda s: f"specs/{s.name}",
            out=lambda n: os.path.relpath(tmp / "repo" / n, ROOT)),
        Env("absolute", absolute, {**base, "PYTHONHASHSEED": "1", "LC_ALL": "C", "TZ": "Pacific/Kiritimati",
                                   "BATCHGEN_TEST_CLOCK_SHIFT": str(40 * YEAR)}, console,
            spec=lambda s: str(s), out=lambda n: str(absolute / n), clock_shift=40 * YEAR, check=True),
        Env("elsewhere", elsewhere, {**base, "PYTHONHASHSEED": "12345", **_turkish_locale(tmp),
                                     "TZ": "America/St_Johns", "BATCHGEN_TEST_CLOCK_SHIFT": str(-25 * YEAR)},
            python, spec=lambda s: os.path.relpath(s, elsewhere), out=lambda n: n, clock_shift=-25 * YEAR),
        Env("copy", copy, {**base, "PYTHONPATH": f"{copy}{os.pathsep}{clock}", "PYTHONHASHSEED": "random",
                           "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0",
                           "TZ": "Asia/Kathmandu", "BATCHGEN_TEST_CLOCK_SHIFT": str(3 * 86400 + 1234.5)},
            python, spec=lambda s: f"specs/{s.name}", out=lambda n: f"outputs/{n}",
            clock_shift=3 * 86400 + 1234.5, paths=[copy], check=True),
    ]


def _out_dir(e: Env, stem: str) -> Path:
    return (e.cwd / e.out(stem)).resolve()


def _tree(directory: Path) -> dict[str, tuple[bytes, bool]]:
    return {p.relative_to(directory).as_posix(): (p.read_bytes(), os.access(p, os.X_OK))
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every (environment, spec): the compile, the --check against out/<name>, and a probe."""
    tmp = tmp_path_factory.mktemp("determinism")
    envs = _environments(tmp)
    jobs = []
    for e in envs:
        jobs.append((e, None, "probe", [sys.executable, "-c", PROBE]))
        for example in SPECS:
            env = ["--env", example.env] if example.env else []
            jobs.append((e, example, "compile", [*e.command, "compile", e.spec(example.spec), *env, "-o",
                                                 e.out(example.id)]))
            if e.check:
                jobs.append((e, example, "check", [*e.command, "compile", e.spec(example.spec), *env, "-o",
                                                   str(example.out), "--check"]))

    def go(job):
        e, spec, kind, argv = job
        return subprocess.run(argv, cwd=e.cwd, env=e.env, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=120, stdin=subprocess.DEVNULL)

    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        done = list(pool.map(go, jobs))
    results = {(e.name, spec.id if spec else None, kind): proc for (e, spec, kind, _), proc in zip(jobs, done)}
    return tmp, envs, results


def _fail(proc: subprocess.CompletedProcess) -> str:
    return f"$ {' '.join(map(str, proc.args))}\nexit {proc.returncode}\n{proc.stdout}{proc.stderr}"


def test_the_environments_are_in_effect(runs):
    """The clock shift, the locale and the hash seed really differ between the runs."""
    _, envs, results = runs
    probes = {}
    for e in envs:
        proc = results[(e.name, None, "probe")]
        assert proc.returncode == 0, _fail(proc)
        probes[e.name] = probe = json.loads(proc.stdout)
        expected_year = time.gmtime(time.time() + e.clock_shift).tm_year
        assert abs(probe["time"] - (time.time() + e.clock_shift)) < 600, (e.name, probe)
        for key in ("now", "today", "strftime"):
            assert abs(probe[key] - expected_year) <= 1, (e.name, key, probe)
    assert probes["copy"]["encoding"].upper().replace("-", "").replace("_", "") in ("ASCII", "ANSIX3.41968")
    elsewhere = next(e for e in envs if e.name == "elsewhere")
    if "LOCPATH" in elsewhere.env or probes["elsewhere"]["locale"].startswith("tr"):
        assert probes["elsewhere"]["locale"].startswith("tr_TR"), probes["elsewhere"]
        assert probes["elsewhere"]["decimal_point"] == ","
    assert len({p["hashseed"] for p in probes.values()}) == len(probes)
    copy = next(e for e in envs if e.name == "copy")
    assert probes["copy"]["compiler"] == copy.cwd.as_posix(), "the copy of the checkout did not run"


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_every_environment_writes_the_same_bytes(runs, spec):
    _, envs, results = runs
    expected = compile_spec(str(spec.spec), env=spec.env).files
    assert expected
    expected = {rel: (text.encode("utf-8"), rel.endswith(".sh")) for rel, text in expected.items()}
    for e in envs:
        proc = results[(e.name, spec.id, "compile")]
        assert proc.returncode == 0, _fail(proc)
        written = _tree(_out_dir(e, spec.id))
        assert sorted(written) == sorted(expected), e.name
        for rel in expected:
            assert written[rel] == expected[rel], f"{e.name}: {rel} differs"


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_every_environment_writes_the_committed_out(runs, spec):
    _, envs, results = runs
    committed = {rel: data for rel, (data, _) in _tree(spec.out).items()}
    where = spec.out.relative_to(ROOT)
    for e in envs:
        written = {rel: data for rel, (data, _) in _tree(_out_dir(e, spec.id)).items()}
        assert written == committed, f"{e.name}: {where} differs: " + ", ".join(
            sorted(rel for rel in {*written, *committed} if written.get(rel) != committed.get(rel)))
        if e.check:
            proc = results[(e.name, spec.id, "check")]
            assert proc.returncode == 0, f"{e.name}: --check finds {where} stale\n{_fail(proc)}"


def _forbidden(tmp: Path, envs: list[Env]) -> list[str]:
    words = {str(tmp), str(tmp.resolve()), str(ROOT), str(Path.home()), FAKE_USER,
             *(str(p) for e in envs for p in e.paths), *(e.env["HOME"] for e in envs)}
    user = getpass.getuser()
    if user not in ("root",) and len(user) >= 3:  # ':root' is in every account-wide trust policy
        words.add(user)
    now = time.time()
    for shift in {0.0, *(e.clock_shift for e in envs)}:
        for fmt in ("%Y-%m-%d", "%Y%m%d", "%d/%m/%Y", "%m/%d/%Y", "%a %b %d", "%b %d %Y"):
            for stamp in (now + shift - 86400, now + shift, now + shift + 86400):  # any time zone's today
                words.add(time.strftime(fmt, time.gmtime(stamp)))
    return sorted(w for w in words if len(w) > 1)


TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d|\b\d\d:\d\d:\d\d\b")


@pytest.mark.parametrize("spec", SPECS, ids=SPEC_IDS)
def test_output_names_no_path_user_or_timestamp(runs, spec):
    tmp, envs, results = runs
    forbidden = _forbidden(tmp, envs)
    for e in envs:
        out = _out_dir(e, spec.id)
        for rel, (data, _) in _tree(out).items():
            text = data.decode("utf-8")
            for word in forbidden:
                assert word not in text, f"{e.name}: {rel} contains {word!r}"
            match = TIMESTAMP.search(text)
            assert match is None, f"{e.name}: {rel} contains a timestamp {match.group()!r}"
