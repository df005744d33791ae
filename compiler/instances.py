"""EC2 instance facts the rules need: architecture of a family, and vCPU / memory / GPUs of sizes.

Knows no spec, no YAML, no catalog. Used by the compute-environment rules (CE-018 item
form, CE-019 architecture, CE-041 override targets, CE-048 / CE-052 image types) and by the
cross-resource rules (XR-006 resource fit, XR-005 GPU placement, JQ-010 queue architecture).

API:
    parse("c5.large")            -> ("c5", "large");  parse("c5") -> ("c5", None);  None if malformed
    family("c5.large")           -> "c5"
    is_keyword("optimal")        -> True   (optimal, default_x86_64, default_arm64)
    architecture(name)           -> "x86_64" | "arm64" | None   (family, size or keyword; None = unknown)
    sizes(name)                  -> [(size name, vcpus, memory MiB), ...] | None
                                    a family gives all its sizes, a size gives a one-item list,
                                    None when the family or size is not in the table
    gpus(name)                   -> NVIDIA/AMD GPU count of a size, 0 for a known non-GPU size,
                                    None when unknown
    gpu_vendor(name)             -> "nvidia" | "amd" | None (None: no GPU or unknown family)
    known_family(name)           -> True when the family is in ARCHITECTURE or SIZES

Source of the tables: the Amazon EC2 "Instance types" specifications pages
(https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html, co.html, mo.html, so.html,
ac.html, hpc.html) and the Batch instance-type compute table
(https://docs.aws.amazon.com/batch/latest/userguide/instance-type-compute-table.html), written
down by hand from those pages (nominal vCPUs and memory in GiB, converted to MiB here); not
generated and not checked against a live account. The g3, g3s, g4dn, g5, g5g and g6 rows
(vCPUs, memory, GPU counts) were cross-checked against the table of the Batch "Run GPU jobs"
page (https://docs.aws.amazon.com/batch/latest/userguide/gpu-jobs.html); p5.4xlarge (one
H100, added 2025) is from memory of the EC2 announcement and the least certain row. Only the families AWS Batch commonly runs
are sized; others are recognised for their architecture only. Memory is the *nominal* instance
memory: what ECS registers for jobs is lower (CE-031, XR-006), so a fit check must leave room.

Architecture rule (CE-019, reviewed 2026-11-21): ARM is `a1` or a family whose generation
digit is followed by `g` (c6g, c6gd, c7gn, x2gd, im4gn, is4gen, g5g, r8g, hpc7g); x86 is a
family listed in _X86_FAMILIES. Anything else is unknown, and rules never reject on unknown.
"""
from __future__ import annotations

import re

KEYWORDS: dict[str, str] = {"optimal": "x86_64", "default_x86_64": "x86_64", "default_arm64": "arm64"}

# family (letters/digits, optional '-suffix' as in m7i-flex, u-6tb1, p6-b200) and optional size
_NAME = re.compile(r"^(?P<family>[a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:\.(?P<size>[a-z0-9]+(?:-[a-z0-9]+)*))?\Z")
_ARM = re.compile(r"^(?:a1|[a-z]+\d+g[a-z0-9]*)\Z")

_X86_FAMILIES = frozenset("""
c1 c3 c4 c5 c5a c5ad c5d c5n c6a c6i c6id c6in c7a c7i c7i-flex c8i
m1 m2 m3 m4 m5 m5a m5ad m5d m5dn m5n m5zn m6a m6i m6id m6idn m6in m7a m7i m7i-flex m8i
r3 r4 r5 r5a r5ad r5b r5d r5dn r5n r6a r6i r6id r6idn r6in r7a r7i r7iz r8i
t1 t2 t3 t3a
x1 x1e x2idn x2iedn x2iezn z1d
d2 d3 d3en h1 i2 i3 i3en i4i i7ie
p2 p3 p3dn p4d p4de p5 p5e p5en p6-b200
g2 g3 g3s g4ad g4dn g5 g6 g6e gr6
inf1 inf2 trn1 trn1n trn2 dl1 dl2q f1 f2 vt1
hpc6a hpc6id hpc7a
u-3tb1 u-6tb1 u-9tb1 u-12tb1 u-18tb1 u-24tb1
""".split())

