"""dockernet-operator benchmarks (issue 6): run by bench/run.sh, which builds the jar first.

Order (every scenario on the same node daemons, baselines beside the operator):
  1. cold converge baselines: raw floor (writes only; the agent's own call sequence), Ansible,
     docker-compose; then the operator (agent on node-a + controller): apply → all Ready
  4. idle cost with everything from 1 in place
  5. agent restart with everything cached: start → /readyz, → first pass done
  3. drift repair: disconnect → reattached, network rm → recreated, each against a raw floor
     (then everything from 1 is deleted at once, and timed)
  2. single change latency: agents on all nodes, one DockerNetwork → Ready everywhere, vs floor
"""

import _thread
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

import kube
import nodeops
import report
import scenarios
from dockerapi import Docker
from testbed import (
    IMAGE_ENV,
    ControlPlane,
    Nodes,
    OperatorProcess,
    SessionLock,
    Window,
    java_args,
    loadavg,
    log,
    machine_facts,
    node_names,
    socket_of,
)
from workload import Workload

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
STEPS = (
    "cold_converge_baselines",
    "cold_converge_operator",
    "idle_cost",
    "node_status_updates",
    "agent_restart",
    "drift_repair",
    "delete_all",
    "change_latency",
)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--jar", required=True, help="operator jar (with lib/ beside it)")
    p.add_argument("--crds", required=True, help="directory of the CRD YAML files")
    p.add_argument("--repo", required=True, help="repository root (for hack/)")
    p.add_argument("--workdir", required=True, help="where logs and results go")
    p.add_argument("--build-info", default="", help="what was built (commit), for the report")
    p.add_argument("--command", default="", help="the command line, for the report")
    p.add_argument("--nodes", type=int, default=5, help="nodes for the change scenario")
    p.add_argument("--networks", type=int, default=200)
    p.add_argument("--attachments", type=int, default=1000)
    p.add_argument("--containers", type=int, default=100)
    p.add_argument("--change-trials", type=int, default=60)
    p.add_argument("--warmup-trials", type=int, default=5, help="change trials not counted")
    p.add_argument("--drift-trials", type=int, default=50)
    p.add_argument("--restarts", type=int, default=5,
                   help="agent starts in scenario 5 (the figures are their medians)")
    p.add_argument("--idle-seconds", type=int, default=300)
    p.add_argument("--idle-settle", type=int, default=20)
    p.add_argument("--node-updates", type=int, default=20, help="kubelet-style Node status writes")
    p.add_argument("--node-update-settle", type=int, default=5)
    p.add_argument("--converge-timeout", type=int, default=900)
    p.add_argument("--skip-ansible", action="store_true")
    p.add_argument("--skip-compose", action="store_true")
    p.add_argument(
        "--compose-parallel-limit",
        type=int,
        default=1024,
        help="COMPOSE_PARALLEL_LIMIT for docker-compose; at its default (64) compose 1.29"
        " deadlocks on this workload",
    )
    p.add_argument("--tool-timeout", type=int, default=900, help="seconds per Ansible/compose run")
    p.add_argument(
        "--jvm-options",
        default="",
        help="the image's JVM options file (operator/jvm.options, which the Dockerfile passes as"
        " @file); every operator process starts with its options and the image's environment"
        " (MALLOC_ARENA_MAX); empty: neither",
    )
    p.add_argument(
        "--cds-archive",
        default="",
        help="the class-data sharing archive made for --jar by operator/cds-archive.sh, as the"
        " Dockerfile makes the image's; empty: none",
    )
    p.add_argument(
        "--java-opts",
        default="-XX:MaxRAM=384m",
        help="more JVM options, after the image's (later ones win); the default makes the JVM"
        " size itself as under the Helm chart's 384Mi memory limit",
    )
    p.add_argument(
        "--only",
        default="",
        help="comma-separated steps to run, of " + ", ".join(STEPS) + " (a quick look at one"
        " while developing; the report then lacks the others); default: all",
    )
    p.add_argument("--api-port", type=int, default=26443)
    p.add_argument("--etcd-port", type=int, default=22379)
    p.add_argument("--http-port-base", type=int, default=28080)
    args = p.parse_args(argv)
    unknown = [s for s in args.only.split(",") if s and s not in STEPS]
    if unknown:
        p.error(f"--only: no step {', '.join(unknown)}")
    return args


