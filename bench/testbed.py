"""The benchmark's side of the test bed: the session lock, node daemons, a throwaway control plane,
operator processes, their metrics and their CPU/RSS, and the machine's load."""

import fcntl
import os
import re
import signal
import subprocess
import time
import urllib.request

from dockerapi import Docker

SESSION_LOCK = "/run/dockernet-testbed.session.lock"
STATE_ROOT = os.environ.get("DOCKERNET_TESTBED_STATE", "/run/dockernet-testbed")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# -- the session lock --------------------------------------------------------------------------


class SessionLock:
    """The machine-wide test bed lock the JUnit harness holds while a test JVM uses the nodes.

    The harness locks with Java's FileChannel.tryLock(), which is a POSIX record lock (fcntl);
    flock(2) locks do not conflict with those on Linux. So this takes both: a POSIX lock (what
    excludes a test JVM) and a flock (what excludes a shell script using flock(1))."""

    def __init__(self, path=SESSION_LOCK, timeout_minutes=60):
        self.path = path
        self.timeout = timeout_minutes * 60

    def __enter__(self):
        self.f = open(self.path, "a")
        deadline = time.monotonic() + self.timeout
        warned = False
        while True:
            try:
                fcntl.lockf(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                log(f"holding the test bed session lock {self.path}")
                return self
            except OSError:
                try:
                    fcntl.lockf(self.f, fcntl.LOCK_UN)
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{self.path} held by another session for too long")
                if not warned:
                    log(f"another session uses the test bed ({self.path} is locked); waiting")
                    warned = True
                time.sleep(0.5)

    def __exit__(self, *exc):
        self.f.close()  # releases both locks


# -- machine facts and load --------------------------------------------------------------------


def loadavg():
    return [float(x) for x in open("/proc/loadavg").read().split()[:3]]


def cpu_times():
    """(busy, total) jiffies of the whole machine."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return total - idle, total


class Window:
    """Load average and machine CPU use over one scenario, for the report."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.load_start = loadavg()
        self.cpu_start = cpu_times()
        self.t0 = time.monotonic()
        log(f"== {self.name}: load average at start {self.load_start}")
        return self

    def __exit__(self, *exc):
        self.load_end = loadavg()
        busy, total = cpu_times()
        self.busy_pct = 100.0 * (busy - self.cpu_start[0]) / max(1, total - self.cpu_start[1])
        self.seconds = time.monotonic() - self.t0
        log(
            f"== {self.name}: done in {self.seconds:.0f} s; load average at end {self.load_end};"
            f" machine CPU busy {self.busy_pct:.0f}%"
        )

    def record(self):
        return {
            "load_start": self.load_start,
            "load_end": self.load_end,
            "machine_cpu_busy_pct": round(self.busy_pct, 1),
            "wall_seconds": round(self.seconds, 1),
        }


def machine_facts():
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.rstrip()
        except OSError:
            return ""

    lscpu = run(["lscpu"])
    model = re.search(r"Model name:\s*(.+)", lscpu)
    hyper = re.search(r"Hypervisor vendor:\s*(.+)", lscpu)
    return {
        "nproc": run(["nproc"]),
        "cpu_model": model.group(1).strip() if model else "?",
        "hypervisor": hyper.group(1).strip() if hyper else None,
        "free_m": run(["free", "-m"]),
        "lscpu": lscpu,
        "kernel": run(["uname", "-r"]),
        "os": run(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"]),
        "java": run(["sh", "-c", "java -version 2>&1 | head -1"]),
        "docker_engine": None,  # filled in from the node daemon
    }


# -- node daemons ------------------------------------------------------------------------------


def socket_of(node):
    return f"{STATE_ROOT}/{node}/docker.sock"


def node_names(n):
    return [f"node-{chr(ord('a') + i)}" for i in range(n)]


def answers(node):
    try:
        d = Docker(socket_of(node), timeout=5)
        d.version()
        d.close()
        return True
    except OSError:
        return False
    except Exception:  # noqa: BLE001 - anything else means "not usable"
        return False


class Nodes:
    """Uses node-a..node-<n> if they answer; otherwise starts them with hack/nodes.sh, and at the
    end stops only the nodes this run started."""

    def __init__(self, repo, n):
        self.repo = repo
        self.names = node_names(n)
        self.started = []

    def __enter__(self):
        before = {n for n in self.names if answers(n)}
        if len(before) < len(self.names):
            log(f"starting node daemons (running already: {sorted(before) or 'none'})")
            subprocess.run(
                ["bash", f"{self.repo}/hack/nodes.sh", "start", str(len(self.names))], check=True
            )
            self.started = [n for n in self.names if n not in before]
            # nodes running before this run were not wiped by nodes.sh start
            self.any_before = bool(before) or self._others_exist()
        else:
            log(f"node daemons {self.names} already running; they stay running afterwards")
            subprocess.run(
                ["bash", f"{self.repo}/hack/busybox-image.sh"]
                + [socket_of(n) for n in self.names],
                check=True,
            )
        return self

    def _others_exist(self):
        try:
            present = set(os.listdir(STATE_ROOT))
        except OSError:
            return False
        return bool(present - set(self.names))

    def __exit__(self, *exc):
        if not self.started:
            return
        if not self.any_before and len(self.started) == len(self.names):
            log("stopping the node daemons this run started (hack/nodes.sh stop)")
            subprocess.run(["bash", f"{self.repo}/hack/nodes.sh", "stop"], check=False)
        else:
            for node in self.started:
                log(f"stopping {node}, which this run started (hack/nodes.sh stop-node)")
                subprocess.run(
                    ["bash", f"{self.repo}/hack/nodes.sh", "stop-node", node], check=False
                )


# -- control plane -----------------------------------------------------------------------------


class ControlPlane:
    """hack/control-plane.sh with its own directory and ports, so a quickstart can run beside."""

    def __init__(self, repo, workdir, api_port, etcd_port):
        self.repo = repo
        self.env = dict(
            os.environ,
            DOCKERNET_CP_DIR=f"{workdir}/control-plane",
            DOCKERNET_CP_API_PORT=str(api_port),
            DOCKERNET_CP_ETCD_PORT=str(etcd_port),
        )
        self.kubectl = os.path.expanduser("~/.kubeapitest/k8s/1.34.4-linux-amd64/kubectl")

    def __enter__(self):
        out = subprocess.run(
            ["bash", f"{self.repo}/hack/control-plane.sh", "start"],
            env=self.env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.kubeconfig = out.stdout.strip().splitlines()[-1]
        return self

    def __exit__(self, *exc):
        subprocess.run(
            ["bash", f"{self.repo}/hack/control-plane.sh", "stop"], env=self.env, check=False
        )

    def kubectl_run(self, *args, input_text=None, check=True):
        return subprocess.run(
            [self.kubectl, "--kubeconfig", self.kubeconfig, *args],
            input=input_text,
            text=True,
            capture_output=True,
            check=check,
        )

    def install(self, crd_dir, nodes):
        """The CRDs and one Node object per node: hack/control-plane.sh install."""
        subprocess.run(
            ["bash", f"{self.repo}/hack/control-plane.sh", "install", *nodes],
            env=dict(self.env, DOCKERNET_CRD_DIR=crd_dir),
            check=True,
        )


# -- operator processes ------------------------------------------------------------------------


# The environment the Dockerfile gives the operator besides its JVM options (keep the two alike).
IMAGE_ENV = {"MALLOC_ARENA_MAX": "2"}


def java_args(options_file):
    """The options of a `java @file` argument file (operator/jvm.options): # starts a comment."""
    if not options_file:
        return []
    with open(options_file) as f:
        return [opt for line in f for opt in line.split("#", 1)[0].split()]


class OperatorProcess:
    """One `java ... -jar dockernet-operator.jar --role=...` process, as the image runs it."""

    def __init__(self, jar, role, kubeconfig, http_port, logdir, java_args, java_env, node=None):
        self.jar, self.role, self.node = jar, role, node
        self.port = http_port
        self.kubeconfig = kubeconfig
        self.java_args = java_args
        self.java_env = java_env
        self.logfile = f"{logdir}/{role}{'-' + node if node else ''}.log"
        self.proc = None

    @property
    def name(self):
        return f"{self.role}{'@' + self.node if self.node else ''}"

    def start(self):
        env = dict(os.environ, KUBECONFIG=self.kubeconfig, HTTP_PORT=str(self.port))
        env.pop("JAVA_TOOL_OPTIONS", None)
        env.update(self.java_env)
        if self.node:
            env["NODE_NAME"] = self.node
            env["DOCKER_HOST"] = "unix://" + socket_of(self.node)
        out = open(self.logfile, "a")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            ["java", *self.java_args, "-jar", self.jar, f"--role={self.role}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def pid(self):
        return self.proc.pid

    def wait_ready(self, timeout=180, path="/readyz", interval=0.05):
        """Seconds from process start until `path` answers 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}); see {self.logfile}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started_at
            except OSError:
                pass
            time.sleep(interval)
        raise RuntimeError(f"{self.name} not ready within {timeout}s; see {self.logfile}")

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def metrics_text(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10) as r:
            return r.read().decode()

    def metrics(self):
        return parse_prometheus(self.metrics_text())

    def cpu_seconds(self):
        return process_cpu_seconds(self.pid)

    def rss_mib(self):
        return process_memory_mib(self.pid)


def process_cpu_seconds(pid):
    """utime + stime of the process (all threads) from /proc/<pid>/stat, in seconds."""
    text = open(f"/proc/{pid}/stat").read()
    fields = text[text.rindex(")") + 2 :].split()
    # after "pid (comm) ": state is fields[0]; utime is field 14 overall -> index 11 here
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def process_memory_mib(pid):
    values = {}
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(("VmRSS:", "VmHWM:", "Threads:")):
            key, n = line.split()[:2]
            values[key.rstrip(":")] = int(n)
    return {
        "rss": round(values.get("VmRSS", 0) / 1024, 1),
        "peak_rss": round(values.get("VmHWM", 0) / 1024, 1),
        "threads": values.get("Threads"),
    }


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """[(name, {label: value}, float)] for every sample line."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        labels = dict(_LABEL.findall(m.group(3) or ""))
        try:
            samples.append((m.group(1), labels, float(m.group(4))))
        except ValueError:
            pass
    return samples


def counter_by(samples, name, label):
    """Sums samples of `name` grouped by one label."""
    out = {}
    for n, labels, value in samples:
        if n == name:
            key = labels.get(label, "")
            out[key] = out.get(key, 0.0) + value
    return out


def timer_totals(samples, timer, label):
    """{label value: [count, seconds]} of a Prometheus timer (its _count and _sum series)."""
    counts = counter_by(samples, timer + "_count", label)
    sums = counter_by(samples, timer + "_sum", label)
    return {k: [counts[k], sums.get(k, 0.0)] for k in counts}


def docker_calls(samples):
    return counter_by(samples, "dockernet_docker_api_call_seconds_count", "operation")


def reconciles(samples):
    return counter_by(samples, "dockernet_reconcile_seconds_count", "kind")


def diff(after, before):
    keys = set(after) | set(before)
    return {k: after.get(k, 0.0) - before.get(k, 0.0) for k in sorted(keys)}
