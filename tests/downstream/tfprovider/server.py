"""The plugin process: go-plugin handshake, mutual TLS and the gRPC services.

Terraform starts the plugin executable with ``TF_PLUGIN_MAGIC_COOKIE`` and
``PLUGIN_CLIENT_CERT`` (its own ECDSA P-521 client certificate) in the
environment and reads one line from its stdout::

    1|6|tcp|127.0.0.1:PORT|grpc|<base64 DER server certificate, no padding>

(core protocol 1, plugin protocol 6), then dials that port over TLS, pinning
our certificate and presenting its own. grpclib serves on Python's ``ssl``
module, which accepts Terraform's P-521 certificate (grpcio does not).
Methods not served here (GetMetadata, GetResourceIdentitySchemas, ...) are
answered UNIMPLEMENTED by grpclib, which Terraform accepts for optional RPCs.
The process exits on go-plugin's ``GRPCController/Shutdown``, or when its
parent process goes away, so that no plugin outlives the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import datetime
import importlib
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import traceback
from pathlib import Path

from .cty import decode_dynamic, encode
from .provider import StandInProvider
from .schema import DEFAULT_SCHEMA_PATH, ProviderSchema

# The private data of a resource state the stand-in made up on import (plan_resource_change).
IMPORTED = b"batchgen-stand-in:imported"

MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
CORE_PROTOCOL = 1
PLUGIN_PROTOCOL = 6


def server_tls(client_cert_pem: str) -> tuple[ssl.SSLContext, bytes]:
    """A TLS server context that requires ``client_cert_pem`` as the client
    certificate, and our self-signed certificate (DER) for the handshake."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "HashiCorp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_encipherment=True, key_cert_sign=True,
            content_commitment=False, data_encipherment=False, key_agreement=False,
            crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="tfprovider-tls-") as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        ctx.load_cert_chain(cert_path, key_path)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cadata=client_cert_pem)
    ctx.set_alpn_protocols(["h2"])
    return ctx, cert.public_bytes(serialization.Encoding.DER)


class Services:
    """tfplugin6.Provider and plugin.GRPCController, as grpclib handlers."""

    def __init__(self, pb, controller_pb, provider: StandInProvider, on_shutdown):
        self.pb = pb
        self.controller_pb = controller_pb
        self.provider = provider
        self.on_shutdown = on_shutdown
        self._schema_response = None

    def __mapping__(self):
        from grpclib.const import Cardinality, Handler

        pb = self.pb
        unary = {
            "GetProviderSchema": self.get_provider_schema,
            "ValidateProviderConfig": self.no_diagnostics,
            "ValidateResourceConfig": self.no_diagnostics,
            "ValidateDataResourceConfig": self.no_diagnostics,
            "ConfigureProvider": self.configure_provider,
            "PlanResourceChange": self.plan_resource_change,
            "ApplyResourceChange": self.apply_resource_change,
            "ReadDataSource": self.read_data_source,
            "ReadResource": self.read_resource,
            "ImportResourceState": self.import_resource_state,
            "UpgradeResourceState": self.upgrade_resource_state,
            "StopProvider": self.stop_provider,
        }
        mapping = {}
        for name, method in unary.items():
            req_type = getattr(pb, name).Request
            resp_type = getattr(pb, name).Response
            mapping[f"/tfplugin6.Provider/{name}"] = Handler(
                self._unary(method, resp_type), Cardinality.UNARY_UNARY, req_type, resp_type)
        empty = self.controller_pb.Empty
        mapping["/plugin.GRPCController/Shutdown"] = Handler(
            self.shutdown, Cardinality.UNARY_UNARY, empty, empty)
        return mapping

    def _unary(self, method, resp_type):
        async def handle(stream):
            request = await stream.recv_message()
            try:
                response = method(request, resp_type)
            except Exception as exc:  # report it to Terraform as a diagnostic
                traceback.print_exc(file=sys.stderr)
                response = resp_type()
                response.diagnostics.add(
                    severity=self.pb.Diagnostic.ERROR,
                    summary=f"stand-in {self.provider.schema.name} plugin failed: {exc!r}",
                    detail=traceback.format_exc())
            await stream.send_message(response)
        return handle

    def _dynamic(self, value):
        return self.pb.DynamicValue(msgpack=encode(value))

    # -- RPCs ----------------------------------------------------------------

    def get_provider_schema(self, request, resp_type):
        if self._schema_response is None:
            self._schema_response = self.provider.schema.to_proto(self.pb)
        return self._schema_response

    def no_diagnostics(self, request, resp_type):
        return resp_type()

    def configure_provider(self, request, resp_type):
        self.provider.configure(decode_dynamic(request.config.msgpack, request.config.json))
        return resp_type()

    def plan_resource_change(self, request, resp_type):
        proposed = decode_dynamic(request.proposed_new_state.msgpack, request.proposed_new_state.json)
        prior = decode_dynamic(request.prior_state.msgpack, request.prior_state.json)
        config = decode_dynamic(request.config.msgpack, request.config.json)
        planned, replace = self.provider.plan_change(request.type_name, proposed, prior, config)
        if request.prior_private == IMPORTED:
            # The real provider's read after an import fills the state from AWS; the stand-in
            # has no AWS, so its imported state is null but for `id`: nothing to compare, and
            # an adopted resource plans as an update to the configuration, never a replacement.
            replace = []
        response = resp_type(planned_state=self._dynamic(planned), planned_private=request.prior_private)
        for path in replace:
            msg = response.requires_replace.add()
            for step in path:
                if step == "#":
                    break  # the block list itself
                if isinstance(step, int):
                    msg.steps.add(element_key_int=step)
                else:
                    msg.steps.add(attribute_name=step)
        return response

    def apply_resource_change(self, request, resp_type):
        planned = decode_dynamic(request.planned_state.msgpack, request.planned_state.json)
        prior = decode_dynamic(request.prior_state.msgpack, request.prior_state.json)
        new_state = self.provider.apply(request.type_name, planned, prior)
        private = b"" if request.planned_private == IMPORTED else request.planned_private  # applied: real now
        return resp_type(new_state=self._dynamic(new_state), private=private)

    def read_data_source(self, request, resp_type):
        config = decode_dynamic(request.config.msgpack, request.config.json)
        return resp_type(state=self._dynamic(self.provider.read_data_source(request.type_name, config)))

    def read_resource(self, request, resp_type):
        return resp_type(new_state=request.current_state, private=request.private)

    def import_resource_state(self, request, resp_type):
        state = self.provider.import_state(request.type_name, request.id)
        response = resp_type()
        response.imported_resources.add(type_name=request.type_name, state=self._dynamic(state), private=IMPORTED)
        return response

    def upgrade_resource_state(self, request, resp_type):
        return resp_type(upgraded_state=self.pb.DynamicValue(json=request.raw_state.json))

    def stop_provider(self, request, resp_type):
        return resp_type()

    async def shutdown(self, stream):
        await stream.recv_message()
        await stream.send_message(self.controller_pb.Empty())
        self.on_shutdown()


