#!/usr/bin/env python3
r"""A raftjobs worker in Python: one Workers.Work stream to the leader, fencing tokens, clean goodbye.

    python3 scripts/python/worker.py --nodes 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 \
        --queue squares [--capacity 4] [--worker-id py-1]

Runs jobs like those of submit.py: payload {"n": 3, "work_ms": 100} completes with result
{"square": 9, "token": <the lease's fencing token>}; a payload with "fail" fails with that error.
Runs until SIGINT or SIGTERM, then finishes the jobs it holds and says goodbye.

The protocol, as proto/jobs.proto describes it (service Workers, rpc Work):
- Open Work on the leader and send a Hello (worker id, a session id of this process, queues,
  capacity, the leases still held). Wait for the Welcome; leases are pushed only after it. A node
  that does not lead ends the stream at once with UNAVAILABLE and the leader in x-leader-addr.
- Leases arrive in LeaseBatch messages. Heartbeat them before they expire (expires_at_ms is on the
  leader's clock: what counts here is expires_at_ms - server_time_ms from when we heard it).
- Complete or fail each job with its token; every report is answered by an Ack with its
  request_id. A report refused with STALE_TOKEN or NOT_FOUND means the job is no longer ours.
- When the stream breaks or the leader changes, open Work on another node with the same session
  id, listing the held leases in Hello.held, within Welcome.connection_grace_ms; then send again
  the outcomes not yet acknowledged (a resent outcome is answered ok, "already recorded").
- Goodbye: Hello with capacity 0, give back (release) leases that arrive meanwhile, finish the
  jobs held, then half-close the stream. The server ends it with OK.
"""

import argparse
import json
import queue
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import grpc

from common import Nodes, load_stubs, metadata

pb, rpc = load_stubs()

WELCOME_TIMEOUT_S = 5.0  # "A worker that gets no Welcome within a few seconds should try another node."
HEARTBEAT_TIMEOUT_S = 5.0  # a heartbeat unanswered this long: the leader is frozen or cut off
GOODBYE_TIMEOUT_S = 2.0  # after the half-close, the server ends the stream with OK (about 0.1 s)
GONE = ("STALE_TOKEN", "NOT_FOUND", "ILLEGAL_TRANSITION", "INVALID_ARGUMENT")  # the job is not ours to report


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


class Lease:
    def __init__(self, job, server_time_ms, heard_at):
        self.job = job
        self.deadline = heard_at + (job.expires_at_ms - server_time_ms) / 1000  # local monotonic time
        self.lost = threading.Event()  # set when the handler must stop: the lease is gone
        self.running = True


class Stream:
    """One Work call: the messages we send go through a queue; None half-closes."""

    def __init__(self, address):
        self.address = address
        self.channel = grpc.insecure_channel(address)
        self.outbox = queue.Queue()
        self.responses = rpc.WorkersStub(self.channel).Work(iter(self.outbox.get, None))
        self.opened_at = time.monotonic()
        self.welcome = None  # the first Welcome
        self.hellos = 0
        self.welcomes = 0

    def send(self, msg):
        self.outbox.put(msg)

    def half_close(self):
        self.outbox.put(None)

    def close(self):
        self.responses.cancel()
        self.channel.close()


