#!/usr/bin/env bash
# Builds hack/gitops-check (what kstatus, an Argo CD health script and a Flux healthCheckExprs entry
# say about a live object; the GitOps integration tests run it) from the Go module proxy, and
# caches it:
#
#   ${DOCKERNET_TOOLS_DIR:-~/.cache/dockernet-operator}/gitops-check
#
# It is rebuilt only when hack/gitops-check/ (go.mod, go.sum, main.go) changed since the cached
# build (the hash of those files is kept beside the binary), or with --force.
#
# Usage: hack/install-gitops-check.sh [--force]
set -euo pipefail

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
SRC="${REPO_ROOT}/hack/gitops-check"
DEST_DIR="${DOCKERNET_TOOLS_DIR:-${HOME}/.cache/dockernet-operator}"
OUT="${DEST_DIR}/gitops-check"

export PATH="/usr/local/go/bin:${PATH}"
if ! command -v go >/dev/null 2>&1; then
  echo "error: go not found (expected /usr/local/go/bin/go); install Go >= 1.24 first" >&2
  exit 1
fi

log() { printf '[install-gitops-check] %s\n' "$*"; }

hash=$(cd "${SRC}" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-16)
if [[ ${FORCE} -eq 0 && -x "${OUT}" && "$(cat "${OUT}.hash" 2>/dev/null)" == "${hash}" ]]; then
  log "cached at ${OUT}"
  exit 0
fi

mkdir -p "${DEST_DIR}"
log "building ${SRC} ..."
start=$(date +%s)
# Build next to the target and rename, so an interrupted build never leaves a binary behind.
tmp=$(mktemp "${DEST_DIR}/.gitops-check.XXXXXX")
if ! (cd "${SRC}" && go build -o "${tmp}" -ldflags "-s -w" .); then
  rm -f "${tmp}"
  echo "error: go build of hack/gitops-check failed" >&2
  exit 1
fi
chmod 0755 "${tmp}"
mv -f "${tmp}" "${OUT}"
echo "${hash}" >"${OUT}.hash"
log "built in $(($(date +%s) - start))s -> ${OUT}"