_NVIDIA = frozenset("p2 p3 p3dn p4d p4de p5 p5e p5en p6-b200 g2 g3 g3s g4dn g5 g5g g6 g6e gr6".split())
_AMD = frozenset({"g4ad"})

_GIB = 1024

# Size ladders shared by several families: (size, vCPUs). Memory = vCPUs x GiB-per-vCPU below.
_LADDER_5 = ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), \
    ("12xlarge", 48), ("16xlarge", 64), ("24xlarge", 96)
_LADDER_5_METAL = _LADDER_5 + (("metal", 96),)
_LADDER_C5 = ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("9xlarge", 36), \
    ("12xlarge", 48), ("18xlarge", 72), ("24xlarge", 96), ("metal", 96)
_LADDER_6I = ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), \
    ("12xlarge", 48), ("16xlarge", 64), ("24xlarge", 96), ("32xlarge", 128), ("metal", 128)
_LADDER_6A = ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), \
    ("12xlarge", 48), ("16xlarge", 64), ("24xlarge", 96), ("32xlarge", 128), ("48xlarge", 192), ("metal", 192)
_LADDER_7A = (("medium", 1),) + _LADDER_6A[:-1] + (("metal-48xl", 192),)
_LADDER_7I = ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), \
    ("12xlarge", 48), ("16xlarge", 64), ("24xlarge", 96), ("48xlarge", 192), ("metal-24xl", 96), ("metal-48xl", 192)
_LADDER_GRAVITON = ("medium", 1), ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), \
    ("8xlarge", 32), ("12xlarge", 48), ("16xlarge", 64), ("metal", 64)
_LADDER_GRAVITON_NO_METAL = _LADDER_GRAVITON[:-1]
_LADDER_GRAVITON4 = ("medium", 1), ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), \
    ("8xlarge", 32), ("12xlarge", 48), ("16xlarge", 64), ("24xlarge", 96), ("48xlarge", 192), \
    ("metal-24xl", 96), ("metal-48xl", 192)


def _ratio(ladder, gib_per_vcpu: float) -> tuple[tuple[str, int, int], ...]:
    return tuple((size, v, int(v * gib_per_vcpu * _GIB)) for size, v in ladder)


def _explicit(*rows: tuple[str, int, float]) -> tuple[tuple[str, int, int], ...]:
    return tuple((size, v, int(gib * _GIB)) for size, v, gib in rows)


# t3, t3a and t4g: 2 vCPUs up to large, then 4 and 8
_BURSTABLE = _explicit(("nano", 2, 0.5), ("micro", 2, 1), ("small", 2, 2), ("medium", 2, 4), ("large", 2, 8),
                       ("xlarge", 4, 16), ("2xlarge", 8, 32))

