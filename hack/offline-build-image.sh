#!/usr/bin/env bash
# Builds the Dockerfile's BUILD_IMAGE without any registry, as a stand-in for the public
# maven:3.9-eclipse-temurin-17: the installed JDK and Maven on an empty rootfs (with busybox and
# the shared libraries they link against), and a Maven repository holding exactly what
# `mvn -pl operator package` needs, taken from this machine's ~/.m2 (used as a file:// mirror, so
# nothing is downloaded). Its settings.xml says offline. Then `docker import`s it into the daemon.
#
# Usage: hack/offline-build-image.sh <docker socket> [image]   (default dockernet/build-offline:17)
# Needs a JDK 17 (javac), Maven, busybox-static, and ~/.m2 filled by a build of this repository.
# A daemon that already has the image for the same JDK, Maven and poms is left alone.
set -euo pipefail
# shellcheck source=hack/offline-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/offline-rootfs.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SOCKET=${1:?usage: $0 <docker socket> [image]}
SOCKET=${SOCKET#unix://}
IMAGE=${2:-dockernet/build-offline:17}
DOCKER=/usr/bin/docker # Debian's Engine 20.10 client (a newer one may be first on PATH)
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
MAVEN_HOME=${MAVEN_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v mvn)")")")}
HOST_REPO=${HOST_REPO:-${HOME}/.m2/repository}

log() { printf '[offline-build-image] %s\n' "$*" >&2; }
die() {
  printf '[offline-build-image] error: %s\n' "$*" >&2
  exit 1
}
docker_cli() { env -u DOCKER_HOST -u DOCKER_CONTEXT "${DOCKER}" -H "unix://${SOCKET}" "$@"; }

[[ -S "${SOCKET}" ]] || die "not a socket: ${SOCKET}"
[[ -x "${JAVA_HOME}/bin/javac" ]] || die "no javac in ${JAVA_HOME}: apt-get install openjdk-17-jdk-headless"
[[ -x "${MAVEN_HOME}/bin/mvn" ]] || die "no Maven in ${MAVEN_HOME}: apt-get install maven"
[[ -d "${HOST_REPO}" ]] || die "no ${HOST_REPO}: build the repository once (mvn -pl operator package)"
[[ -x /bin/busybox ]] || die "/bin/busybox missing: apt-get install busybox-static"

# The image depends on the JDK, Maven and the poms (which decide the repository's content).
key=$({ cat "${JAVA_HOME}/release"; "${MAVEN_HOME}/bin/mvn" -v 2>/dev/null | sed -n 1p;
  cat "${ROOT}/pom.xml" "${ROOT}/operator/pom.xml"; } | sha256sum | cut -c1-16)
if [[ "$(docker_cli image inspect -f '{{index .Config.Labels "io.dockernet.build-key"}}' "${IMAGE}" 2>/dev/null)" == "${key}" ]]; then
  log "${IMAGE} is up to date on ${SOCKET}"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
rootfs=${work}/rootfs
mkdir -p "${rootfs}"/{root/.m2,opt/java}

# The repository: what the Dockerfile's build stage resolves, from ~/.m2 as a mirror named
# "central", so that the offline build later accepts the artifacts as central's. A local
# repository keeps a remote's metadata as maven-metadata-central.xml; the mirror (a hard-linked
# copy, ~/.m2 itself untouched) serves it as maven-metadata.xml, which version ranges need.
remote=${work}/remote
cp -al "${HOST_REPO}" "${remote}"
find "${remote}" -name maven-metadata-central.xml -exec sh -c 'cp "$1" "${1%-central.xml}.xml"' _ {} \;
cat >"${work}/mirror.xml" <<XML
<settings>
  <mirrors>
    <mirror><id>central</id><mirrorOf>*</mirrorOf><url>file://${remote}</url></mirror>
  </mirrors>
</settings>
XML
src=${work}/src
mkdir -p "${src}/operator/src"
cp "${ROOT}/pom.xml" "${src}/"
cp "${ROOT}/operator/pom.xml" "${src}/operator/"
cp -r "${ROOT}/operator/src/main" "${src}/operator/src/"
(cd "${src}" && "${MAVEN_HOME}/bin/mvn" -B -ntp -q -s "${work}/mirror.xml" \
  -Dmaven.repo.local="${rootfs}/root/.m2/repository" \
  -pl operator package -Dmaven.test.skip=true -Dspotless.check.skip=true) ||
  die "the build stage's Maven build failed against ${HOST_REPO}: build the repository there once first"
cat >"${rootfs}/root/.m2/settings.xml" <<'XML'
<settings>
  <localRepository>/root/.m2/repository</localRepository>
  <offline>true</offline>
</settings>
XML
log "repository: $(du -sm "${rootfs}/root/.m2/repository" | cut -f1) MB"

# The JDK (without what a build never reads) and Maven, symlinks resolved.
# Debian's lib/src.zip is a dangling link unless openjdk-17-source is installed.
mkdir -p "${rootfs}/opt/java/openjdk"
tar -C "${JAVA_HOME}" -h --exclude=./jmods --exclude=./lib/src.zip --exclude=./man --exclude=./demo \
  -cf - . | tar -C "${rootfs}/opt/java/openjdk" -xf -
cp -rL "${MAVEN_HOME}" "${rootfs}/opt/maven"

mapfile -d '' binaries < <(find "${rootfs}/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0)
rootfs_libs "${rootfs}" "${binaries[@]}"
# Maven's launcher is a POSIX shell script.
rootfs_busybox "${rootfs}" sh ls cat uname dirname basename readlink sed expr which tr grep awk env id \
  mkdir rm cp mv find pwd

id=$(rootfs_import "${SOCKET}" "${rootfs}" "${IMAGE}" \
  'ENV JAVA_HOME=/opt/java/openjdk' \
  'ENV MAVEN_HOME=/opt/maven' \
  'ENV PATH=/opt/java/openjdk/bin:/opt/maven/bin:/bin' \
  "LABEL io.dockernet.build-key=${key}")
log "imported ${IMAGE} (${id:0:19}, $(du -m "${rootfs}.tar" | cut -f1) MB) into ${SOCKET}"