class Bench:
    def __init__(self, args):
        self.args = args
        self.bench_dir = BENCH_DIR
        self.workdir = args.workdir
        self.workload = Workload(args.networks, args.attachments, args.containers)
        self.node_names = node_names(args.nodes)
        archive = [f"-XX:SharedArchiveFile={args.cds_archive}"] if args.cds_archive else []
        self.java_args = java_args(args.jvm_options) + archive + args.java_opts.split()
        self.java_env = dict(IMAGE_ENV) if args.jvm_options else {}
        self.agents = {}
        self.controller = None
        self.cp = None
        self.kube = None
        self.stores = []
        self.results = {
            "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "command": args.command,
            "build": args.build_info,
            "java_opts": " ".join(
                [f"{k}={v}" for k, v in self.java_env.items()] + self.java_args
            ),
            "workload": {
                "networks": args.networks,
                "attachments": args.attachments,
                "containers": args.containers,
                "node": self.workload.node,
            },
            "machine": machine_facts(),
            "load_at_start": loadavg(),
        }

    def socket(self, node):
        return socket_of(node)

    def new_agent(self, node):
        port = self.args.http_port_base + 1 + self.node_names.index(node)
        return OperatorProcess(
            self.args.jar,
            "agent",
            self.cp.kubeconfig,
            port,
            self.workdir,
            self.java_args,
            self.java_env,
            node=node,
        )

    def start_operator(self, nodes):
        if self.controller is None:
            self.controller = OperatorProcess(
                self.args.jar,
                "controller",
                self.cp.kubeconfig,
                self.args.http_port_base,
                self.workdir,
                self.java_args,
                self.java_env,
            ).start()
            self.controller_fresh = True
        started = []
        for node in nodes:
            if node not in self.agents:
                self.agents[node] = self.new_agent(node).start()
                started.append(node)
        ready = {}
        if self.controller_fresh:
            ready["controller"] = round(self.controller.wait_ready(), 2)
            self.controller_fresh = False
        for node in started:
            ready[node] = round(self.agents[node].wait_ready(), 2)
        log(f"operator processes ready: {ready}")

    def stop_operator(self):
        for p in list(self.agents.values()) + ([self.controller] if self.controller else []):
            p.stop()

    def watch(self):
        self.dn = kube.Store(self.kube, "dockernetworks", kube.parent_ready)
        self.ca = kube.Store(self.kube, "containerattachments", kube.parent_ready)
        self.dns = kube.Store(self.kube, "dockernetworknodestates", kube.report_ready)
        self.cas = kube.Store(self.kube, "containerattachmentnodestates", kube.report_ready)
        self.stores = [self.dn, self.ca, self.dns, self.cas]

    def save(self):
        path = os.path.join(self.workdir, "results.json")
        with open(path, "w") as f:
            json.dump(self.results, f, indent=1, sort_keys=False)
        return path

    def run_step(self, key, fn, *a):
        if not self.wanted(key):
            return {}
        try:
            self.results[key] = fn(self, *a)
        except Exception as e:  # noqa: BLE001 - one failed scenario must not lose the others
            log(f"{key} FAILED: {e!r}")
            traceback.print_exc()
            self.results[key] = {"error": repr(e)}
        self.save()
        return self.results[key]

    def run(self):
        a = self.args
        for port in [a.api_port, a.etcd_port, a.etcd_port + 1] + [
            a.http_port_base + i for i in range(a.nodes + 1)
        ]:
            if port_in_use(port):
                raise SystemExit(f"port {port} is in use; pick others (--api-port etc.)")
        with SessionLock(), Nodes(a.repo, a.nodes):
            self.results["machine"]["docker_engine"] = Docker(socket_of("node-a")).version()[
                "Version"
            ]
            for node in self.node_names:
                c, n = nodeops.clean_node(socket_of(node))
                if c or n:
                    log(f"{node}: removed {c} containers and {n} networks left by an earlier run")
            try:
                self.run_scenarios()
            finally:
                self.stop_operator()
                for s in self.stores:
                    s.stop()
                if self.cp is not None:
                    self.cp.__exit__(None, None, None)
                for node in self.node_names:
                    try:
                        nodeops.clean_node(socket_of(node))
                    except Exception as e:  # noqa: BLE001
                        log(f"{node}: cleanup failed: {e!r}")
        self.results["load_at_end"] = loadavg()
        self.results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        path = self.save()
        log(f"results: {path}")

    def wanted(self, step):
        return not self.args.only or step in self.args.only.split(",")

    def run_scenarios(self):
        a = self.args
        w = self.workload
        self.run_step("cold_converge_baselines", scenarios.cold_converge_baselines)
        if not self.wanted("cold_converge_baselines"):  # they make the containers
            nodeops.create_containers(self.socket(w.node), w.containers)
        with Window("control plane and operator start") as win:
            self.cp = ControlPlane(a.repo, self.workdir, a.api_port, a.etcd_port).__enter__()
            self.cp.install(a.crds, self.node_names)
            self.kube = kube.Kube(self.cp.kubeconfig)
            self.watch()
            self.start_operator([w.node])
        self.results["operator_start"] = win.record()
        converged = self.run_step("cold_converge_operator", scenarios.cold_converge_operator)
        if "error" in converged:
            log("cold converge did not finish; idle and restart figures would mean little")
        self.run_step("idle_cost", scenarios.idle_cost, a.idle_seconds)
        self.run_step("node_status_updates", scenarios.node_status_updates, a.node_updates)
        self.run_step("agent_restart", scenarios.agent_restart, a.restarts)
        self.run_step("drift_repair", scenarios.drift_repair, a.drift_trials)
        self.run_step("delete_all", scenarios.delete_all)
        if not self.wanted("change_latency"):
            return
        self.start_operator(self.node_names)
        self.run_step("change_latency", scenarios.change_latency, a.change_trials)
        for p in [self.controller] + list(self.agents.values()):
            with open(os.path.join(self.workdir, f"metrics-{p.name}.txt"), "w") as f:
                f.write(p.metrics_text())
        rss = {"controller": self.controller.rss_mib()}
        for node, agent in self.agents.items():
            rss[f"agent@{node}"] = agent.rss_mib()
        self.results["rss_mib_at_end"] = rss