# family -> ((size, vCPUs, memory MiB), ...), nominal values
SIZES: dict[str, tuple[tuple[str, int, int], ...]] = {
    # compute optimized (2 GiB per vCPU unless noted)
    "c4": _explicit(("large", 2, 3.75), ("xlarge", 4, 7.5), ("2xlarge", 8, 15), ("4xlarge", 16, 30),
                    ("8xlarge", 36, 60)),
    "c5": _ratio(_LADDER_C5, 2),
    "c5d": _ratio(_LADDER_C5, 2),
    "c5a": _ratio(_LADDER_5, 2),
    "c5ad": _ratio(_LADDER_5, 2),
    "c5n": _explicit(("large", 2, 5.25), ("xlarge", 4, 10.5), ("2xlarge", 8, 21), ("4xlarge", 16, 42),
                     ("9xlarge", 36, 96), ("18xlarge", 72, 192), ("metal", 72, 192)),
    "c6i": _ratio(_LADDER_6I, 2),
    "c6id": _ratio(_LADDER_6I, 2),
    "c6in": _ratio(_LADDER_6I, 2),
    "c6a": _ratio(_LADDER_6A, 2),
    "c7a": _ratio(_LADDER_7A, 2),
    "c7i": _ratio(_LADDER_7I, 2),
    "c6g": _ratio(_LADDER_GRAVITON, 2),
    "c6gd": _ratio(_LADDER_GRAVITON, 2),
    "c6gn": _ratio(_LADDER_GRAVITON_NO_METAL, 2),
    "c7g": _ratio(_LADDER_GRAVITON, 2),
    "c7gd": _ratio(_LADDER_GRAVITON, 2),
    "c7gn": _ratio(_LADDER_GRAVITON, 2),
    "c8g": _ratio(_LADDER_GRAVITON4, 2),
    # burstable general purpose (issue 14: without them XR-006 skipped every environment listing one)
    "t2": _explicit(("nano", 1, 0.5), ("micro", 1, 1), ("small", 1, 2), ("medium", 2, 4), ("large", 2, 8),
                    ("xlarge", 4, 16), ("2xlarge", 8, 32)),
    "t3": _BURSTABLE,
    "t3a": _BURSTABLE,
    "t4g": _BURSTABLE,
    # general purpose (4 GiB per vCPU unless noted)
    "m4": _explicit(("large", 2, 8), ("xlarge", 4, 16), ("2xlarge", 8, 32), ("4xlarge", 16, 64),
                    ("10xlarge", 40, 160), ("16xlarge", 64, 256)),
    "m5": _ratio(_LADDER_5_METAL, 4),
    "m5d": _ratio(_LADDER_5_METAL, 4),
    "m5n": _ratio(_LADDER_5_METAL, 4),
    "m5dn": _ratio(_LADDER_5_METAL, 4),
    "m5a": _ratio(_LADDER_5, 4),
    "m5ad": _ratio(_LADDER_5, 4),
    "m5zn": _ratio((("large", 2), ("xlarge", 4), ("2xlarge", 8), ("3xlarge", 12), ("6xlarge", 24),
                    ("12xlarge", 48), ("metal", 48)), 4),
    "m6i": _ratio(_LADDER_6I, 4),
    "m6id": _ratio(_LADDER_6I, 4),
    "m6in": _ratio(_LADDER_6I, 4),
    "m6idn": _ratio(_LADDER_6I, 4),
    "m6a": _ratio(_LADDER_6A, 4),
    "m7a": _ratio(_LADDER_7A, 4),
    "m7i": _ratio(_LADDER_7I, 4),
    "m6g": _ratio(_LADDER_GRAVITON, 4),
    "m6gd": _ratio(_LADDER_GRAVITON, 4),
    "m7g": _ratio(_LADDER_GRAVITON, 4),
    "m7gd": _ratio(_LADDER_GRAVITON, 4),
    "m8g": _ratio(_LADDER_GRAVITON4, 4),
    "a1": _ratio((("medium", 1), ("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("metal", 16)), 2),
    # memory optimized (8 GiB per vCPU unless noted)
    "r4": _explicit(("large", 2, 15.25), ("xlarge", 4, 30.5), ("2xlarge", 8, 61), ("4xlarge", 16, 122),
                    ("8xlarge", 32, 244), ("16xlarge", 64, 488)),
    "r5": _ratio(_LADDER_5_METAL, 8),
    "r5d": _ratio(_LADDER_5_METAL, 8),
    "r5n": _ratio(_LADDER_5_METAL, 8),
    "r5dn": _ratio(_LADDER_5_METAL, 8),
    "r5b": _ratio(_LADDER_5_METAL, 8),
    "r5a": _ratio(_LADDER_5, 8),
    "r5ad": _ratio(_LADDER_5, 8),
    "r6i": _ratio(_LADDER_6I, 8),
    "r6id": _ratio(_LADDER_6I, 8),
    "r6a": _ratio(_LADDER_6A, 8),
    "r7a": _ratio(_LADDER_7A, 8),
    "r7i": _ratio(_LADDER_7I, 8),
    "r6g": _ratio(_LADDER_GRAVITON, 8),
    "r6gd": _ratio(_LADDER_GRAVITON, 8),
    "r7g": _ratio(_LADDER_GRAVITON, 8),
    "r7gd": _ratio(_LADDER_GRAVITON, 8),
    "r8g": _ratio(_LADDER_GRAVITON4, 8),
    "x1": _explicit(("16xlarge", 64, 976), ("32xlarge", 128, 1952)),
    "x1e": _explicit(("xlarge", 4, 122), ("2xlarge", 8, 244), ("4xlarge", 16, 488), ("8xlarge", 32, 976),
                     ("16xlarge", 64, 1952), ("32xlarge", 128, 3904)),
    "x2gd": _ratio(_LADDER_GRAVITON, 16),
    "x2idn": _ratio((("16xlarge", 64), ("24xlarge", 96), ("32xlarge", 128), ("metal", 128)), 16),
    "x2iedn": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("16xlarge", 64),
                      ("24xlarge", 96), ("32xlarge", 128), ("metal", 128)), 32),
    "z1d": _ratio((("large", 2), ("xlarge", 4), ("2xlarge", 8), ("3xlarge", 12), ("6xlarge", 24),
                   ("12xlarge", 48), ("metal", 48)), 8),
    # storage optimized
    "i3": _explicit(("large", 2, 15.25), ("xlarge", 4, 30.5), ("2xlarge", 8, 61), ("4xlarge", 16, 122),
                    ("8xlarge", 32, 244), ("16xlarge", 64, 488), ("metal", 72, 512)),
    "i3en": _ratio((("large", 2), ("xlarge", 4), ("2xlarge", 8), ("3xlarge", 12), ("6xlarge", 24),
                    ("12xlarge", 48), ("24xlarge", 96), ("metal", 96)), 8),
    "i4i": _ratio(_LADDER_6I, 8),
    "d3": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32)), 8),
    # accelerated computing
    "p2": _explicit(("xlarge", 4, 61), ("8xlarge", 32, 488), ("16xlarge", 64, 732)),
    "p3": _explicit(("2xlarge", 8, 61), ("8xlarge", 32, 244), ("16xlarge", 64, 488)),
    "p3dn": _explicit(("24xlarge", 96, 768)),
    "p4d": _explicit(("24xlarge", 96, 1152)),
    "p4de": _explicit(("24xlarge", 96, 1152)),
    "p5": _explicit(("4xlarge", 16, 256), ("48xlarge", 192, 2048)),
    "p5e": _explicit(("48xlarge", 192, 2048)),
    "p5en": _explicit(("48xlarge", 192, 2048)),
    "g3": _explicit(("4xlarge", 16, 122), ("8xlarge", 32, 244), ("16xlarge", 64, 488)),
    "g3s": _explicit(("xlarge", 4, 30.5)),
    "g4dn": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("12xlarge", 48),
                    ("16xlarge", 64), ("metal", 96)), 4),
    "g4ad": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("16xlarge", 64)), 4),
    "g5": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("12xlarge", 48),
                  ("16xlarge", 64), ("24xlarge", 96), ("48xlarge", 192)), 4),
    "g5g": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("16xlarge", 64),
                   ("metal", 64)), 2),
    "g6": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("12xlarge", 48),
                  ("16xlarge", 64), ("24xlarge", 96), ("48xlarge", 192)), 4),
    "g6e": _ratio((("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("12xlarge", 48),
                   ("16xlarge", 64), ("24xlarge", 96), ("48xlarge", 192)), 8),
    "inf1": _ratio((("xlarge", 4), ("2xlarge", 8), ("6xlarge", 24), ("24xlarge", 96)), 2),
    "inf2": _ratio((("xlarge", 4), ("8xlarge", 32), ("24xlarge", 96), ("48xlarge", 192)), 4),
    "trn1": _ratio((("2xlarge", 8), ("32xlarge", 128)), 4),
    "trn1n": _ratio((("32xlarge", 128),), 4),
    "trn2": _explicit(("48xlarge", 192, 2048)),
    "dl1": _explicit(("24xlarge", 96, 768)),
    # high performance computing
    "hpc6a": _explicit(("48xlarge", 96, 384)),
    "hpc6id": _explicit(("32xlarge", 64, 1024)),
    "hpc7a": _explicit(("12xlarge", 24, 768), ("24xlarge", 48, 768), ("48xlarge", 96, 768), ("96xlarge", 192, 768)),
    "hpc7g": _explicit(("4xlarge", 16, 128), ("8xlarge", 32, 128), ("16xlarge", 64, 128)),
}

