"""A minimal Docker Engine API client: HTTP/1.1 over the node's unix socket, nothing else.

This is the benchmark's floor. It issues exactly the requests it is asked to, on one kept-alive
connection, with no retries, caching, or object model, so its timings are what the daemon itself
costs plus a few hundred microseconds of Python.
"""

import http.client
import json
import queue
import socket
import threading
import time
import urllib.parse

API = "/v1.41"  # Engine 20.10; the operator speaks the same version


class DockerError(Exception):
    def __init__(self, status, method, path, body):
        super().__init__(f"{method} {path}: HTTP {status}: {body}")
        self.status = status


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class Docker:
    """One connection to one daemon. Not thread-safe: use one instance per thread."""

    def __init__(self, socket_path, timeout=60):
        self.socket_path = socket_path
        self.timeout = timeout
        self._conn = _UnixConnection(socket_path, timeout)

    def close(self):
        self._conn.close()

    def request(self, method, path, body=None, ok=(200, 201, 204)):
        """Returns (status, parsed JSON or None); raises DockerError unless status is in ok."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        for attempt in (0, 1):
            try:
                self._conn.request(method, API + path, body=data, headers=headers)
                resp = self._conn.getresponse()
                raw = resp.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected, BrokenPipeError):
                # A kept-alive connection the daemon closed: reconnect once.
                self._conn.close()
                self._conn = _UnixConnection(self.socket_path, self.timeout)
                if attempt:
                    raise
        parsed = None
        if raw:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode(errors="replace")
        if resp.status not in ok:
            raise DockerError(resp.status, method, path, parsed)
        return resp.status, parsed

    # -- the calls the benchmark needs ---------------------------------------------------------

    def inspect_network(self, name):
        status, body = self.request("GET", "/networks/" + q(name), ok=(200, 404))
        return body if status == 200 else None

    def list_networks(self, name_prefix=None):
        path = "/networks"
        if name_prefix:
            path += "?filters=" + q(json.dumps({"name": [name_prefix]}))
        return self.request("GET", path)[1]

    def create_network(self, name, subnet, gateway=None, labels=None):
        pool = {"Subnet": subnet}
        if gateway:
            pool["Gateway"] = gateway
        body = {
            "Name": name,
            "CheckDuplicate": True,
            "Driver": "bridge",
            "IPAM": {"Driver": "default", "Config": [pool]},
            "Labels": labels or {},
        }
        return self.request("POST", "/networks/create", body)[1]["Id"]

    def remove_network(self, name_or_id):
        self.request("DELETE", "/networks/" + q(name_or_id), ok=(204, 404))

    def inspect_container(self, name):
        status, body = self.request("GET", "/containers/" + q(name) + "/json", ok=(200, 404))
        return body if status == 200 else None

    def list_containers(self, name_prefix=None):
        path = "/containers/json?all=1"
        if name_prefix:
            path += "&filters=" + q(json.dumps({"name": [name_prefix]}))
        return self.request("GET", path)[1]

    def connect(self, network, container, ipv4=None, aliases=None):
        endpoint = {}
        if ipv4:
            endpoint["IPAMConfig"] = {"IPv4Address": ipv4}
        if aliases:
            endpoint["Aliases"] = aliases
        body = {"Container": container, "EndpointConfig": endpoint}
        self.request("POST", "/networks/" + q(network) + "/connect", body)

    def disconnect(self, network, container, force=True):
        body = {"Container": container, "Force": force}
        self.request("POST", "/networks/" + q(network) + "/disconnect", body)

    def create_container(self, name, image, cmd):
        # Opted in, as the chart's default attachment policy (OptIn) asks of every container the
        # operator may attach.
        body = {
            "Image": image,
            "Cmd": cmd,
            "HostConfig": {"NetworkMode": "bridge"},
            "Labels": {"io.dockernet.attachable": "true"},
        }
        return self.request("POST", "/containers/create?name=" + q(name), body)[1]["Id"]

    def start_container(self, name):
        self.request("POST", "/containers/" + q(name) + "/start", ok=(204, 304))

    def remove_container(self, name):
        self.request("DELETE", "/containers/" + q(name) + "?force=1&v=1", ok=(204, 404))

    def info(self):
        return self.request("GET", "/info")[1]

    def version(self):
        return self.request("GET", "/version")[1]


def q(text):
    return urllib.parse.quote(text, safe="")


class EventStream:
    """Follows GET /events (network and container events) on its own connection, in a thread.

    Each event is queued as (received monotonic time, event dict); the dict carries the daemon's
    own timeNano, which the benchmark uses to time repairs on the daemon's clock.
    """

    def __init__(self, socket_path, types=("network",)):
        self.events = queue.Queue()
        filters = q(json.dumps({"type": list(types)}))
        self._conn = _UnixConnection(socket_path, timeout=None)
        self._conn.request("GET", f"{API}/events?since={time.time():.9f}&filters={filters}")
        self._resp = self._conn.getresponse()
        if self._resp.status != 200:
            raise DockerError(self._resp.status, "GET", "/events", self._resp.read())
        self._closed = False
        self._handlers = []
        self.handler_errors = []
        self._thread = threading.Thread(target=self._run, name="docker-events", daemon=True)
        self._thread.start()

    def on_event(self, handler):
        """Calls handler(event) for every event, in one worker thread of its own (so a slow
        handler never delays the reader)."""
        work = queue.Queue()

        def worker():
            while True:
                event = work.get()
                if event is None:
                    return
                try:
                    handler(event)
                except Exception as e:  # noqa: BLE001 - a handler must not end the stream
                    self.handler_errors.append(repr(e))

        threading.Thread(target=worker, name="docker-events-handler", daemon=True).start()
        self._handlers.append(work)

    def _run(self):
        try:
            while not self._closed:
                line = self._resp.readline()
                if not line:
                    break
                line = line.strip()
                if not line:
                    continue
                now = time.monotonic()
                event = json.loads(line)
                for work in self._handlers:
                    work.put(event)
                self.events.put((now, event))
        except (OSError, ValueError, AttributeError):
            pass  # (AttributeError: http.client, when close() pulls the socket away mid-read)
        finally:
            for work in self._handlers:
                work.put(None)

    def wait_for(self, predicate, timeout):
        """The first queued event matching predicate (earlier ones are dropped), or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                received, event = self.events.get(timeout=left)
            except queue.Empty:
                return None
            if predicate(event):
                return received, event

    def drain(self):
        while True:
            try:
                self.events.get_nowait()
            except queue.Empty:
                return

    def close(self):
        self._closed = True
        try:
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._conn.close()