class Worker:
    def __init__(self, nodes, worker_id, queues, capacity):
        self.nodes = nodes
        self.worker_id = worker_id
        self.session_id = uuid.uuid4().hex  # one per process: a reconnect keeps its leases
        self.queues = queues
        self.capacity = capacity
        self.pool = ThreadPoolExecutor(max_workers=capacity)
        self.lock = threading.RLock()
        self.leases = {}    # job_id -> Lease: held until its outcome is acknowledged, or it is lost
        self.outcomes = {}  # job_id -> ("complete" or "fail", its request) not yet acknowledged
        self.sent = {}      # request_id -> (kind, job ids) of a report in flight on the current stream
        self.heartbeats = {}  # request_id -> when the heartbeat was sent (monotonic)
        self.next_request_id = 1
        self.bounds = None  # the last Welcome: the limits every message must keep to
        self.stream = None
        self.stopping = threading.Event()
        self.counts = {"completed": 0, "failed": 0, "lost": 0, "released": 0, "connects": 0}

    # --- sending -------------------------------------------------------------------------------

    def _send(self, body_name, body, job_ids=None):
        """Send one message on the current stream; its request id, or None between streams."""
        with self.lock:
            if self.stream is None:
                return None
            rid = self.next_request_id
            self.next_request_id += 1
            if job_ids is not None:
                self.sent[rid] = (body_name, job_ids)
            self.stream.send(pb.WorkerMessage(request_id=rid, **{body_name: body}))
            return rid

    def _welcomed(self):
        return self.stream is not None and self.stream.welcome is not None

    def _hello(self):
        if self.stream is None:
            return
        held = [pb.LeaseRef(job_id=j, token=l.job.token) for j, l in self.leases.items()]
        capacity = 0 if self.stopping.is_set() else self.capacity
        self.stream.hellos += 1
        self._send("hello", pb.Hello(worker_id=self.worker_id, session_id=self.session_id,
                                     queues=self.queues, capacity=capacity, held=held))

    def _resend_outcomes(self):
        """Send every outcome that is not acknowledged and not in flight on this stream."""
        with self.lock:
            if not self._welcomed():
                return
            in_flight = {j for _, ids in self.sent.values() for j in ids}
            for job_id, (name, body) in list(self.outcomes.items()):
                if job_id not in in_flight:
                    self._send(name, body, [job_id])

    def _heartbeat(self):
        with self.lock:
            if not self._welcomed():
                return
            refs = [pb.LeaseRef(job_id=j, token=l.job.token) for j, l in self.leases.items() if l.running]
            most = self.stream.welcome.max_leases_per_message
            for start in range(0, len(refs), most):
                rid = self._send("heartbeat", pb.HeartbeatRequest(leases=refs[start:start + most]))
                self.heartbeats[rid] = time.monotonic()

    # --- running jobs --------------------------------------------------------------------------

    def _run(self, lease):
        job = lease.job
        started = time.monotonic()
        try:
            payload = json.loads(job.payload)
            error = payload.get("fail")
            # Stand-in for real work; stops at once when the lease is lost.
            if lease.lost.wait(payload.get("work_ms", 0) / 1000):
                return
            result = {"square": payload["n"] ** 2, "token": job.token}
        except Exception as err:  # a bad payload fails the job, never the worker
            error = f"bad payload: {err}"
        handler_ms = int((time.monotonic() - started) * 1000)
        data = json.dumps(result).encode() if error is None else b""
        if len(data) > self.bounds.max_result_bytes:
            error = f"result of {len(data)} bytes is over the cluster's {self.bounds.max_result_bytes}"
        if error is not None:
            # no_retry: dead at once. Without it the job is retried while attempts are left.
            name, body = "fail", pb.FailRequest(job_id=job.job_id, token=job.token, no_retry=True, handler_ms=handler_ms,
                                                error=str(error)[:self.bounds.max_error_length])
        else:
            name, body = "complete", pb.CompleteRequest(job_id=job.job_id, token=job.token, result=data,
                                                        handler_ms=handler_ms)
        with self.lock:
            lease.running = False
            if lease.lost.is_set() or job.job_id not in self.leases:
                return  # lost meanwhile: the cluster has moved on; reporting it would be STALE_TOKEN
            self.outcomes[job.job_id] = (name, body)
        self._resend_outcomes()

    def _drop(self, job_id, why):
        lease = self.leases.pop(job_id, None)
        self.outcomes.pop(job_id, None)
        if lease is not None:
            lease.lost.set()
            self.counts["lost"] += 1
            log(f"job {job_id} token {lease.job.token}: lease lost ({why})")

    # --- receiving -----------------------------------------------------------------------------

    def _on_leases(self, batch):
        now = time.monotonic()
        release = []
        with self.lock:
            for job in batch.jobs:
                lease = Lease(job, batch.server_time_ms, now)
                self.leases[job.job_id] = lease
                if self.stopping.is_set():
                    lease.running = False
                    release.append(pb.LeaseRef(job_id=job.job_id, token=job.token))
                else:
                    self.pool.submit(self._run, lease)
            if release:
                # Never started: back to ready in their old place, no attempt used.
                self._send("release", pb.ReleaseRequest(leases=release), [r.job_id for r in release])

    def _on_ack(self, ack):
        with self.lock:
            report, job_ids = self.sent.pop(ack.request_id, (None, ()))
            for job_id in job_ids:
                if ack.ok:
                    lease = self.leases.pop(job_id, None)
                    self.outcomes.pop(job_id, None)
                    kind = {"complete": "completed", "fail": "failed", "release": "released"}[report]
                    self.counts[kind] += 1
                    log(f"job {job_id} token {lease.job.token if lease else '?'}: {kind}"
                        + (f" -> {ack.state}" if ack.state else "") + (f" ({ack.message})" if ack.message else ""))
                elif ack.code in GONE:
                    self._drop(job_id, f"{report}: {ack.code} {ack.message}")
                # else NOT_LEADER, NO_LEADER, OUTCOME_UNKNOWN, ...: sent again (to the new leader)

    def _on_heartbeat(self, rid, resp):
        with self.lock:
            sent_at = self.heartbeats.pop(rid, time.monotonic())
            for r in resp.leases:
                lease = self.leases.get(r.job_id)
                if lease is None:
                    continue
                if not lease.running:
                    continue  # its outcome is on the way; the Ack settles it
                if r.ok:
                    lease.deadline = sent_at + (r.expires_at_ms - resp.server_time_ms) / 1000
                elif r.code in ("STALE_TOKEN", "NOT_FOUND"):
                    self._drop(r.job_id, f"heartbeat: {r.code}")

    # --- the stream ----------------------------------------------------------------------------

    def _ticker(self, stream):
        """Heartbeats, local lease deadlines, resends and the goodbye, while `stream` is current."""
        last_beat = 0.0
        goodbye_hello = False
        half_closed_at = None
        while self.stream is stream:
            time.sleep(0.1)
            now = time.monotonic()
            if half_closed_at is not None:
                if now - half_closed_at > GOODBYE_TIMEOUT_S:
                    stream.close()
                    return
                continue
            if stream.welcome is None:
                if now - stream.opened_at > WELCOME_TIMEOUT_S:
                    log(f"no Welcome from {stream.address}; trying another node")
                    stream.close()
                    return
                continue
            with self.lock:
                if any(now - sent_at > HEARTBEAT_TIMEOUT_S for sent_at in self.heartbeats.values()):
                    log(f"a heartbeat to {stream.address} went unanswered; trying another node")
                    stream.close()
                    return
                for job_id, lease in list(self.leases.items()):
                    if lease.running and now > lease.deadline:
                        self._drop(job_id, "its local deadline passed without a heartbeat")
                ttl_ms = min((l.job.ttl_ms for l in self.leases.values()), default=3000)
            if now - last_beat >= ttl_ms / 3000:  # a third of the shortest TTL held
                last_beat = now
                self._heartbeat()
            self._resend_outcomes()
            if self.stopping.is_set():
                with self.lock:
                    if not goodbye_hello:
                        goodbye_hello = True
                        self._hello()  # capacity 0: no more leases
                    # Leases already being granted may still arrive until the Welcome answering
                    # it (we release them); then half-close once every report is acknowledged.
                    if stream.welcomes == stream.hellos and not self.leases and not self.sent:
                        log("goodbye")
                        stream.half_close()
                        half_closed_at = now

    def _serve(self, stream):
        """Reads `stream` until it ends. True when it ended with OK after our goodbye."""
        with self.lock:
            self.stream = stream
            self.sent.clear()
            self.heartbeats.clear()
            # A lease we were giving back (release not acknowledged) is left out of Hello.held: the
            # first Hello of a stream gives back every lease of the session it does not list.
            for job_id in [j for j, l in self.leases.items() if not l.running and j not in self.outcomes]:
                del self.leases[job_id]
            self._hello()
        threading.Thread(target=self._ticker, args=(stream,), daemon=True).start()
        for msg in stream.responses:
            kind = msg.WhichOneof("body")
            if kind == "welcome":
                stream.welcomes += 1
                self.bounds = msg.welcome
                if stream.welcome is None:
                    stream.welcome = msg.welcome
                    self.counts["connects"] += 1
                    log(f"working on {stream.address} as {self.worker_id}, session {msg.welcome.session_id},"
                        f" holding {len(self.leases)}")
            elif kind == "leases":
                self._on_leases(msg.leases)
            elif kind == "ack":
                self._on_ack(msg.ack)
            elif kind == "acks":  # only if Hello set batch_acks; we do not
                for ack in msg.acks.acks:
                    self._on_ack(ack)
            elif kind == "heartbeat":
                self._on_heartbeat(msg.request_id, msg.heartbeat)
        return self.stopping.is_set()

    def run(self):
        pause = 0.05
        while True:
            stream = Stream(self.nodes.current)
            try:
                if self._serve(stream):
                    return
                log(f"stream to {stream.address} ended without an error; reconnecting")
                self.nodes.after_error(None)
            except grpc.RpcError as err:
                if self.stopping.is_set() and not self.leases:
                    return  # nothing left to report: no need for another node
                code = metadata(err, "x-error-code")
                log(f"stream to {stream.address} ended: {err.code().name} {code} {err.details()}")
                self.nodes.after_error(err)
                if stream.welcome is not None:
                    pause = 0.05  # it worked until now: try the next node at once
            finally:
                with self.lock:
                    self.stream = None
                stream.close()
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", required=True, help="comma-separated host:port of the cluster's nodes")
    ap.add_argument("--queue", action="append", help="queue to serve (repeat for more); default squares")
    ap.add_argument("--capacity", type=int, default=4, help="jobs held and run at once")
    ap.add_argument("--worker-id", default="py-worker")
    args = ap.parse_args()
    if not 1 <= args.capacity <= 10000:
        ap.error("--capacity must be 1..10000 (Hello.capacity)")
    worker = Worker(Nodes(args.nodes.split(",")), args.worker_id, args.queue or ["squares"], args.capacity)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: worker.stopping.set())
    worker.run()
    print(json.dumps(worker.counts), flush=True)


if __name__ == "__main__":
    main()