# GPUs per size, for GPU families (sizes not listed here have the family's single-GPU default)
_GPUS: dict[str, dict[str, int]] = {
    "p2": {"xlarge": 1, "8xlarge": 8, "16xlarge": 16},
    "p3": {"2xlarge": 1, "8xlarge": 4, "16xlarge": 8},
    "p3dn": {"24xlarge": 8},
    "p4d": {"24xlarge": 8},
    "p4de": {"24xlarge": 8},
    "p5": {"4xlarge": 1, "48xlarge": 8},
    "p5e": {"48xlarge": 8},
    "p5en": {"48xlarge": 8},
    "g3": {"4xlarge": 1, "8xlarge": 2, "16xlarge": 4},
    "g3s": {"xlarge": 1},
    "g4dn": {"12xlarge": 4, "metal": 8},
    "g4ad": {"8xlarge": 2, "16xlarge": 4},
    "g5": {"12xlarge": 4, "24xlarge": 4, "48xlarge": 8},
    "g5g": {"16xlarge": 2, "metal": 2},
    "g6": {"12xlarge": 4, "24xlarge": 4, "48xlarge": 8},
    "g6e": {"12xlarge": 4, "24xlarge": 4, "48xlarge": 8},
}


def parse(name: str) -> tuple[str, str | None] | None:
    """(family, size or None) of an instance type or family name; None when malformed or a keyword."""
    if not isinstance(name, str) or name in KEYWORDS:
        return None
    m = _NAME.match(name)
    if not m or not any(ch.isdigit() for ch in m.group("family")):
        return None
    return m.group("family"), m.group("size")


