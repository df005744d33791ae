"""Generate the protobuf modules of the stand-in plugin from its .proto files.

Nothing generated is committed: the test session (or the plugin, when run by
hand) compiles ``tfplugin6.proto`` and ``grpc_controller.proto`` with
grpcio-tools' bundled protoc into a directory of its choosing, which then goes
on ``sys.path`` (modules ``tfplugin6_pb2`` and ``grpc_controller_pb2``).
"""

from __future__ import annotations

from pathlib import Path

PROTO_DIR = Path(__file__).resolve().parent
PROTOS = ("tfplugin6.proto", "grpc_controller.proto")


def generate(out_dir: str | Path) -> Path:
    """Compile the plugin's .proto files into ``out_dir``; return it."""
    from grpc_tools import protoc  # imported late: only needed here

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in PROTOS:
        rc = protoc.main(
            ["protoc", f"-I{PROTO_DIR}", f"--python_out={out}", str(PROTO_DIR / name)]
        )
        if rc != 0:
            raise RuntimeError(f"protoc failed ({rc}) on {PROTO_DIR / name}")
    return out