class _FallbackMapping(dict):
    """A method table that answers UNIMPLEMENTED for methods not in it."""

    def get(self, key, default=None):
        from grpclib.const import Cardinality, Handler

        if key in self:
            return self[key]
        return Handler(_unimplemented, Cardinality.UNARY_UNARY, None, None)


async def _unimplemented(stream):
    from grpclib import GRPCError
    from grpclib.const import Status

    raise GRPCError(Status.UNIMPLEMENTED, "not served by the stand-in aws plugin")


def load_protos(pb2_dir: str | None):
    """Import the generated protobuf modules, generating them if needed."""
    if not pb2_dir:
        from .codegen import generate

        pb2_dir = tempfile.mkdtemp(prefix="tfprovider-pb2-")
        atexit.register(shutil.rmtree, pb2_dir, True)
        generate(pb2_dir)
    if pb2_dir not in sys.path:
        sys.path.insert(0, pb2_dir)
    return importlib.import_module("tfplugin6_pb2"), importlib.import_module("grpc_controller_pb2")


async def serve(args) -> None:
    from grpclib.server import Server

    pb, controller_pb = load_protos(args.pb2_dir)
    provider = StandInProvider(ProviderSchema.load(args.schema))
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    services = Services(pb, controller_pb, provider,
                        on_shutdown=lambda: loop.call_later(0.01, done.set))

    client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
    tls, cert_der = server_tls(client_cert) if client_cert else (None, b"")

    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose
    # proto says TCP; without it every RPC waits ~40 ms (Nagle + delayed ACK).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = Server([services])
    # grpclib answers an unknown method with a reply lacking content-type,
    # which grpc-go rejects as malformed instead of seeing UNIMPLEMENTED: send
    # every method we do not serve to a handler raising UNIMPLEMENTED.
    assert isinstance(server._mapping, dict), "grpclib internals changed"
    server._mapping = _FallbackMapping(server._mapping)
    await server.start(sock=sock, ssl=tls)

    cert_b64 = base64.b64encode(cert_der).decode().rstrip("=")
    sys.stdout.write(f"{CORE_PROTOCOL}|{PLUGIN_PROTOCOL}|tcp|127.0.0.1:{port}|grpc|{cert_b64}\n")
    sys.stdout.flush()

    parent = os.getppid()

    async def watch_parent():
        while os.getppid() == parent:
            await asyncio.sleep(0.5)
        done.set()

    loop.add_signal_handler(signal.SIGTERM, done.set)
    watcher = asyncio.create_task(watch_parent())
    await done.wait()
    watcher.cancel()
    server.close()
    try:
        await asyncio.wait_for(server.wait_closed(), timeout=1)
    except asyncio.TimeoutError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="terraform-provider-aws",
        description="Stand-in hashicorp/aws (or awscc) plugin serving a schema dump (tests only).")
    parser.add_argument("--schema", default=str(DEFAULT_SCHEMA_PATH),
                        help="provider schema JSON (terraform providers schema -json shape)")
    parser.add_argument("--pb2-dir", default=None,
                        help="directory holding tfplugin6_pb2.py (generated if omitted)")
    args = parser.parse_args(argv)

    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        sys.stderr.write("This binary is a Terraform plugin; it is not meant to be "
                         "executed directly.\n")
        return 1
    # Terraform handles interrupts itself and then shuts its plugins down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(serve(args))
    return 0
