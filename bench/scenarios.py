"""The five scenarios of issue 6, each with its baselines measured on the same node daemons."""

import json
import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import kube
import nodeops
from dockerapi import Docker, DockerError, EventStream
from testbed import Window, diff, docker_calls, log, parse_prometheus, reconciles, timer_totals
from workload import LABEL

WRITE_CALLS = ("createNetwork", "removeNetwork", "connect", "disconnect")

# How many Docker calls an agent makes at once: DOCKERNET_RECONCILE_THREADS's default.
AGENT_CALLS_AT_ONCE = 8


def pct(values, p):
    """Percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)


def summary_ms(values_s):
    ms = [v * 1000 for v in values_s]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 1),
        "p99_ms": round(pct(ms, 99), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
        "mean_ms": round(sum(ms) / len(ms), 1),
    }


# == 1. cold converge ============================================================================


def cold_converge_baselines(b):
    """Floor (writes only, and the operator's own call sequence), Ansible, docker-compose."""
    w, sock, out = b.workload, b.socket(b.workload.node), {}
    nodeops.clean_node(sock)
    log(f"creating {len(w.containers)} containers on {w.node}")
    out["container_setup_floor_s"] = round(nodeops.create_containers(sock, w.containers), 2)

    floors = (
        ("floor_writes", _floor_writes),
        ("floor_writes_parallel", _floor_writes_parallel),
        ("floor_same_calls", _floor_same_calls),
    )
    for name, fn in floors:
        with Window(f"cold converge: {name}") as win:
            seconds, calls = fn(sock, w)
            problems = nodeops.verify(sock, w)
        out[name] = {"seconds": round(seconds, 2), "docker_calls": calls, "problems": problems[:5]}
        out[name].update(win.record())
        log(f"{name}: {seconds:.2f} s, {calls} calls, problems: {len(problems)}")
        nodeops.remove_networks(sock)

    if b.args.skip_ansible:
        out["ansible"] = {"skipped": "--skip-ansible"}
    else:
        with Window("cold converge: ansible") as win:
            result = _ansible(b, sock, w)
            result["problems"] = nodeops.verify(sock, w)[:5]
        result.update(win.record())
        out["ansible"] = result
        log(f"ansible: {result}")
        nodeops.remove_networks(sock)

    if b.args.skip_compose:
        out["compose"] = {"skipped": "--skip-compose"}
    else:
        nodeops.remove_containers(sock)
        with Window("cold converge: docker-compose") as win:
            result = _compose(b, sock, w)
            result["problems"] = nodeops.verify(sock, w)[:5]
        result.update(win.record())
        out["compose"] = result
        log(f"docker-compose: {result}")
        nodeops.clean_node(sock)
        nodeops.create_containers(sock, w.containers)
    return out


def _floor_writes(sock, w):
    d = Docker(sock)
    t0 = time.monotonic()
    for n in w.nets:
        d.create_network(n.name, n.subnet, n.gateway)
    for a in w.atts:
        d.connect(a.network, a.container, a.ipv4)
    seconds = time.monotonic() - t0
    d.close()
    return seconds, len(w.nets) + len(w.atts)


def _floor_writes_parallel(sock, w):
    """The same creates, then the same connects, AGENT_CALLS_AT_ONCE at a time (one connection
    each), as an agent's reconcile threads may issue them: whether the daemon does independent
    networks' work side by side, so that a pass could beat the back-to-back floor."""
    local = threading.local()
    clients = []

    def docker():
        if not hasattr(local, "d"):
            local.d = Docker(sock)
            clients.append(local.d)
        return local.d

    t0 = time.monotonic()
    with ThreadPoolExecutor(AGENT_CALLS_AT_ONCE) as pool:
        list(pool.map(lambda n: docker().create_network(n.name, n.subnet, n.gateway), w.nets))
        list(pool.map(lambda a: docker().connect(a.network, a.container, a.ipv4), w.atts))
    seconds = time.monotonic() - t0
    for d in clients:
        d.close()
    return seconds, len(w.nets) + len(w.atts)


def _floor_same_calls(sock, w):
    """What the agent's reconcilers issue for a fresh object, back-to-back: network: inspect (404),
    create, inspect; attachment: inspect container, inspect network, connect, inspect container."""
    d = Docker(sock)
    calls = 0
    t0 = time.monotonic()
    for n in w.nets:
        d.inspect_network(n.name)
        d.create_network(n.name, n.subnet, n.gateway)
        d.inspect_network(n.name)
        calls += 3
    for a in w.atts:
        d.inspect_container(a.container)
        d.inspect_network(a.network)
        d.connect(a.network, a.container, a.ipv4)
        d.inspect_container(a.container)
        calls += 4
    seconds = time.monotonic() - t0
    d.close()
    return seconds, calls


def _ansible(b, sock, w):
    vars_file = os.path.join(b.workdir, "ansible-vars.json")
    with open(vars_file, "w") as f:
        json.dump(w.ansible_vars("unix://" + sock), f)
    env = dict(
        os.environ,
        ANSIBLE_PYTHON_INTERPRETER="/usr/bin/python3",
        ANSIBLE_LOCALHOST_WARNING="False",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
        ANSIBLE_NOCOLOR="1",
        PATH="/usr/sbin:/usr/bin:/sbin:/bin",  # Debian's ansible and python3, not a pyenv shim
    )
    cmd = [
        "/usr/bin/ansible-playbook",
        "-i",
        "localhost,",
        "-e",
        f"vars_file={vars_file}",
        os.path.join(b.bench_dir, "ansible", "cold-converge.yml"),
    ]
    t0 = time.monotonic()
    with open(os.path.join(b.workdir, "ansible.log"), "w") as logf:
        try:
            rc = subprocess.run(
                cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, timeout=b.args.tool_timeout
            ).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
    seconds = time.monotonic() - t0
    tail = open(os.path.join(b.workdir, "ansible.log")).read().splitlines()[-3:]
    core = _first_line(["/usr/bin/ansible", "--version"]).replace("ansible [core ", "core ")
    core = core.rstrip("]")
    return {
        "seconds": round(seconds, 2),
        "exit_code": rc,
        "tail": tail,
        "version": f"Debian ansible {_deb_version('ansible')} ({core}, community.docker"
        f" {_collection_version('community.docker')})",
        "tasks": len(w.nets) + len(w.containers),
    }


def _compose(b, sock, w):
    path = os.path.join(b.workdir, "docker-compose.yml")
    with open(path, "w") as f:
        f.write(w.compose_file())
    env = dict(
        os.environ,
        DOCKER_HOST="unix://" + sock,
        COMPOSE_HTTP_TIMEOUT="600",
        # Compose 1.x shares one semaphore (default 64) between `up`'s per-service tasks and the
        # tasks they start themselves; with more services than that it deadlocks (no request
        # left at the daemon, every thread waiting: docker/compose#5864, #7486, #8161, #8226).
        # The known workaround is a limit above the number of services.
        COMPOSE_PARALLEL_LIMIT=str(b.args.compose_parallel_limit),
        PATH="/usr/sbin:/usr/bin:/sbin:/bin",
    )
    cmd = ["/usr/bin/docker-compose", "-p", "dockernetbench", "-f", path, "up", "-d"]
    t0 = time.monotonic()
    timed_out = False
    with open(os.path.join(b.workdir, "compose.log"), "w") as logf:
        proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT)
        try:
            rc = proc.wait(b.args.tool_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
            timed_out = True
    seconds = time.monotonic() - t0
    tail = open(os.path.join(b.workdir, "compose.log")).read().splitlines()[-3:]
    return {
        "seconds": round(seconds, 2),
        "exit_code": rc,
        "tail": tail,
        "version": f"Debian docker-compose {_deb_version('docker-compose')}",
        "parallel_limit": b.args.compose_parallel_limit,
        "timed_out_after_s": b.args.tool_timeout if timed_out else None,
        "note": "also creates and starts the containers (compose cannot attach containers it"
        " does not own)",
    }


def _deb_version(package):
    return _first_line(["dpkg-query", "-W", "-f=${Version}\\n", package])


def _collection_version(name):
    out = subprocess.run(
        ["/usr/bin/ansible-galaxy", "collection", "list", name],
        capture_output=True,
        text=True,
        env=dict(os.environ, ANSIBLE_NOCOLOR="1"),
    ).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == name:
            return parts[1]
    return "?"


def _first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "?"


def cold_converge_operator(b):
    """kubectl apply of every object → every per-node report Ready, and every summary Ready."""
    w, sock = b.workload, b.socket(b.workload.node)
    agent = b.agents[w.node]
    manifest = os.path.join(b.workdir, "cold-converge.json.yaml")
    with open(manifest, "w") as f:
        f.write(w.manifest())
    net_reports = [f"{n.name}.{w.node}" for n in w.nets]
    att_reports = [f"{a.name}.{w.node}" for a in w.atts]
    m0 = agent.metrics()
    calls_before, rec_before = docker_calls(m0), reconciles(m0)
    docker_before = timer_totals(m0, "dockernet_docker_api_call_seconds", "operation")
    writes_before = _api_writes(b.kube)
    out = {}
    with Window("cold converge: operator") as win:
        t0 = time.monotonic()
        applied = b.cp.kubectl_run("apply", "--server-side", "-f", manifest)
        t_applied = time.monotonic() - t0
        log(f"kubectl apply of {len(w.nets) + len(w.atts)} objects took {t_applied:.1f} s")
        timeout = b.args.converge_timeout
        ok_reports = b.dns.wait(lambda s: s.ready_count(net_reports) == len(net_reports), timeout)
        ok_reports &= b.cas.wait(
            lambda s: s.ready_count(att_reports) == len(att_reports),
            max(1, timeout - (time.monotonic() - t0)),
        )
        ok_parents = b.dn.wait(
            lambda s: s.ready_count([n.name for n in w.nets]) == len(w.nets),
            max(1, timeout - (time.monotonic() - t0)),
        )
        ok_parents &= b.ca.wait(
            lambda s: s.ready_count([a.name for a in w.atts]) == len(w.atts),
            max(1, timeout - (time.monotonic() - t0)),
        )
        problems = nodeops.verify(sock, w)
    out.update(win.record())
    if not (ok_reports and ok_parents):
        out["error"] = (
            f"not converged within {timeout}s: reports ready"
            f" {b.dns.ready_count(net_reports)}/{len(net_reports)} networks,"
            f" {b.cas.ready_count(att_reports)}/{len(att_reports)} attachments; summaries ready"
            f" {b.dn.ready_count([n.name for n in w.nets])}/{len(w.nets)},"
            f" {b.ca.ready_count([a.name for a in w.atts])}/{len(w.atts)}"
        )
    with b.dns.cond, b.cas.cond, b.dn.cond, b.ca.cond:
        reports_at = max(
            [b.dns.ready_since.get(n, float("nan")) for n in net_reports]
            + [b.cas.ready_since.get(n, float("nan")) for n in att_reports]
        )
        networks_at = max(b.dns.ready_since.get(n, float("nan")) for n in net_reports)
        parents_at = max(
            [b.dn.ready_since.get(n.name, float("nan")) for n in w.nets]
            + [b.ca.ready_since.get(a.name, float("nan")) for a in w.atts]
        )
    out.update(
        {
            "kubectl_apply_seconds": round(t_applied, 2),
            "kubectl_apply_exit": applied.returncode,
            "networks_reports_ready_seconds": round(networks_at - t0, 2),
            "all_reports_ready_seconds": round(reports_at - t0, 2),
            "all_summaries_ready_seconds": round(parents_at - t0, 2),
            "seconds": round(parents_at - t0, 2),
            "docker_calls": diff(docker_calls(agent.metrics()), calls_before),
            "reconciles": diff(reconciles(agent.metrics()), rec_before),
            # the daemon's answer times (the agent's writes go one at a time, so their sum is
            # how long the daemon was busy with them, next to the wall time of the converge)
            "docker_seconds": _docker_seconds(agent.metrics(), docker_before),
            "api_writes": {k: v for k, v in diff(_api_writes(b.kube), writes_before).items() if v},
            "problems": problems[:5],
        }
    )
    log(f"operator cold converge: {out}")
    return out


def _docker_seconds(samples, before):
    """{operation: seconds spent waiting for the daemon's answer} since `before`."""
    after = timer_totals(samples, "dockernet_docker_api_call_seconds", "operation")
    return {
        op: round(secs - before.get(op, [0, 0.0])[1], 2)
        for op, (count, secs) in sorted(after.items())
        if count - before.get(op, [0, 0.0])[0]
    }


def _api_writes(k):
    """Requests the API server answered that change something, by "verb resource[/subresource]"
    (everyone's: kubectl's, the agent's, the controller's)."""
    out = {}
    for name, labels, value in parse_prometheus(k.get_text("/metrics")):
        if name == "apiserver_request_total" and labels.get("verb") not in ("GET", "LIST", "WATCH"):
            sub = labels.get("subresource")
            key = f"{labels.get('verb')} {labels.get('resource')}{'/' + sub if sub else ''}"
            out[key] = out.get(key, 0.0) + value
    return out


# == 4. idle cost ================================================================================


def idle_cost(b, seconds):
    """With the cold-converge objects in place: CPU, Docker calls and Kubernetes writes over a
    window in which nothing changes."""
    agent = b.agents[b.workload.node]
    ctrl = b.controller
    settle = b.args.idle_settle
    log(f"idle: settling {settle} s, then measuring {seconds} s")
    time.sleep(settle)
    m0 = agent.metrics()
    cpu0 = {"agent": agent.cpu_seconds(), "controller": ctrl.cpu_seconds()}
    mod0 = {s.plural: s.modified_events for s in (b.dn, b.ca, b.dns, b.cas)}
    with Window(f"idle cost ({seconds} s)") as win:
        time.sleep(seconds)
    m1 = agent.metrics()
    cpu1 = {"agent": agent.cpu_seconds(), "controller": ctrl.cpu_seconds()}
    minutes = seconds / 60.0
    calls = diff(docker_calls(m1), docker_calls(m0))
    recs = diff(reconciles(m1), reconciles(m0))
    objects = len(b.workload.nets) + len(b.workload.atts)
    out = win.record()
    out.update(
        {
            "window_seconds": seconds,
            "objects": objects,
            "agent_cpu_seconds": round(cpu1["agent"] - cpu0["agent"], 2),
            "agent_cpu_pct_of_one_core": round(100 * (cpu1["agent"] - cpu0["agent"]) / seconds, 2),
            "controller_cpu_seconds": round(cpu1["controller"] - cpu0["controller"], 2),
            "controller_cpu_pct_of_one_core": round(
                100 * (cpu1["controller"] - cpu0["controller"]) / seconds, 2
            ),
            "docker_calls_per_minute": {k: round(v / minutes, 1) for k, v in calls.items()},
            "docker_calls_per_minute_total": round(sum(calls.values()) / minutes, 1),
            "docker_write_calls": {k: v for k, v in calls.items() if k in WRITE_CALLS and v},
            "reconciles_per_minute": {k: round(v / minutes, 1) for k, v in recs.items()},
            "kubernetes_modified_events": {
                s.plural: s.modified_events - mod0[s.plural] for s in (b.dn, b.ca, b.dns, b.cas)
            },
            "rss_mib": {"agent": agent.rss_mib(), "controller": ctrl.rss_mib()},
        }
    )
    # What one periodic pass costs: each object is reconciled once per interval; a no-op
    # reconcile of a network inspects it (1 call), of an attachment inspects the container and the
    # network (2 calls).
    per_min = out["reconciles_per_minute"]
    expected = per_min.get("DockerNetwork", 0) * 1 + per_min.get("ContainerAttachment", 0) * 2
    out["docker_calls_per_minute_explained_by_relist"] = round(expected, 1)
    out["docker_calls_per_minute_beyond_relist"] = round(
        out["docker_calls_per_minute_total"] - expected, 1
    )
    log(f"idle: {out}")
    return out


def node_status_updates(b, count):
    """A kubelet writes its Node's status every few seconds: with the cold-converge objects in
    place, write the node's Ready condition `count` times, as a kubelet heartbeat does, and count
    the reconciles and Docker calls that follow (target: none)."""
    agent = b.agents[b.workload.node]
    path = f"/api/v1/nodes/{b.workload.node}/status"
    m0 = agent.metrics()
    with Window(f"{count} Node status updates") as win:
        for i in range(count):
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            body = {
                "status": {
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": "True",
                            "reason": "KubeletReady",
                            "message": f"bench heartbeat {i}",
                            "lastHeartbeatTime": now,
                            "lastTransitionTime": now,
                        }
                    ]
                }
            }
            b.kube.request(
                "PATCH", path, body, content_type="application/strategic-merge-patch+json"
            )
            time.sleep(0.2)
        time.sleep(b.args.node_update_settle)  # reconciles they trigger have started by now
    m1 = agent.metrics()
    out = win.record()
    out.update(
        {
            "updates": count,
            "reconciles": diff(reconciles(m1), reconciles(m0)),
            "docker_calls": diff(docker_calls(m1), docker_calls(m0)),
        }
    )
    log(f"node status updates: {out}")
    return out


