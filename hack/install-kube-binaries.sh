#!/usr/bin/env bash
# Builds the test bed's kube-apiserver, kubectl and etcd from the Go module proxy and places them in
# fabric8 kube-api-test's offline layout:
#
#   ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-<arch>/{etcd,kube-apiserver,kubectl}
#
# A binary that is already there is not rebuilt (delete it, or pass --force, to rebuild).
# Sources: hack/kube-binaries/k8s (k8s.io/kubernetes, pinned in go.mod) and hack/kube-binaries/etcd.
#
# Usage: hack/install-kube-binaries.sh [--force]
set -euo pipefail

KUBE_VERSION=1.34.4 # must match hack/kube-binaries/k8s/go.mod and operator/pom.xml <kube.version>
KUBE_MAJOR=${KUBE_VERSION%%.*}
KUBE_MINOR=${KUBE_VERSION#*.}
KUBE_MINOR=${KUBE_MINOR%%.*}

FORCE=0
case "${1:-}" in
  --force) FORCE=1 ;;
  "") ;;
  *)
    echo "usage: $0 [--force]" >&2
    exit 2
    ;;
esac

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC_K8S="${REPO_ROOT}/hack/kube-binaries/k8s"
SRC_ETCD="${REPO_ROOT}/hack/kube-binaries/etcd"

export PATH="/usr/local/go/bin:${PATH}"
if ! command -v go >/dev/null 2>&1; then
  echo "error: go not found (expected /usr/local/go/bin/go); install Go >= 1.24 first" >&2
  exit 1
fi

if ! grep -q "k8s.io/kubernetes v${KUBE_VERSION}\$" "${SRC_K8S}/go.mod"; then
  echo "error: ${SRC_K8S}/go.mod does not pin k8s.io/kubernetes v${KUBE_VERSION}" >&2
  exit 1
fi

GOARCH=$(go env GOARCH)
DEST="${KUBE_API_TEST_DIR:-${HOME}/.kubeapitest}/k8s/${KUBE_VERSION}-linux-${GOARCH}"
mkdir -p "${DEST}"

log() { printf '[install-kube-binaries] %s\n' "$*"; }

# Same variables the Kubernetes release build sets (hack/lib/version.sh), so both
# `kube-apiserver --version` and `kubectl version --client` report the pinned release.
VERSION_LDFLAGS=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  VERSION_LDFLAGS+=" -X ${pkg}.gitVersion=v${KUBE_VERSION}"
  VERSION_LDFLAGS+=" -X ${pkg}.gitMajor=${KUBE_MAJOR}"
  VERSION_LDFLAGS+=" -X ${pkg}.gitMinor=${KUBE_MINOR}"
  VERSION_LDFLAGS+=" -X ${pkg}.gitTreeState=clean"
done

# build <name> <module dir> <package> [ldflags]
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=${4:-}
  local out="${DEST}/${name}"
  if [[ ${FORCE} -eq 0 && -x "${out}" ]]; then
    log "${name}: cached at ${out}"
    return 0
  fi
  log "${name}: building ${pkg} (this takes minutes on a cold Go build cache) ..."
  local start tmp
  start=$(date +%s)
  # Build next to the target and rename, so an interrupted build never leaves a binary the cache
  # check above would accept.
  tmp=$(mktemp "${DEST}/.${name}.XXXXXX")
  if ! (cd "${dir}" && go build -o "${tmp}" -ldflags "${ldflags}" "${pkg}"); then
    rm -f "${tmp}"
    echo "error: go build of ${pkg} failed" >&2
    exit 1
  fi
  chmod 0755 "${tmp}"
  mv -f "${tmp}" "${out}"
  log "${name}: built in $(($(date +%s) - start))s -> ${out}"
}

build etcd "${SRC_ETCD}" . "-s -w"
build kube-apiserver "${SRC_K8S}" k8s.io/kubernetes/cmd/kube-apiserver "-s -w${VERSION_LDFLAGS}"
build kubectl "${SRC_K8S}" k8s.io/kubernetes/cmd/kubectl "-s -w${VERSION_LDFLAGS}"

# Check what kube-api-test will run.
apiserver_version=$("${DEST}/kube-apiserver" --version)
# (no `| head`: with pipefail, a SIGPIPE'd writer would fail the script)
kubectl_version=$("${DEST}/kubectl" version --client 2>/dev/null)
kubectl_version=${kubectl_version%%$'\n'*}
etcd_version=$("${DEST}/etcd" --version)
etcd_version=${etcd_version%%$'\n'*}
log "kube-apiserver: ${apiserver_version}"
log "kubectl:        ${kubectl_version}"
log "etcd:           ${etcd_version}"
if [[ "${apiserver_version}" != "Kubernetes v${KUBE_VERSION}" ]]; then
  echo "error: ${DEST}/kube-apiserver reports '${apiserver_version}', expected 'Kubernetes v${KUBE_VERSION}'" >&2
  echo "       (delete it or run with --force to rebuild)" >&2
  exit 1
fi
if [[ "${kubectl_version}" != *"v${KUBE_VERSION}"* ]]; then
  echo "error: ${DEST}/kubectl reports '${kubectl_version}', expected v${KUBE_VERSION}" >&2
  exit 1
fi
log "done: ${DEST}"
