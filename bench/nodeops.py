"""Docker-side helpers shared by the scenarios: set up the workload's containers, check the end
state every tool must reach, and take the node back to a clean slate between tools."""

import time
from concurrent.futures import ThreadPoolExecutor

from dockerapi import Docker, DockerError
from workload import CMD, IMAGE

PREFIX = "bench-"  # every Docker object the benchmark (or the operator, for it) creates


def _parallel(socket_path, items, fn, workers=4):
    """fn(docker, item) over items with `workers` connections; returns the results in order."""

    def run(chunk):
        d = Docker(socket_path)
        try:
            return [fn(d, item) for item in chunk]
        finally:
            d.close()

    chunks = [items[k::workers] for k in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(run, chunks))
    out = []
    for k in range(len(items)):
        out.append(parts[k % workers][k // workers])
    return out


def create_containers(socket_path, names):
    """Creates and starts the containers back-to-back on one connection; returns seconds."""
    d = Docker(socket_path)
    t0 = time.monotonic()
    for name in names:
        d.create_container(name, IMAGE, CMD)
        d.start_container(name)
    seconds = time.monotonic() - t0
    d.close()
    return seconds


def remove_containers(socket_path, prefix=PREFIX):
    d = Docker(socket_path)
    names = [
        c["Names"][0].lstrip("/")
        for c in d.list_containers(prefix)
        if any(n.lstrip("/").startswith(prefix) for n in c["Names"])
    ]
    d.close()
    _parallel(socket_path, names, lambda dd, n: dd.remove_container(n))
    return len(names)


def bench_networks(d, prefix=PREFIX):
    return [n for n in d.list_networks(prefix) if n["Name"].startswith(prefix)]


def remove_networks(socket_path, prefix=PREFIX):
    """Disconnects every endpoint of the benchmark's networks, then removes them."""
    d = Docker(socket_path)
    names = [n["Name"] for n in bench_networks(d, prefix)]
    d.close()

    def clear(dd, name):
        net = dd.inspect_network(name)
        if net is None:
            return
        for cid in (net.get("Containers") or {}).keys():
            try:
                dd.disconnect(name, cid, force=True)
            except DockerError as e:
                if e.status != 404:
                    raise
        dd.remove_network(name)

    _parallel(socket_path, names, clear)
    return len(names)


def clean_node(socket_path):
    """Removes every container and network named bench-* (containers first)."""
    containers = remove_containers(socket_path)
    networks = remove_networks(socket_path)
    return containers, networks


def verify(socket_path, workload, with_attachments=True):
    """Checks the daemon has exactly the workload: every network with its subnet and gateway, and
    (with_attachments) every container on its networks at its static address. Returns a list of
    problems (empty when all is right)."""
    d = Docker(socket_path)
    problems = []
    want = {}
    if with_attachments:
        for a in workload.atts:
            want.setdefault(a.network, {})[a.container] = a.ipv4
    present = {n["Name"] for n in bench_networks(d, "bench-net-")}
    for n in workload.nets:
        if n.name not in present:
            problems.append(f"network {n.name} missing")
            continue
        net = d.inspect_network(n.name)
        pools = (net.get("IPAM") or {}).get("Config") or []
        if not any(p.get("Subnet") == n.subnet and p.get("Gateway") == n.gateway for p in pools):
            problems.append(f"network {n.name} has IPAM {pools}, wanted {n.subnet} via {n.gateway}")
        have = {
            ep["Name"]: ep["IPv4Address"].split("/")[0]
            for ep in (net.get("Containers") or {}).values()
        }
        if have != want.get(n.name, {}):
            problems.append(f"network {n.name} endpoints {have}, wanted {want.get(n.name, {})}")
    d.close()
    return problems
