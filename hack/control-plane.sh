#!/usr/bin/env bash
# A throwaway Kubernetes control plane for the quickstart: etcd + kube-apiserver from the binaries
# hack/install-kube-binaries.sh builds, on loopback only, with a static admin token.
# (The integration tests start their own through fabric8 kube-api-test instead.)
#
# Usage:
#   hack/control-plane.sh start    start etcd and kube-apiserver; writes the kubeconfig path on stdout
#   hack/control-plane.sh stop     stop both and delete their data
#   hack/control-plane.sh install NODE...
#                                  apply the chart's CRDs and register each NODE as a Node object
#                                  (what a kubelet would do), then wait for the CRDs to be served;
#                                  DOCKERNET_CRD_DIR overrides where the CRDs are read from
#
# State: ${DOCKERNET_CP_DIR:-/var/lib/dockernet-quickstart}/{etcd,certs,kubeconfig,*.log,*.pid}
set -euo pipefail

KUBE_VERSION=1.34.4
BIN=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/${KUBE_VERSION}-linux-amd64
DIR=${DOCKERNET_CP_DIR:-/var/lib/dockernet-quickstart}
API_PORT=${DOCKERNET_CP_API_PORT:-16443}
ETCD_PORT=${DOCKERNET_CP_ETCD_PORT:-12379}
ETCD_PEER_PORT=$((ETCD_PORT + 1))

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() {
  printf '[control-plane] error: %s\n' "$*" >&2
  exit 1
}

stop_pid() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop() {
  stop_pid "$DIR/kube-apiserver.pid"
  stop_pid "$DIR/etcd.pid"
  rm -rf "$DIR"
  log "stopped"
}

start() {
  for b in etcd kube-apiserver kubectl; do
    [ -x "$BIN/$b" ] || die "$BIN/$b missing: run hack/install-kube-binaries.sh first"
  done
  if [ -f "$DIR/kube-apiserver.pid" ] && kill -0 "$(cat "$DIR/kube-apiserver.pid")" 2>/dev/null; then
    log "already running"
    echo "$DIR/kubeconfig"
    return
  fi
  stop 2>/dev/null || true
  mkdir -p "$DIR/certs"
  openssl genrsa -out "$DIR/certs/sa.key" 2048 2>/dev/null
  openssl rsa -in "$DIR/certs/sa.key" -pubout -out "$DIR/certs/sa.pub" 2>/dev/null
  local token
  token=$(openssl rand -hex 16)
  echo "${token},admin,admin,system:masters" >"$DIR/tokens.csv"

  log "starting etcd on 127.0.0.1:${ETCD_PORT}"
  "$BIN/etcd" --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:${ETCD_PORT}" \
    --advertise-client-urls "http://127.0.0.1:${ETCD_PORT}" \
    --listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
    --initial-cluster "default=http://127.0.0.1:${ETCD_PEER_PORT}" \
    >"$DIR/etcd.log" 2>&1 &
  echo $! >"$DIR/etcd.pid"

  log "starting kube-apiserver ${KUBE_VERSION} on https://127.0.0.1:${API_PORT}"
  "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:${ETCD_PORT}" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "${API_PORT}" \
    --cert-dir "$DIR/certs" \
    --token-auth-file "$DIR/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$DIR/certs/sa.pub" \
    --service-account-signing-key-file "$DIR/certs/sa.key" \
    --service-cluster-ip-range 198.19.250.0/24 \
    >"$DIR/kube-apiserver.log" 2>&1 &
  echo $! >"$DIR/kube-apiserver.pid"

  cat >"$DIR/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: quickstart
  cluster:
    server: https://127.0.0.1:${API_PORT}
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: ${token}
contexts:
- name: quickstart
  context: {cluster: quickstart, user: admin}
current-context: quickstart
KUBECONFIG

  for _ in $(seq 120); do
    if "$BIN/kubectl" --kubeconfig "$DIR/kubeconfig" get --raw /readyz >/dev/null 2>&1; then
      log "ready"
      echo "$DIR/kubeconfig"
      return
    fi
    kill -0 "$(cat "$DIR/kube-apiserver.pid")" 2>/dev/null || break
    sleep 0.5
  done
  tail -n 30 "$DIR/kube-apiserver.log" >&2
  die "kube-apiserver did not become ready (log: $DIR/kube-apiserver.log)"
}

# The quickstart and the bench both install this way (the integration tests through fabric8).
install() {
  local kubectl=("$BIN/kubectl" --kubeconfig "$DIR/kubeconfig")
  local crds node
  crds=${DOCKERNET_CRD_DIR:-"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/helm/dockernet-operator/crds/"}
  "${kubectl[@]}" apply --server-side -f "$crds" >/dev/null
  for node in "$@"; do
    "${kubectl[@]}" apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: ${node}
  labels: {kubernetes.io/hostname: ${node}, kubernetes.io/os: linux}
NODE
  done
  "${kubectl[@]}" wait --for condition=established --timeout=60s crd --all >/dev/null
  log "CRDs installed; nodes registered: $*"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install)
    shift
    install "$@"
    ;;
  *) die "usage: $0 start|stop|install NODE..." ;;
esac
