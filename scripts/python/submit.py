#!/usr/bin/env python3
r"""Submit jobs to a raftjobs cluster from Python (Jobs.Submit), retrying on another node.

    python3 scripts/python/submit.py --nodes 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 \
        --queue squares --count 10 [--fail 'bad input'] [--work-ms 200] [--wait]

Submits --count jobs with payload {"n": i, "work_ms": W} (worker.py answers {"square": n*n}), plus
one more with "fail" set when --fail is given (worker.py fails it with that error). Prints one JSON
line per job: {"id", "n", "duplicate", "state"}; with --wait, also its final state, result and error.

Every job carries an idempotency key (this run's id and the job's number), so sending the same
Submit again after UNAVAILABLE (not the leader, no leader, outcome unknown, a node down) or a
deadline never creates a job twice: the answer names the first job with duplicate=true.
"""

import argparse
import json
import sys
import time
import uuid

import grpc

from common import Nodes, load_stubs, retryable

pb, rpc = load_stubs()


def call(nodes, method, request, deadline_s=30.0, timeout_s=5.0):
    """One unary Jobs call, sent again to the next node while it fails with a retryable status."""
    give_up = time.monotonic() + deadline_s
    pause = 0.05
    while True:
        try:
            response, done = getattr(rpc.JobsStub(nodes.channel()), method).with_call(request, timeout=timeout_s)
            nodes.follow(done)
            return response
        except grpc.RpcError as err:
            if not retryable(err) or time.monotonic() + pause > give_up:
                raise
            print(f"{method} on {nodes.current}: {err.code().name} {err.details()}; retrying", file=sys.stderr)
            nodes.after_error(err)
        # NO_LEADER: an election takes about a second; do not spin.
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", required=True, help="comma-separated host:port of the cluster's nodes")
    ap.add_argument("--queue", default="squares")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--fail", help="also submit one job the worker fails with this error")
    ap.add_argument("--work-ms", type=int, default=0, help="how long the worker spends on each job")
    ap.add_argument("--run-id", default=uuid.uuid4().hex, help="prefix of the idempotency keys")
    ap.add_argument("--wait", action="store_true", help="wait for each job to finish (WaitForResult)")
    args = ap.parse_args()
    nodes = Nodes(args.nodes.split(","))

    payloads = [{"n": n, "work_ms": args.work_ms} for n in range(args.count)]
    if args.fail:
        payloads.append({"n": args.count, "work_ms": args.work_ms, "fail": args.fail})
    specs = [pb.JobSpec(queue=args.queue, payload=json.dumps(p).encode(), idempotency_key=f"{args.run_id}-{p['n']}")
             for p in payloads]
    answers = []
    for start in range(0, len(specs), 1000):  # at most limits.maxBatchSize (1000) jobs per Submit
        answers.extend(call(nodes, "Submit", pb.SubmitRequest(jobs=specs[start:start + 1000])).jobs)

    for p, job in zip(payloads, answers):
        line = {"id": job.id, "n": p["n"], "duplicate": job.duplicate, "state": job.state}
        if args.wait:
            # Returns the job once terminal, or as it is when timeout_ms passes (not an error).
            done = call(nodes, "WaitForResult", pb.WaitForResultRequest(id=job.id, timeout_ms=60_000), timeout_s=65)
            line.update(state=done.state, error=done.last_error,
                        result=json.loads(done.result) if done.has_result else None)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
