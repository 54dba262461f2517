#!/usr/bin/env bash
# Quickstart: runs dockernet-operator end to end on this machine.
#
# Installs what is missing (Debian's docker.io, Go-built kube-apiserver/etcd/kubectl), starts a
# throwaway control plane (etcd + kube-apiserver on loopback) and a local Docker engine (node-a,
# in its own network namespace), installs the CRDs, runs the operator in both roles, applies the
# seed example (examples/01-seed-mynetwork.yaml: mynetwork 172.18.0.0/24, bridge docker1; and
# examples/02-seed-attachment-test2.yaml: container test2 at 172.18.0.10), waits until both are
# Ready and shows the result.
# Then it keeps running until Ctrl-C, when everything it started is stopped again.
#
# Usage: hack/run.sh [--exit-after-converge]
#   DOCKERNET_ENGINE=28.5.2:1.44 hack/run.sh runs node-a on another Engine (hack/nodes.sh ENGINE;
#   default Debian's 20.10), fetching it first (hack/engines.sh).
#   Needs root (it starts a Docker daemon). State lives in /var/lib/dockernet-quickstart and
#   /run/dockernet-testbed; the operator's log is /var/lib/dockernet-quickstart/operator.log.
set -euo pipefail

EXIT_AFTER=0
case "${1:-}" in
  --exit-after-converge) EXIT_AFTER=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--exit-after-converge]" >&2
    exit 2
    ;;
esac
[ "$(id -u)" = 0 ] || { echo "hack/run.sh must run as root (it starts a Docker daemon)" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STATE=/var/lib/dockernet-quickstart
KUBECTL="$HOME/.kubeapitest/k8s/1.34.4-linux-amd64/kubectl"
HTTP_PORT=${HTTP_PORT:-18080}
step() { printf '\n==> %s\n' "$*"; }

STARTED_NODE=0
cleanup() {
  step "stopping"
  if [ -f "$STATE/operator.pid" ]; then kill "$(cat "$STATE/operator.pid")" 2>/dev/null || true; fi
  # Only a node this run started: node daemons that were already up (a test run) stay.
  if [ "$STARTED_NODE" = 1 ]; then bash hack/nodes.sh stop || true; fi
  bash hack/control-plane.sh stop || true
}

step "installing what is missing (apt: docker.io, busybox-static; go build: kube-apiserver, etcd, kubectl)"
bash hack/install-deps.sh
bash hack/install-kube-binaries.sh

step "building the operator (mvn package)"
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true package

step "starting a throwaway control plane"
KUBECONFIG=$(bash hack/control-plane.sh start)
export KUBECONFIG
trap cleanup EXIT

step "starting a local Docker engine (node-a)"
if bash hack/nodes.sh status >/dev/null 2>&1; then
  echo "test bed node daemons are already running (a test run?); using node-a as it is"
else
  STARTED_NODE=1
fi
# shellcheck disable=SC2086 # DOCKERNET_ENGINE may be empty: no argument then
bash hack/nodes.sh start 1 ${DOCKERNET_ENGINE:-}
SOCKET=$(bash hack/nodes.sh socket node-a)
# The node's own Engine's CLI (a 20.10 client is refused by a node that accepts API 1.44 and newer).
DOCKER=$(dirname "$SOCKET")/docker
[ -x "$DOCKER" ] || DOCKER=/usr/bin/docker

step "installing the CRDs and registering node-a"
bash hack/control-plane.sh install node-a

step "starting the operator (agent + controller roles)"
mkdir -p "$STATE"
NODE_NAME=node-a DOCKER_HOST="unix://$SOCKET" HTTP_PORT=$HTTP_PORT \
  java -jar operator/target/dockernet-operator.jar --role=all >"$STATE/operator.log" 2>&1 &
echo $! >"$STATE/operator.pid"
for i in $(seq 120); do
  if curl -fs "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$(cat "$STATE/operator.pid")" 2>/dev/null || [ "$i" = 120 ]; then
    tail -n 40 "$STATE/operator.log" >&2
    echo "the operator did not become ready; its log is $STATE/operator.log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "operator ready (metrics: http://127.0.0.1:$HTTP_PORT/metrics)"

step "applying the seed example: network mynetwork, and a legacy container test2 that opted in to be attached"
"$KUBECTL" apply -f examples/01-seed-mynetwork.yaml
"$DOCKER" -H "unix://$SOCKET" rm -f test2 >/dev/null 2>&1 || true
"$DOCKER" -H "unix://$SOCKET" run -d --name test2 --label io.dockernet.attachable=true dockernet/busybox:latest >/dev/null
"$KUBECTL" apply -f examples/02-seed-attachment-test2.yaml
for object in dockernetwork/mynetwork containerattachment/test2; do
  if ! "$KUBECTL" wait --for condition=Ready --timeout=120s "$object"; then
    "$KUBECTL" get dockernetworknodestates,containerattachmentnodestates -o yaml >&2
    echo "$object did not become Ready; see the status above and $STATE/operator.log" >&2
    exit 1
  fi
done

step "kubectl get dockernetworks,containerattachments (and their per-node reports)"
"$KUBECTL" get dockernetworks,containerattachments
"$KUBECTL" get dockernetworknodestates,containerattachmentnodestates
step "docker network inspect mynetwork (on node-a)"
"$DOCKER" -H "unix://$SOCKET" network inspect mynetwork

if [ "$EXIT_AFTER" = 1 ]; then
  step "converged; exiting (--exit-after-converge)"
  exit 0
fi
step "running; try: KUBECONFIG=$KUBECONFIG $KUBECTL get dnet -w   (Ctrl-C stops everything)"
wait "$(cat "$STATE/operator.pid")"
