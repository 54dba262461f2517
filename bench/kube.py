"""A minimal Kubernetes API client for the benchmark: create/delete/list and list+watch stores.

Readiness is timed from watch events, received in a background thread per resource type, so
the benchmark learns the moment an object turns Ready without polling the API server (polling
1,200 objects would compete for the same two cores as the operator).
"""

import http.client
import json
import re
import ssl
import threading
import time

GROUP = "/apis/dockernet.io/v1alpha1"


class KubeError(Exception):
    def __init__(self, status, method, path, body):
        super().__init__(f"{method} {path}: HTTP {status}: {str(body)[:500]}")
        self.status = status


class Kube:
    """Reads hack/control-plane.sh's kubeconfig (server URL + bearer token). One connection per
    thread."""

    def __init__(self, kubeconfig):
        text = open(kubeconfig).read()
        server = re.search(r"server:\s*(\S+)", text).group(1)
        self.token = re.search(r"token:\s*(\S+)", text).group(1)
        m = re.match(r"https://([^:/]+):(\d+)", server)
        self.host, self.port = m.group(1), int(m.group(2))
        self._ctx = ssl._create_unverified_context()  # loopback, throwaway self-signed server
        self._local = threading.local()

    def clone(self):
        """The same credentials, with connections of its own (for a watch thread)."""
        other = Kube.__new__(Kube)
        other.__dict__.update(self.__dict__)
        other._local = threading.local()
        return other

    def _conn(self, fresh=False):
        c = getattr(self._local, "conn", None)
        if c is None or fresh:
            if c is not None:
                c.close()
            c = http.client.HTTPSConnection(self.host, self.port, context=self._ctx, timeout=60)
            self._local.conn = c
        return c

    def request(self, method, path, body=None, ok=(200, 201, 202), content_type=None, parse=True):
        """(status, the answer parsed as JSON, or as text when not `parse`)."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type or "application/json"
        for attempt in (0, 1):
            conn = self._conn(fresh=attempt == 1)
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                if attempt:
                    raise
        parsed = (json.loads(raw) if raw else None) if parse else raw.decode()
        if resp.status not in ok:
            raise KubeError(resp.status, method, path, parsed)
        return resp.status, parsed

    def get_text(self, path):
        """A GET whose answer is not JSON (the API server's /metrics)."""
        return self.request("GET", path, parse=False)[1]

    def create(self, plural, obj):
        return self.request("POST", f"{GROUP}/{plural}", obj)[1]

    def delete(self, plural, name):
        status, _ = self.request("DELETE", f"{GROUP}/{plural}/{name}", ok=(200, 202, 404))
        return status != 404

    def delete_all(self, plural, label_selector=None):
        path = f"{GROUP}/{plural}"
        if label_selector:
            path += "?labelSelector=" + label_selector
        self.request("DELETE", path, ok=(200, 404))

    def list(self, plural):
        return self.request("GET", f"{GROUP}/{plural}")[1]


class Store:
    """list+watch of one resource type, kept in memory.

    ready(obj) -> bool says when an object counts as Ready; the store records, per name, the
    monotonic time it was first seen Ready (reset when it stops being Ready or is deleted) and
    when it was deleted.
    """

    def __init__(self, kube, plural, ready, label_selector=None):
        self.kube = kube
        self.plural = plural
        self.ready_fn = ready
        self.selector = label_selector
        self.objects = {}
        self.ready_since = {}
        self.deleted_at = {}
        self.modified_events = 0
        self.cond = threading.Condition()
        self._stop = False
        self._synced = threading.Event()
        self._thread = threading.Thread(target=self._run, name="watch-" + plural, daemon=True)
        self._thread.start()
        if not self._synced.wait(60):
            raise RuntimeError(f"could not list {plural}")

    def _path(self, extra=""):
        p = f"{GROUP}/{self.plural}?{extra}"
        if self.selector:
            p += "&labelSelector=" + self.selector
        return p

    def _apply(self, kind, obj, now):
        name = obj["metadata"]["name"]
        with self.cond:
            if kind == "DELETED":
                self.objects.pop(name, None)
                self.ready_since.pop(name, None)
                self.deleted_at[name] = now
            else:
                if kind == "MODIFIED":
                    self.modified_events += 1
                self.objects[name] = obj
                self.deleted_at.pop(name, None)
                if self.ready_fn(obj):
                    self.ready_since.setdefault(name, now)
                else:
                    self.ready_since.pop(name, None)
            self.cond.notify_all()

    def _run(self):
        kube = self.kube.clone()
        while not self._stop:
            try:
                _, listing = kube.request("GET", self._path())
                now = time.monotonic()
                seen = set()
                for obj in listing["items"]:
                    seen.add(obj["metadata"]["name"])
                    self._apply("ADDED", obj, now)
                with self.cond:
                    gone = [n for n in self.objects if n not in seen]
                for name in gone:
                    self._apply("DELETED", {"metadata": {"name": name}}, now)
                self._synced.set()
                rv = listing["metadata"]["resourceVersion"]
                conn = http.client.HTTPSConnection(kube.host, kube.port, context=kube._ctx)
                conn.request(
                    "GET",
                    self._path(f"watch=1&resourceVersion={rv}&timeoutSeconds=3000"),
                    headers={"Authorization": "Bearer " + kube.token},
                )
                resp = conn.getresponse()
                while not self._stop:
                    line = resp.readline()
                    if not line:
                        break
                    ev = json.loads(line)
                    if ev["type"] == "ERROR":
                        break  # e.g. 410 Gone: list again
                    if ev["type"] in ("ADDED", "MODIFIED", "DELETED"):
                        self._apply(ev["type"], ev["object"], time.monotonic())
                conn.close()
            except (OSError, ValueError, http.client.HTTPException, KubeError):
                time.sleep(0.5)

    def stop(self):
        self._stop = True

    def wait(self, predicate, timeout):
        """Waits until predicate(store) holds (checked under the lock after every event)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 1.0))
            return True

    def ready_count(self, names=None):
        if names is None:
            return len(self.ready_since)
        return sum(1 for n in names if n in self.ready_since)


def condition_true(obj, type_):
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return c.get("status") == "True"
    return False


def parent_ready(obj):
    """The controller's summary says Ready for the current generation."""
    status = obj.get("status") or {}
    if status.get("observedGeneration") != obj["metadata"].get("generation"):
        return False
    if not condition_true(obj, "Ready"):
        return False
    desired = status.get("desiredNodes")
    return desired is None or status.get("readyNodes") == desired


def report_ready(obj):
    """A per-node report (DockerNetworkNodeState / ContainerAttachmentNodeState) says Ready."""
    return ((obj.get("status") or {}).get("phase")) == "Ready"


def owner_uid(obj):
    refs = obj["metadata"].get("ownerReferences") or []
    return refs[0]["uid"] if refs else None