def port_in_use(port):
    s = socket.socket()
    try:
        return s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        s.close()


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _unblock_sigterm():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})


def _catch_sigterm():
    """SIGTERM is taken by a thread of its own with sigwaitinfo(), which tells who sent it (the
    benchmark shares a machine with other people's scripts), then the main thread is interrupted
    so that the clean-up runs. Every thread inherits the blocked mask; child processes get SIGTERM
    unblocked again (subprocess has no option for the mask, hence the default preexec_fn)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    popen_init = subprocess.Popen.__init__

    def init(self, *args, **kwargs):
        kwargs.setdefault("preexec_fn", _unblock_sigterm)
        popen_init(self, *args, **kwargs)

    subprocess.Popen.__init__ = init

    def wait():
        info = signal.sigwaitinfo({signal.SIGTERM})
        who, pid = [], info.si_pid
        for _ in range(3):  # the sender, its parent and grandparent, as far as they still exist
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
                with open(f"/proc/{pid}/status") as f:
                    ppid = int(next(l for l in f if l.startswith("PPid:")).split()[1])
            except (OSError, StopIteration, ValueError):
                break
            who.append(f"{pid} [{cmd[:200]}]")
            if ppid <= 1:
                break
            pid = ppid
        log(f"SIGTERM from pid {info.si_pid}: {' <- '.join(who) or '(gone)'}; cleaning up")
        _thread.interrupt_main()

    threading.Thread(target=wait, name="sigterm", daemon=True).start()


def main(argv):
    # Ctrl-C or SIGTERM still runs the clean-up (operator processes, control plane, bench-*
    # Docker objects, nodes this run started). SIGINT is set explicitly: a shell starting the
    # benchmark in the background would have left it ignored.
    signal.signal(signal.SIGINT, _interrupt)
    _catch_sigterm()
    args = parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    bench = Bench(args)
    bench.run()
    report.write(bench.results, args.workdir)


if __name__ == "__main__":
    main(sys.argv[1:])