def is_keyword(name: str) -> bool:
    return name in KEYWORDS


def family(name: str) -> str | None:
    parsed = parse(name)
    return parsed[0] if parsed else None


def known_family(name: str) -> bool:
    fam = family(name)
    return fam is not None and (fam in _X86_FAMILIES or fam in SIZES or bool(_ARM.match(fam)))


def architecture(name: str) -> str | None:
    """'x86_64', 'arm64' or None (unknown) for a family, a size or a Batch keyword."""
    if name in KEYWORDS:
        return KEYWORDS[name]
    fam = family(name)
    if fam is None:
        return None
    if _ARM.match(fam):
        return "arm64"
    if fam in _X86_FAMILIES:
        return "x86_64"
    return None


def sizes(name: str) -> list[tuple[str, int, int]] | None:
    """[(instance type, vCPUs, nominal memory MiB)] of a family, or of one size; None if unknown."""
    parsed = parse(name)
    if parsed is None or parsed[0] not in SIZES:
        return None
    fam, size = parsed
    rows = [(f"{fam}.{s}", v, mib) for s, v, mib in SIZES[fam]]
    if size is None:
        return rows
    picked = [r for r in rows if r[0] == name]
    return picked or None


def gpu_vendor(name: str) -> str | None:
    fam = family(name)
    if fam in _NVIDIA:
        return "nvidia"
    if fam in _AMD:
        return "amd"
    return None


def gpus(name: str) -> int | None:
    """GPUs of one instance type (a size); 0 for a known non-GPU type; None when unknown."""
    parsed = parse(name)
    if parsed is None or parsed[1] is None or sizes(name) is None:
        return None
    fam, size = parsed
    if gpu_vendor(name) is None:
        return 0
    return _GPUS.get(fam, {}).get(size, 1)
