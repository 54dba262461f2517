"""The benchmark's workload, one definition shared by every tool: N bridge networks, each a /24 out
of 198.18.0.0/16, and M attachments with static addresses spread over C running containers.

Network i:     bench-net-<iii>, subnet 198.18.<i>.0/24, gateway 198.18.<i>.1
Container c:   bench-c<ccc> (busybox, `sleep 86400`), on Docker's default bridge from the start
Attachment j:  bench-att-<jjjj>: container j // (M / C) on network j % N at 198.18.<i>.<10 + c>

With the defaults (200 networks, 1,000 attachments, 100 containers) every container joins ten
consecutive networks and every network gets five containers.
"""

import json
from dataclasses import dataclass

IMAGE = "dockernet/busybox:latest"
CMD = ["sleep", "86400"]
LABEL = "dockernet.io/bench"  # on every Kubernetes object the benchmark creates


@dataclass(frozen=True)
class Net:
    index: int
    name: str
    subnet: str
    gateway: str


@dataclass(frozen=True)
class Att:
    index: int
    name: str
    container: str
    network: str
    ipv4: str


class Workload:
    def __init__(self, networks=200, attachments=1000, containers=100, node="node-a"):
        if networks > 200:
            raise ValueError("at most 200 networks (198.18.0.0 .. 198.18.199.0 /24)")
        if attachments % containers:
            raise ValueError("attachments must be a multiple of containers")
        per_container = attachments // containers
        if per_container > networks:
            raise ValueError("more attachments per container than networks")
        if containers > 240:
            raise ValueError("at most 240 containers (addresses .10 .. .249)")
        self.node = node
        self.nets = [
            Net(i, f"bench-net-{i:03d}", f"198.18.{i}.0/24", f"198.18.{i}.1")
            for i in range(networks)
        ]
        self.containers = [f"bench-c{c:03d}" for c in range(containers)]
        self.atts = []
        for j in range(attachments):
            c = j // per_container
            i = j % networks
            self.atts.append(
                Att(
                    j,
                    f"bench-att-{j:04d}",
                    self.containers[c],
                    self.nets[i].name,
                    f"198.18.{i}.{10 + c}",
                )
            )
        pairs = {(a.container, a.network) for a in self.atts}
        if len(pairs) != len(self.atts):
            raise ValueError("workload maps a container twice onto one network; change the sizes")

    def net(self, name):
        return self.nets[int(name.rsplit("-", 1)[1])]

    # -- the operator's objects ----------------------------------------------------------------

    def selector(self):
        return {"matchLabels": {"kubernetes.io/hostname": self.node}}

    def network_object(self, n):
        return {
            "apiVersion": "dockernet.io/v1alpha1",
            "kind": "DockerNetwork",
            "metadata": {"name": n.name, "labels": {LABEL: "cold-converge"}},
            "spec": {
                "ipam": {"config": [{"subnet": n.subnet, "gateway": n.gateway}]},
                "nodeSelector": self.selector(),
            },
        }

    def attachment_object(self, a):
        return {
            "apiVersion": "dockernet.io/v1alpha1",
            "kind": "ContainerAttachment",
            "metadata": {"name": a.name, "labels": {LABEL: "cold-converge"}},
            "spec": {
                "container": a.container,
                "network": a.network,
                "ipv4Address": a.ipv4,
                "nodeSelector": self.selector(),
            },
        }

    def manifest(self, with_attachments=True):
        """Every object, one JSON document per line separated by ---, for `kubectl apply -f`."""
        docs = [self.network_object(n) for n in self.nets]
        if with_attachments:
            docs += [self.attachment_object(a) for a in self.atts]
        return "\n---\n".join(json.dumps(d) for d in docs) + "\n"

    # -- the baselines' inputs -----------------------------------------------------------------

    def ansible_vars(self, docker_host, with_attachments=True):
        by_container = {}
        for a in self.atts:
            by_container.setdefault(a.container, []).append(
                {"name": a.network, "ipv4_address": a.ipv4}
            )
        return {
            "docker_host": docker_host,
            "image": IMAGE,
            "networks": [
                {"name": n.name, "subnet": n.subnet, "gateway": n.gateway} for n in self.nets
            ],
            "containers": (
                [{"name": c, "networks": nets} for c, nets in by_container.items()]
                if with_attachments
                else []
            ),
        }

    def compose_file(self):
        """docker-compose 1.29 (file format 2.4): the same networks, and one service per container
        with the same static addresses (compose creates the containers itself: it cannot attach
        containers it does not own)."""
        services = {}
        for c in self.containers:
            services[c] = {
                "image": IMAGE,
                "container_name": c,
                "command": CMD,
                "networks": {},
            }
        for a in self.atts:
            services[a.container]["networks"][a.network] = {"ipv4_address": a.ipv4}
        networks = {
            n.name: {
                "name": n.name,
                "driver": "bridge",
                "ipam": {"config": [{"subnet": n.subnet, "gateway": n.gateway}]},
            }
            for n in self.nets
        }
        return json.dumps({"version": "2.4", "services": services, "networks": networks}, indent=1)