# == 5. agent start with everything cached =======================================================


def agent_restart(b, restarts=5):
    """Stops the node's agent and starts it again with every object in place, `restarts` times:
    seconds to /readyz, and to the end of its first pass over every object (reconcile count >=
    objects, then quiet). The figures are the medians (one start moves by a few tenths of a second
    with what else the machine does); each start's are kept beside them."""
    node = b.workload.node
    objects = len(b.workload.nets) + len(b.workload.atts)
    starts = []
    out = {}
    with Window("agent start to Ready") as win:
        for _ in range(restarts):
            one, m, agent = _one_start(b, node, objects)
            starts.append(one)
            log(f"agent restart {len(starts)}/{restarts}: {one}")
    out.update(win.record())
    calls = docker_calls(m)

    def median(key):
        values = sorted(s[key] for s in starts if s[key] is not None)
        return values[len(values) // 2] if len(values) == len(starts) else None

    out.update(
        {
            "objects": objects,
            "restarts": len(starts),
            "process_start_to_readyz_seconds": median("readyz"),
            "process_start_to_first_pass_seconds": median("first_pass"),
            "process_start_to_quiet_seconds": median("quiet"),
            "each_start": starts,
            "reconciles_during_start": reconciles(m),
            "docker_calls_during_start": calls,
            "docker_write_calls_during_start": {
                k: v for k, v in calls.items() if k in WRITE_CALLS and v
            },
            "rss_mib_after_start": agent.rss_mib(),
        }
    )
    log(f"agent restart: {out}")
    return out


def _one_start(b, node, objects):
    """One stop and start of the node's agent; returns its seconds, its last metrics, the agent."""
    b.agents[node].stop()
    time.sleep(1)
    agent = b.new_agent(node).start()
    b.agents[node] = agent
    ready = agent.wait_ready(timeout=300, interval=0.02)
    first_pass = None
    quiet_since = None
    last_total = -1
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        m = agent.metrics()
        total = sum(reconciles(m).values())
        now = time.monotonic()
        if first_pass is None and total >= objects:
            first_pass = now - agent.started_at
        if total != last_total:
            last_total, quiet_since = total, now
        elif first_pass is not None and now - quiet_since >= 5:
            break
        time.sleep(0.2)
    m = agent.metrics()
    one = {
        "readyz": round(ready, 2),
        "first_pass": round(first_pass, 2) if first_pass else None,
        "quiet": round(quiet_since - agent.started_at, 2),
        "reconciles": sum(reconciles(m).values()),
        "docker_calls": sum(docker_calls(m).values()),
    }
    return one, m, agent


# == 3. drift repair =============================================================================


class _FloorRepairer:
    """The floor of drift repair: a raw client that reacts to the daemon's own event by issuing
    the one call that undoes it, on a connection opened beforehand."""

    def __init__(self, sock, network, container, ipv4, drift_network, subnet, gateway):
        self.d = Docker(sock)
        self.network, self.container, self.ipv4 = network, container, ipv4
        self.drift_network, self.subnet, self.gateway = drift_network, subnet, gateway
        self.container_id = self.d.inspect_container(container)["Id"]

        self.retries = 0
        self.already = 0

    def __call__(self, event):
        attrs = (event.get("Actor") or {}).get("Attributes") or {}
        action = event.get("Action")
        if (
            action == "disconnect"
            and attrs.get("name") == self.network
            and attrs.get("container") == self.container_id
        ):
            self._retry(
                lambda: self.d.connect(self.network, self.container, self.ipv4),
                done=self._connected,
            )
        elif action == "destroy" and attrs.get("name") == self.drift_network:
            self._retry(
                lambda: self.d.create_network(self.drift_network, self.subnet, self.gateway),
                done=lambda: self.d.inspect_network(self.drift_network) is not None,
            )

    def _connected(self):
        c = self.d.inspect_container(self.container)
        return self.network in ((c.get("NetworkSettings") or {}).get("Networks") or {})

    def _retry(self, call, done):
        """A refusal ("endpoint with name ... already exists", 403) means either the daemon has
        not quite let go of the old endpoint or name yet, or it is already back: a repairer has to
        tell which, and retry in the first case. This one checks and retries every millisecond,
        for at most two seconds."""
        deadline = time.monotonic() + 2
        while True:
            try:
                return call()
            except DockerError as e:
                if e.status not in (403, 409) or time.monotonic() > deadline:
                    raise
                if done():
                    self.already += 1
                    return None
                self.retries += 1
                time.sleep(0.001)


def drift_repair(b, trials):
    w, node = b.workload, b.workload.node
    sock = b.socket(node)
    admin = Docker(sock)
    # the operator's drift network (no attachments, so `docker network rm` is allowed)
    drift_net = {
        "apiVersion": "dockernet.io/v1alpha1",
        "kind": "DockerNetwork",
        "metadata": {"name": "bench-drift-net", "labels": {LABEL: "drift"}},
        "spec": {
            "ipam": {"config": [{"subnet": "198.18.220.0/24", "gateway": "198.18.220.1"}]},
            "nodeSelector": w.selector(),
        },
    }
    b.kube.create("dockernetworks", drift_net)
    if not b.dns.wait(lambda s: "bench-drift-net." + node in s.ready_since, 120):
        raise RuntimeError("bench-drift-net did not become Ready")
    # the floor's own (unmanaged) network, container and drift network
    admin.create_network("bench-floor-net", "198.18.221.0/24", "198.18.221.1")
    admin.create_container("bench-floor-c", "dockernet/busybox:latest", ["sleep", "86400"])
    admin.start_container("bench-floor-c")
    admin.connect("bench-floor-net", "bench-floor-c", "198.18.221.10")
    admin.create_network("bench-floor-drift-net", "198.18.222.0/24", "198.18.222.1")
    floor = _FloorRepairer(
        sock,
        "bench-floor-net",
        "bench-floor-c",
        "198.18.221.10",
        "bench-floor-drift-net",
        "198.18.222.0/24",
        "198.18.222.1",
    )
    stream = EventStream(sock, types=("network",))
    stream.on_event(floor)
    ids = {}

    def cid(name):
        if name not in ids:
            ids[name] = admin.inspect_container(name)["Id"]
        return ids[name]

    def time_one(do, drift_match, repair_match, timeout=30):
        stream.drain()
        t0 = time.monotonic()
        try:
            do()
        except DockerError as e:
            return None, f"could not make the drift: {e}"
        hit = stream.wait_for(drift_match, timeout)
        if hit is None:
            return None, "drift event not seen"
        fixed = stream.wait_for(repair_match, timeout)
        if fixed is None:
            return None, f"not repaired within {timeout}s"
        daemon_s = (fixed[1]["timeNano"] - hit[1]["timeNano"]) / 1e9
        return {"daemon": daemon_s, "client": fixed[0] - t0}, None

    def ev(action, name, container=None):
        def match(e):
            attrs = (e.get("Actor") or {}).get("Attributes") or {}
            return (
                e.get("Action") == action
                and attrs.get("name") == name
                and (container is None or attrs.get("container") == container)
            )

        return match

    step = max(1, len(w.atts) // trials)
    picks = [w.atts[(k * step) % len(w.atts)] for k in range(trials)]
    res = {"attachment": {"operator": [], "floor": []}, "network": {"operator": [], "floor": []}}
    errors = []
    with Window(f"drift repair ({trials} + {trials} trials, each with its floor)") as win:
        for k, a in enumerate(picks):
            c = cid(a.container)
            if not _await_connected(admin, a.container, a.network, 30):
                errors.append(f"{a.name}: not connected before the trial; skipped")
                continue
            r, err = time_one(
                lambda: admin.disconnect(a.network, a.container),
                ev("disconnect", a.network, c),
                ev("connect", a.network, c),
            )
            _keep(res["attachment"]["operator"], r, err, errors, f"attachment {a.name}")
            fc = floor.container_id
            if not _await_connected(admin, "bench-floor-c", "bench-floor-net", 2):
                admin.connect("bench-floor-net", "bench-floor-c", "198.18.221.10")
            r, err = time_one(
                lambda: admin.disconnect("bench-floor-net", "bench-floor-c"),
                ev("disconnect", "bench-floor-net", fc),
                ev("connect", "bench-floor-net", fc),
            )
            _keep(res["attachment"]["floor"], r, err, errors, "floor attachment")
            time.sleep(0.2)
        for k in range(trials):
            if not _await_network(admin, "bench-drift-net", 30):
                errors.append("bench-drift-net: missing before the trial; skipped")
                continue
            r, err = time_one(
                lambda: admin.remove_network("bench-drift-net"),
                ev("destroy", "bench-drift-net"),
                ev("create", "bench-drift-net"),
            )
            _keep(res["network"]["operator"], r, err, errors, "network bench-drift-net")
            if not _await_network(admin, "bench-floor-drift-net", 2):
                admin.create_network("bench-floor-drift-net", "198.18.222.0/24", "198.18.222.1")
            r, err = time_one(
                lambda: admin.remove_network("bench-floor-drift-net"),
                ev("destroy", "bench-floor-drift-net"),
                ev("create", "bench-floor-drift-net"),
            )
            _keep(res["network"]["floor"], r, err, errors, "floor network")
            # the report of the repaired network is written after the create: let it land
            b.dns.wait(lambda s: "bench-drift-net." + node in s.ready_since, 10)
            time.sleep(0.2)
    stream.close()
    out = win.record()
    for kind in ("attachment", "network"):
        for who in ("operator", "floor"):
            samples = res[kind][who]
            if samples:
                out[f"{kind}_{who}"] = {
                    "daemon_clock": summary_ms([s["daemon"] for s in samples]),
                    "client_clock": summary_ms([s["client"] for s in samples]),
                    "samples_ms": [round(s["daemon"] * 1000, 1) for s in samples],
                }
    out["errors"] = errors[:10]
    out["floor_retries"] = floor.retries
    out["floor_found_already_repaired"] = floor.already
    out["floor_handler_errors"] = stream.handler_errors[:5]
    b.kube.delete("dockernetworks", "bench-drift-net")
    for name in ("bench-floor-drift-net",):
        admin.remove_network(name)
    admin.remove_container("bench-floor-c")
    admin.remove_network("bench-floor-net")
    admin.close()
    log(f"drift: { {k: v for k, v in out.items() if not k.endswith('samples_ms')} }")
    return out


def _await_connected(d, container, network, timeout):
    deadline = time.monotonic() + timeout
    while True:
        c = d.inspect_container(container)
        if c and network in ((c.get("NetworkSettings") or {}).get("Networks") or {}):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def _await_network(d, name, timeout):
    deadline = time.monotonic() + timeout
    while d.inspect_network(name) is None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _keep(samples, r, err, errors, what):
    if r is None:
        errors.append(f"{what}: {err}")
    else:
        samples.append(r)


# == teardown of the cold-converge objects =======================================================


def delete_all(b):
    """Deletes every cold-converge object at once: seconds until they are gone from the API
    server (every node finalizer released) and from Docker."""
    w = b.workload
    sock = b.socket(w.node)
    names_dn = [n.name for n in w.nets]
    names_ca = [a.name for a in w.atts]
    with Window("delete everything") as win:
        t0 = time.monotonic()
        b.kube.delete_all("containerattachments", f"{LABEL}%3Dcold-converge")
        b.kube.delete_all("dockernetworks", f"{LABEL}%3Dcold-converge")
        ok = b.ca.wait(lambda s: not any(n in s.objects for n in names_ca), 600)
        ok &= b.dn.wait(lambda s: not any(n in s.objects for n in names_dn), 600)
        gone_at = time.monotonic() - t0
        d = Docker(sock)
        left = len(nodeops.bench_networks(d, "bench-net-"))
        d.close()
    out = win.record()
    out.update({"seconds": round(gone_at, 2), "completed": ok, "docker_networks_left": left})
    log(f"delete: {out}")
    return out


# == 2. single change latency ====================================================================


def change_latency(b, trials):
    """One DockerNetwork on every node: create → all node reports Ready (and the summary Ready),
    against the raw floor (the agent's calls, on every node at once); then delete → gone."""
    nodes = b.node_names
    subnet, gateway = "198.18.210.0/24", "198.18.210.1"
    floor_conns = {n: Docker(b.socket(n)) for n in nodes}
    res = {"floor": [], "reports": [], "summary": [], "delete": []}
    errors = []

    def floor_trial(name):
        go = threading.Event()
        done = {}

        def one(node):
            d = floor_conns[node]
            go.wait()
            d.inspect_network(name)
            d.create_network(name, subnet, gateway)
            d.inspect_network(name)
            done[node] = time.monotonic()

        threads = [threading.Thread(target=one, args=(n,)) for n in nodes]
        for t in threads:
            t.start()
        t0 = time.monotonic()
        go.set()
        for t in threads:
            t.join()
        seconds = max(done.values()) - t0
        for n in nodes:
            floor_conns[n].remove_network(name)
        return seconds

    warmup = b.args.warmup_trials
    log(f"change latency: {warmup} warm-up trials first (not counted)")
    phases = {"create": {}, "delete": {}}
    with Window(f"single change latency ({trials} trials x {len(nodes)} nodes, with floor)") as win:
        for i in range(warmup + trials):
            counted = i >= warmup
            if i == warmup:
                res = {k: [] for k in res}
                errors.clear()
            name = f"bench-change-{i:03d}"
            res["floor"].append(floor_trial(name + "-floor"))
            obj = {
                "apiVersion": "dockernet.io/v1alpha1",
                "kind": "DockerNetwork",
                "metadata": {"name": name, "labels": {LABEL: "change"}},
                "spec": {"ipam": {"config": [{"subnet": subnet, "gateway": gateway}]}},
            }
            snap0 = _timings(b) if counted else None
            t0 = time.monotonic()
            created = b.kube.create("dockernetworks", obj)
            uid = created["metadata"]["uid"]
            reports = [f"{name}.{n}" for n in nodes]

            def all_reports(s):
                return all(
                    r in s.ready_since and kube.owner_uid(s.objects[r]) == uid for r in reports
                )

            ok = b.dns.wait(all_reports, 60)
            ok &= b.dn.wait(lambda s: name in s.ready_since, 60)
            if not ok:
                errors.append(f"{name}: not Ready on every node within 60 s")
            else:
                with b.dns.cond:
                    res["reports"].append(max(b.dns.ready_since[r] for r in reports) - t0)
                with b.dn.cond:
                    res["summary"].append(b.dn.ready_since[name] - t0)
            snap1 = _timings(b) if counted else None
            t1 = time.monotonic()
            b.kube.delete("dockernetworks", name)
            if b.dn.wait(lambda s: name not in s.objects, 60):
                res["delete"].append(b.dn.deleted_at.get(name, time.monotonic()) - t1)
            else:
                errors.append(f"{name}: not deleted within 60 s")
            if counted:
                time.sleep(0.3)  # let the reconciles that follow the deletion finish
                _accumulate(phases["create"], snap0, snap1)
                _accumulate(phases["delete"], snap1, _timings(b))
            for n in nodes:  # deletion done means every node removed it; double-check
                if floor_conns[n].inspect_network(name) is not None:
                    errors.append(f"{name}: still on {n} after deletion")
    for c in floor_conns.values():
        c.close()
    out = win.record()
    out["nodes"] = len(nodes)
    out["warmup_trials"] = warmup
    out["breakdown_per_trial"] = {
        "create_until_ready": _per_trial(phases["create"], trials),
        "delete_and_after": _per_trial(phases["delete"], trials),
    }
    for key, values in res.items():
        if values:
            out[key] = summary_ms(values)
            out[key]["samples_ms"] = [round(v * 1000, 1) for v in values]
    if res["floor"] and res["reports"]:
        out["overhead_p50_ms"] = round(out["reports"]["p50_ms"] - out["floor"]["p50_ms"], 1)
        out["overhead_p50_ms_summary"] = round(
            out["summary"]["p50_ms"] - out["floor"]["p50_ms"], 1
        )
    out["errors"] = errors[:10]
    log(f"change latency: { {k: v for k, v in out.items() if k not in res} }")
    for key in res:
        if key in out:
            log(f"  {key}: p50 {out[key]['p50_ms']} ms, p99 {out[key]['p99_ms']} ms")
    return out


def _timings(b):
    """Reconcile and Docker call timers of every operator process, right now."""
    out = {}
    for who, proc in [("controller", b.controller)] + list(b.agents.items()):
        m = proc.metrics()
        out[who] = {
            # JOSDK's own timer: the whole reconcile, Kubernetes writes included
            "reconcile": timer_totals(
                m, "reconciliations_execution_duration_seconds", "controller_name"
            ),
            "docker": timer_totals(m, "dockernet_docker_api_call_seconds", "operation"),
            "kubernetes": timer_totals(m, "dockernet_kubernetes_write_seconds", "operation"),
        }
    return out


def _accumulate(acc, before, after):
    for who in after:
        for part in ("reconcile", "docker", "kubernetes"):
            for key, (count, secs) in after[who][part].items():
                c0, s0 = before.get(who, {}).get(part, {}).get(key, [0, 0])
                if count - c0:
                    slot = acc.setdefault(who, {}).setdefault(f"{part}:{key}", [0, 0.0])
                    slot[0] += count - c0
                    slot[1] += secs - s0


def _per_trial(acc, trials):
    """Per trial and process: reconciles and Docker calls, and the time spent in them."""
    return {
        who: {
            key: {"n": round(c / trials, 2), "ms": round(1000 * secs / trials, 1)}
            for key, (c, secs) in sorted(row.items())
        }
        for who, row in acc.items()
    }


def docker_error_text(e):
    return str(e) if isinstance(e, DockerError) else repr(e)
