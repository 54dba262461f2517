#!/usr/bin/env bash
# Builds the offline test image dockernet/busybox:latest from Debian's busybox-static (/bin/busybox)
# and imports it into each given Docker daemon (no registry needed). Daemons that already have the
# image are skipped.
#
# The image: /bin/busybox plus a symlink per applet (sh, ping, ip, sleep, ifconfig, cat, wget, ...),
# minimal /etc/passwd and /etc/group, CMD ["sleep","86400"].
#
# Usage: hack/busybox-image.sh <socket path or unix:// URL>...
set -euo pipefail

IMAGE=dockernet/busybox:latest
SYSTEM_DOCKER=/usr/bin/docker # Debian's Engine 20.10 client (a newer one may be first on PATH)
BUSYBOX=/bin/busybox

log() { printf '[busybox-image] %s\n' "$*" >&2; }
die() {
  printf '[busybox-image] error: %s\n' "$*" >&2
  exit 1
}

(($# > 0)) || die "usage: $0 <docker socket>..."
[[ -x "${BUSYBOX}" ]] || die "${BUSYBOX} missing: apt-get install busybox-static (hack/install-deps.sh)"
file -L "${BUSYBOX}" 2>/dev/null | grep -q 'dynamically linked' && die "${BUSYBOX} is dynamically linked; install busybox-static"

# The CLI for a socket: the node's own (hack/nodes.sh links it next to the socket; a 20.10 client is
# refused by a node that accepts only API 1.44 and newer), else Debian's 20.10 client.
cli_for() {
  local s=${1#unix://}
  if [[ -x "$(dirname "${s}")/docker" ]]; then echo "$(dirname "${s}")/docker"; else echo "${SYSTEM_DOCKER}"; fi
}
docker_at() { # docker_at <unix://socket> args...
  local h=$1
  shift
  env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_API_VERSION "$(cli_for "${h}")" -H "${h}" "$@"
}

hosts=()
for s in "$@"; do
  s=${s#unix://}
  [[ -S "${s}" ]] || die "not a socket: ${s}"
  hosts+=("unix://${s}")
done

todo=()
for h in "${hosts[@]}"; do
  if docker_at "${h}" image inspect "${IMAGE}" >/dev/null 2>&1; then
    log "${h}: ${IMAGE} present"
  else
    todo+=("${h}")
  fi
done
((${#todo[@]} > 0)) || exit 0

work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
rootfs="${work}/rootfs"
mkdir -p "${rootfs}"/{bin,etc,dev,proc,sys,tmp,root,var/run}
chmod 1777 "${rootfs}/tmp"
cp "${BUSYBOX}" "${rootfs}/bin/busybox"
# One relative symlink per applet (bin/sh -> busybox). Not `busybox --install -s <dir>`: that points
# every link at the host's resolved path (/usr/bin/busybox on merged-/usr Debian), absent in the image.
while read -r applet; do
  [[ "${applet}" == busybox ]] || ln -s busybox "${rootfs}/bin/${applet}"
done < <("${BUSYBOX}" --list)
for applet in sh ping ip sleep ifconfig cat ls nc wget route; do
  [[ -L "${rootfs}/bin/${applet}" ]] || die "busybox did not install applet '${applet}'"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"${rootfs}/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"${rootfs}/etc/group"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "${rootfs}" -cf "${work}/rootfs.tar" .

for h in "${todo[@]}"; do
  id=$(docker_at "${h}" import \
    --change 'CMD ["sleep","86400"]' \
    --change 'ENV PATH=/bin' \
    --change 'LABEL io.dockernet.testbed=true' \
    "${work}/rootfs.tar" "${IMAGE}")
  log "${h}: imported ${IMAGE} (${id:0:19})"
done
