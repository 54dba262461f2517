#!/usr/bin/env bash
# Builds a stand-in for socket-proxy/Dockerfile's BASE_IMAGE without any registry: this machine's
# Debian haproxy (the same package the Dockerfile installs), the shared libraries it links against
# and busybox (for the Dockerfile's RUN), on an empty rootfs; then `docker import`s it into the
# given daemon. The Dockerfile sees haproxy present and skips apt-get.
#
# Usage: hack/offline-haproxy-image.sh <docker socket> [image]  (default dockernet/haproxy-offline:2.6)
# Needs haproxy (Debian) and busybox-static (hack/install-deps.sh installs both).
set -euo pipefail

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
mkdir -p "${rootfs}"/{bin,etc,tmp,usr/sbin}
chmod 1777 "${rootfs}/tmp"
cp /usr/sbin/haproxy "${rootfs}/usr/sbin/haproxy"
# Every shared library haproxy links against, at the same path (the loader included).
ldd /usr/sbin/haproxy |
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u |
  while read -r lib; do
    mkdir -p "${rootfs}$(dirname "${lib}")"
    cp -L "${lib}" "${rootfs}${lib}"
  done
cp /bin/busybox "${rootfs}/bin/busybox"
for applet in sh true; do
  ln -s busybox "${rootfs}/bin/${applet}"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"${rootfs}/etc/passwd"
printf 'root:x:0:\n' >"${rootfs}/etc/group"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "${rootfs}" -cf "${work}/rootfs.tar" .
id=$(docker_cli import \
  --change 'ENV PATH=/usr/sbin:/usr/bin:/bin' \
  --change "LABEL io.dockernet.haproxy-key=${key}" \
  "${work}/rootfs.tar" "${IMAGE}")
log "imported ${IMAGE} (${id:0:19}, $(du -m "${work}/rootfs.tar" | cut -f1) MB) into ${SOCKET}"
