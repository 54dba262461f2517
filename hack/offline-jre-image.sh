#!/usr/bin/env bash
# Builds a Java 17 runtime image without any registry, as a stand-in for the Dockerfile's public
# BASE_IMAGE (eclipse-temurin:17-jre): a jlink'd JRE of the installed JDK with just the modules the
# operator needs, the shared libraries it links against, and busybox, on an empty rootfs; then
# `docker import`s it into the given daemon. Same layout as the public image: java at
# /opt/java/openjdk/bin/java and on PATH.
#
# Usage: hack/offline-jre-image.sh <docker socket> [image]     (default image dockernet/jre-offline:17)
# Needs operator/target/dockernet-operator.jar + operator/target/lib (mvn -pl operator package),
# jlink and the JDK's jmods (Debian: openjdk-17-jdk-headless, openjdk-17-jmods), busybox-static.
# A daemon that already has the image for the same JDK and libraries is left alone.
set -euo pipefail
# shellcheck source=hack/offline-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/offline-rootfs.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOCKET=${1:?usage: $0 <docker socket> [image]}
SOCKET=${SOCKET#unix://}
IMAGE=${2:-dockernet/jre-offline:17}
DOCKER=/usr/bin/docker # Debian's Engine 20.10 client (a newer one may be first on PATH)
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
JAR=${ROOT}/operator/target/dockernet-operator.jar
LIB=${ROOT}/operator/target/lib
# Loaded through ServiceLoader, so jdeps cannot see them: TLS with EC keys, JNDI DNS (netty).
EXTRA_MODULES=jdk.crypto.ec,jdk.naming.dns

log() { printf '[offline-jre-image] %s\n' "$*" >&2; }
die() {
  printf '[offline-jre-image] error: %s\n' "$*" >&2
  exit 1
}
docker_cli() { env -u DOCKER_HOST -u DOCKER_CONTEXT "${DOCKER}" -H "unix://${SOCKET}" "$@"; }

[[ -S "${SOCKET}" ]] || die "not a socket: ${SOCKET}"
[[ -f "${JAR}" && -d "${LIB}" ]] || die "${JAR} missing: mvn -pl operator package first"
[[ -x "${JAVA_HOME}/bin/jlink" ]] || die "no jlink in ${JAVA_HOME}: apt-get install openjdk-17-jdk-headless"
[[ -d "${JAVA_HOME}/jmods" ]] || die "no ${JAVA_HOME}/jmods: apt-get install openjdk-17-jmods"
[[ -x /bin/busybox ]] || die "/bin/busybox missing: apt-get install busybox-static"

# The image depends on the JDK build and on the jars (which decide the modules).
key=$({ cat "${JAVA_HOME}/release"; ls "${LIB}"; } | sha256sum | cut -c1-16)
if [[ "$(docker_cli image inspect -f '{{index .Config.Labels "io.dockernet.jre-key"}}' "${IMAGE}" 2>/dev/null)" == "${key}" ]]; then
  log "${IMAGE} is up to date on ${SOCKET}"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
rootfs=${work}/rootfs
mkdir -p "${rootfs}"/{root,opt/java}

modules=$("${JAVA_HOME}/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "${LIB}/*" "${JAR}" | tail -n 1)
log "modules: ${modules},${EXTRA_MODULES}"
"${JAVA_HOME}/bin/jlink" --add-modules "${modules},${EXTRA_MODULES}" --strip-debug --no-man-pages \
  --no-header-files --compress=2 --output "${rootfs}/opt/java/openjdk"

mapfile -d '' binaries < <(find "${rootfs}/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0)
rootfs_libs "${rootfs}" "${binaries[@]}"
rootfs_busybox "${rootfs}" sh ls cat wget sleep id

"${rootfs}/opt/java/openjdk/bin/java" -version 2>&1 | sed -n 1p | sed 's/^/[offline-jre-image] jlinked: /' >&2
id=$(rootfs_import "${SOCKET}" "${rootfs}" "${IMAGE}" \
  'ENV JAVA_HOME=/opt/java/openjdk' \
  'ENV PATH=/opt/java/openjdk/bin:/bin' \
  "LABEL io.dockernet.jre-key=${key}")
log "imported ${IMAGE} (${id:0:19}, $(du -m "${rootfs}.tar" | cut -f1) MB) into ${SOCKET}"
