#!/usr/bin/env python3
"""What one report write costs the API server when it has the machine to itself (issue 13).

The single-change scenario times an agent's report write at 50-125 ms, on two cores shared with
five daemons, six JVMs, etcd and the API server. This asks the same API server build, alone on
the machine, for the same write: a node report's status, as a server-side apply (what the agent
sends), a JSON merge patch and a JSON patch, interleaved, and reports the client's round trip and
the API server's own `apiserver_request_duration_seconds` per verb.

Usage: sudo python3 bench/write_cost.py [--writes N]   (about a minute; stop anything else first)
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kube import GROUP, Kube  # noqa: E402
from scenarios import summary_ms  # noqa: E402
from testbed import ControlPlane, parse_prometheus, timer_totals  # noqa: E402

PLURAL = "dockernetworknodestates"
NAME = "write-cost.node-x"
KIND = {"apiVersion": "dockernet.io/v1alpha1", "kind": "DockerNetworkNodeState"}
# kind of write: (the API server's verb for it, content type, query, body of a write of `status`)
WRITES = {
    "server-side apply": (
        "APPLY",
        "application/apply-patch+yaml",
        "&force=true",
        lambda s: {**KIND, "metadata": {"name": NAME}, "status": s},
    ),
    "merge patch": ("PATCH", "application/merge-patch+json", "", lambda s: {"status": s}),
    "JSON patch": (
        "PATCH",
        "application/json-patch+json",
        "",
        lambda s: [{"op": "add", "path": "/status", "value": s}],
    ),
}


def report(i):
    """A Ready report as an agent writes it for a network with three containers on it."""
    return {
        "phase": "Ready" if i % 2 else "Pending",
        "reason": "NetworkReady",
        "message": f"Docker network write-cost matches the spec ({i})",
        "nodeName": "node-x",
        "observedGeneration": i,
        "networkId": "f" * 64,
        "networkName": "write-cost",
        "driver": "bridge",
        "subnets": ["198.18.0.0/24"],
        "gateways": ["198.18.0.1"],
        "containers": ["app-1", "app-2", "app-3"],
        "engineVersion": "20.10.24",
        "apiVersion": "1.41",
        "lastTransitionTime": "2026-12-05T01:00:00Z",
    }


def server_means(kube):
    """Mean seconds per request the API server measured for the reports' status, by verb."""
    samples = [
        (name, labels, value)
        for name, labels, value in parse_prometheus(kube.get_text("/metrics"))
        if labels.get("resource") == PLURAL and labels.get("subresource") == "status"
    ]
    totals = timer_totals(samples, "apiserver_request_duration_seconds", "verb")
    return {verb: seconds / count for verb, (count, seconds) in totals.items() if count}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=300, help="writes of each kind")
    args = parser.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix="write-cost-") as workdir:
        with ControlPlane(repo, workdir, api_port=36443, etcd_port=32379) as cp:
            cp.install(f"{repo}/helm/dockernet-operator/crds", ["node-x"])
            kube = Kube(cp.kubeconfig)
            kube.request(
                "PATCH",
                f"{GROUP}/{PLURAL}/{NAME}?fieldManager=write-cost&force=true",
                {**KIND, "metadata": {"name": NAME}},
                content_type="application/apply-patch+yaml",
            )
            rounds = {kind: [] for kind in WRITES}
            for i in range(args.writes):
                for n, (kind, (_, content_type, query, body)) in enumerate(WRITES.items()):
                    path = f"{GROUP}/{PLURAL}/{NAME}/status?fieldManager=write-cost{query}"
                    t0 = time.monotonic()
                    kube.request("PATCH", path, body(report(3 * i + n)), content_type=content_type)
                    rounds[kind].append(time.monotonic() - t0)
            server = server_means(kube)
    print(f"{args.writes} writes of each kind of a report's status, interleaved, one at a time:")
    print("| write | client round trip p50 | p99 | API server's mean |")
    print("|---|---|---|---|")
    for kind, seconds in rounds.items():
        s = summary_ms(seconds)
        verb = WRITES[kind][0]  # the API server counts both kinds of patch under one verb
        mean = f"{server[verb] * 1e3:.1f} ms ({verb})"
        print(f"| {kind} | {s['p50_ms']} ms | {s['p99_ms']} ms | {mean} |")


if __name__ == "__main__":
    main()
