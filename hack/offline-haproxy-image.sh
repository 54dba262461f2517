#!/usr/bin/env bash
# Builds a stand-in for socket-proxy/Dockerfile's BASE_IMAGE without any registry: this machine's
# Debian haproxy (the same package the Dockerfile installs), the shared libraries it links against
# and busybox (for the Dockerfile's RUN), on an empty rootfs; then `docker import`s it into the
# given daemon. The Dockerfile sees haproxy present and skips apt-get.
#
# Usage: hack/offline-haproxy-image.sh <docker socket> [image]  (default dockernet/haproxy-offline:2.6)
# Needs haproxy (Debian) and busybox-static (hack/install-deps.sh installs both).
set -euo pipefail
# shellcheck source=hack/offline-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/offline-rootfs.sh"

SOCKET=${1:?usage: $0 <docker socket> [image]}
SOCKET=${SOCKET#unix://}
IMAGE=${2:-dockernet/haproxy-offline:2.6}
DOCKER=/usr/bin/docker # Debian's Engine 20.10 client (a newer one may be first on PATH)

log() { printf '[offline-haproxy-image] %s\n' "$*" >&2; }
die() {
  printf '[offline-haproxy-image] error: %s\n' "$*" >&2
  exit 1
}
docker_cli() { env -u DOCKER_HOST -u DOCKER_CONTEXT "${DOCKER}" -H "unix://${SOCKET}" "$@"; }

[[ -S "${SOCKET}" ]] || die "not a socket: ${SOCKET}"
[[ -x /usr/sbin/haproxy ]] || die "/usr/sbin/haproxy missing: apt-get install haproxy"
[[ -x /bin/busybox ]] || die "/bin/busybox missing: apt-get install busybox-static"

key=$(sha256sum /usr/sbin/haproxy | cut -c1-16)
if [[ "$(docker_cli image inspect -f '{{index .Config.Labels "io.dockernet.haproxy-key"}}' "${IMAGE}" 2>/dev/null)" == "${key}" ]]; then
  log "${IMAGE} is up to date on ${SOCKET}"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
rootfs=${work}/rootfs
mkdir -p "${rootfs}/usr/sbin"
cp /usr/sbin/haproxy "${rootfs}/usr/sbin/haproxy"
rootfs_libs "${rootfs}" /usr/sbin/haproxy
rootfs_busybox "${rootfs}" sh true # the Dockerfile's RUN
id=$(rootfs_import "${SOCKET}" "${rootfs}" "${IMAGE}" \
  'ENV PATH=/usr/sbin:/usr/bin:/bin' \
  "LABEL io.dockernet.haproxy-key=${key}")
log "imported ${IMAGE} (${id:0:19}, $(du -m "${rootfs}.tar" | cut -f1) MB) into ${SOCKET}"
