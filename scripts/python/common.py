"""What submit.py and worker.py share: stubs generated from proto/jobs.proto, and finding the leader.

Written from proto/jobs.proto and the README alone (see "Clients in other languages" there).
Needs grpcio and grpcio-tools (Debian: python3-grpcio, python3-grpc-tools).
"""

import importlib
import os
import re
import shutil
import sys
import tempfile
import time

import grpc

PROTO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "proto")


def load_stubs(proto_dir=PROTO_DIR):
    """Generate jobs_pb2 / jobs_pb2_grpc into a temporary directory and import them.

    Nothing generated is kept: once imported, the modules live in memory and the directory goes.
    """
    out = tempfile.mkdtemp(prefix="raftjobs-py-")
    try:
        return _generate_and_import(proto_dir, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _generate_and_import(proto_dir, out):
    from grpc_tools import protoc

    args = ["protoc", f"-I{proto_dir}", f"--python_out={out}", f"--grpc_python_out={out}", "jobs.proto"]
    if protoc.main(args) != 0:
        # protoc before 3.15 (Debian 12's grpc-tools bundles 3.5) refuses proto3 `optional`, used
        # once (JobSpec.retention_ms). Without the label the field is the same on the wire; we only
        # lose the way to send an explicit 0, which this example never does.
        src = os.path.join(out, "proto")
        os.mkdir(src)
        with open(os.path.join(proto_dir, "jobs.proto"), encoding="utf-8") as f:
            text = re.sub(r"^([ \t]*)optional ", r"\1", f.read(), flags=re.M)
        with open(os.path.join(src, "jobs.proto"), "w", encoding="utf-8") as f:
            f.write(text)
        print("note: this protoc predates proto3 `optional`; generating without it", file=sys.stderr)
        if protoc.main(["protoc", f"-I{src}", *args[2:]]) != 0:
            raise RuntimeError(f"protoc failed on {proto_dir}/jobs.proto")
    sys.path.insert(0, out)
    try:
        return importlib.import_module("jobs_pb2"), importlib.import_module("jobs_pb2_grpc")
    finally:
        sys.path.remove(out)


def metadata(err, key):
    """One trailing-metadata value of a call or stream (x-error-code, x-leader-addr), or ""."""
    for k, v in err.trailing_metadata() or ():
        if k == key:
            return v
    return ""


class Nodes:
    """The cluster's addresses, and which one to call next.

    Every node accepts every unary call (a follower forwards it and names the leader in the
    answer's x-leader-addr), but streams must go to the leader: a follower ends them at once with
    UNAVAILABLE, x-error-code NOT_LEADER and the leader's address in x-leader-addr. Just after a
    leader dies, followers still name it until they notice (an election timeout), so a named node
    that did not answer a moment ago is skipped.
    """

    def __init__(self, addresses):
        self.addresses = list(addresses)
        self.current = self.addresses[0]
        self.unreachable = {}  # address -> when a connection to it last failed (monotonic)
        self.channels = {}

    def channel(self):
        """A channel to the current node (one per address, reused)."""
        if self.current not in self.channels:
            self.channels[self.current] = grpc.insecure_channel(self.current)
        return self.channels[self.current]

    def follow(self, call):
        """After a call that worked: call the leader it names directly next time."""
        hint = metadata(call, "x-leader-addr")
        if hint:
            self.current = hint

    def after_error(self, err):
        """Pick the node to try after `err` (or None): the leader it names, else the next one."""
        hint = ""
        if err is not None:
            hint = metadata(err, "x-leader-addr")
            if err.code() == grpc.StatusCode.UNAVAILABLE and not metadata(err, "x-error-code"):
                self.unreachable[self.current] = time.monotonic()  # no node answered: not a refusal
        if hint and hint != self.current and time.monotonic() - self.unreachable.get(hint, -10) > 2:
            self.current = hint
        else:
            i = self.addresses.index(self.current) if self.current in self.addresses else -1
            self.current = self.addresses[(i + 1) % len(self.addresses)]
        return self.current


def retryable(err):
    """Worth sending again to another node (with the same idempotency keys or tokens).

    UNAVAILABLE: NOT_LEADER, NO_LEADER, SHUTTING_DOWN, OUTCOME_UNKNOWN, or the connection failed.
    DEADLINE_EXCEEDED: the outcome is unknown, like OUTCOME_UNKNOWN.
    """
    return err.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
