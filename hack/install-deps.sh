#!/usr/bin/env bash
# Installs (idempotently) the Debian packages the test bed needs, and checks the toolchain.
#
#   docker.io       dockerd 20.10 + /usr/bin/docker client: one daemon per simulated node
#   busybox-static  /bin/busybox: the offline test image (hack/busybox-image.sh)
#   iproute2        `ip netns`: one network namespace per node
#   iptables        dockerd programs NAT/filter rules inside each node's namespace
#   util-linux      nsenter, mountpoint
#   openssl, curl   the quickstart control plane (hack/control-plane.sh) and its readiness probe
#   prometheus      promtool, which checks the /metrics text the operator serves
#   haproxy         the chart's Docker socket proxy, run by SocketProxyIT with the chart's config
#   python3-pyflakes, shellcheck   hack/lint.sh (run by `mvn verify`): the scripts and the bench
#
# Go (>= 1.24, for hack/install-kube-binaries.sh), Java 17+ and Maven are not installed here; the
# script fails with a clear message when they are missing.
#
# Usage: hack/install-deps.sh   (as root, on Debian 12)
set -euo pipefail

PACKAGES=(docker.io busybox-static iproute2 iptables util-linux openssl curl prometheus haproxy
  shellcheck python3-pyflakes)

log() { printf '[install-deps] %s\n' "$*"; }
die() {
  printf '[install-deps] error: %s\n' "$*" >&2
  exit 1
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${db:Status-Status}' "${pkg}" 2>/dev/null || true)" != "installed" ]]; then
    missing+=("${pkg}")
  fi
done

if ((${#missing[@]} == 0)); then
  log "packages already installed: ${PACKAGES[*]}"
else
  [[ ${EUID} -eq 0 ]] || die "need root to install: ${missing[*]}"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The test bed relies on Debian's Engine 20.10 client and daemon specifically (a newer
# /usr/local/bin/docker may be first on PATH; the scripts call /usr/bin/docker).
[[ -x /usr/sbin/dockerd && -x /usr/bin/docker ]] || die "/usr/sbin/dockerd or /usr/bin/docker missing after install"
[[ -x /bin/busybox ]] || die "/bin/busybox missing after installing busybox-static"
# The newer Engines of hack/engines.sh run with bookworm's runc and tini (docker.io's dependencies).
[[ -x /usr/sbin/runc && -x /usr/bin/tini-static ]] || die "/usr/sbin/runc or /usr/bin/tini-static missing after installing docker.io"
command -v nsenter >/dev/null || die "nsenter missing (util-linux)"

# Toolchain checks.
export PATH="/usr/local/go/bin:${PATH}"
command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go; Go >= 1.24 is needed to build kube-apiserver/etcd/kubectl)"
command -v java >/dev/null || die "java not found (Java 17+ is needed)"
command -v mvn >/dev/null || die "mvn not found (Maven 3.8+ is needed)"

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
[[ -n "${java_major}" && "${java_major}" -ge 17 ]] || die "java ${java_major:-?} found, Java 17+ is needed"

log "go:     $(go version)"
log "java:   ${java_major} ($(command -v java))"
log "mvn:    $(MAVEN_OPTS="" mvn -B -v 2>/dev/null | sed "s/\x1b\[[0-9;]*m//g" | sed -n 1p)"
log "docker: $(/usr/bin/docker --version)"
log "ok"
