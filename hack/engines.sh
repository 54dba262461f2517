#!/usr/bin/env bash
# Docker Engines for the test bed, besides Debian bookworm's docker.io 20.10 (installed by
# hack/install-deps.sh): newer Engines from Debian's later suites, fetched once with a private apt
# configuration and unpacked with `dpkg -x` into the test bed's own cache folder. Nothing is
# installed system-wide; after the first fetch everything works offline.
#
#   20.10   Debian 12 bookworm docker.io 20.10.24 (API 1.41), the system's /usr/sbin/dockerd
#   26.1.5  Debian 13 trixie   docker.io 26.1.5 (API 1.45) + containerd 1.7.24 + docker-cli
#   28.5.2  Debian forky       docker.io 28.5.2 (API 1.51) + containerd 2.1.9 + docker-cli
#
# The newer suites' own runc needs glibc 2.38 (bookworm has 2.36): their Engines use bookworm's runc
# and tini (as docker-init), which hack/install-deps.sh installs with docker.io. dockerd,
# containerd, the shim, docker-proxy and the CLI of the newer suites run as they are.
#
# Usage:
#   hack/engines.sh fetch [VERSION...]   fetch (if missing or not the expected version) the given
#                                        Engines, default all; prints nothing on success
#   hack/engines.sh bin VERSION          print the directory to put first on PATH for that Engine
#                                        (dockerd, docker, containerd, shim, runc, docker-init)
#   hack/engines.sh list                 the Engines this script knows, and whether each is ready
#
# Cache: ${DOCKERNET_ENGINES_CACHE:-/var/cache/dockernet-testbed/engines}/<version>/
#   root/    the packages' `dpkg -x` contents (the .debs and apt lists are removed afterwards)
#   bin/     links to what dockerd needs   ready  the package versions, written last
set -euo pipefail

CACHE=${DOCKERNET_ENGINES_CACHE:-/var/cache/dockernet-testbed/engines}
MIRROR=${DOCKERNET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
KNOWN=(20.10 26.1.5 28.5.2)

log() { printf '[engines] %s\n' "$*" >&2; }
die() {
  printf '[engines] error: %s\n' "$*" >&2
  exit 1
}

# suite <version>: the Debian suite carrying that Engine; packages: name=upstream-version prefix.
suite() {
  case "$1" in
    26.1.5) echo trixie ;;
    28.5.2) echo forky ;;
    *) die "unknown Engine '$1' (known: ${KNOWN[*]})" ;;
  esac
}
packages() {
  case "$1" in
    26.1.5) echo "docker.io=26.1.5+ containerd=1.7.24~ docker-cli=26.1.5+" ;;
    28.5.2) echo "docker.io=28.5.2+ containerd=2.1.9+ docker-cli=28.5.2+" ;;
  esac
}
# What `containerd --version` must say for the unpacked Engine.
containerd_version() {
  case "$1" in
    26.1.5) echo 1.7.24 ;;
    28.5.2) echo 2.1.9 ;;
  esac
}

engine_dir() { printf '%s/%s' "${CACHE}" "$1"; }

# Is the unpacked Engine there and the expected version? (No network.)
ready() {
  local v=$1 d
  d=$(engine_dir "${v}")
  [[ -f "${d}/ready" && -x "${d}/bin/dockerd" ]] || return 1
  "${d}/bin/dockerd" --version 2>/dev/null | grep -q "version ${v}[,+ ]" || return 1
  "${d}/bin/containerd" --version 2>/dev/null | grep -q " $(containerd_version "${v}")[ +~]" || return 1
  "${d}/bin/docker" --version 2>/dev/null | grep -q "version ${v}[,+ ]" || return 1
}

# The private apt configuration: its own sources, lists and archive cache; the system's are not
# read or written.
apt_options() {
  local apt=$1
  printf '%s\n' \
    -o "Dir::Etc::sourcelist=${apt}/sources.list" \
    -o "Dir::Etc::sourceparts=${apt}/sources.list.d" \
    -o "Dir::Etc::preferencesparts=${apt}/preferences.d" \
    -o "Dir::State::Lists=${apt}/lists" \
    -o "Dir::State::status=${apt}/status" \
    -o "Dir::Cache=${apt}/cache" \
    -o "Acquire::Languages=none" \
    -o "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false" \
    -o "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false" \
    -o "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false" \
    -o "APT::Architecture=amd64" \
    -o "APT::Architectures=amd64" \
    -o "APT::Sandbox::User=root"
}

fetch_one() {
  local v=$1 d apt s spec name prefix version opts pkgs=()
  if ready "${v}"; then
    return 0
  fi
  d=$(engine_dir "${v}")
  s=$(suite "${v}")
  log "Engine ${v}: fetching from Debian ${s} (${MIRROR})"
  rm -rf "${d}"
  apt="${d}/apt"
  mkdir -p "${apt}/sources.list.d" "${apt}/preferences.d" "${apt}/lists/partial" \
    "${apt}/cache/archives/partial" "${d}/debs"
  : >"${apt}/status"
  echo "deb [signed-by=${KEYRING}] ${MIRROR} ${s} main" >"${apt}/sources.list"
  mapfile -t opts < <(apt_options "${apt}")
  apt-get -q "${opts[@]}" update >&2 || die "apt-get update of ${s} failed"
  for spec in $(packages "${v}"); do
    name=${spec%%=*}
    prefix=${spec#*=}
    # The suite's version of the package, if it is the expected upstream version (any Debian
    # revision of it: stable point releases rebuild packages).
    version=$(apt-cache "${opts[@]}" madison "${name}" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' |
      grep -F -m 1 -e "${prefix}" || true)
    if [[ -z "${version}" || "${version}" != "${prefix}"* ]]; then
      die "Debian ${s} no longer carries ${name} ${prefix%?} (it has: $(apt-cache "${opts[@]}" madison "${name}" | awk -F'|' '{ gsub(/ /, "", $2); printf "%s ", $2 }')); update hack/engines.sh"
    fi
    pkgs+=("${name}=${version}")
  done
  (cd "${d}/debs" && apt-get -q "${opts[@]}" download "${pkgs[@]}" >&2) || die "downloading ${pkgs[*]} failed"
  chmod -R a+rX "${d}/debs"
  mkdir -p "${d}/root" "${d}/bin"
  local deb
  for deb in "${d}"/debs/*.deb; do
    dpkg -x "${deb}" "${d}/root"
  done
  local f
  for f in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/docker usr/bin/containerd \
    usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
    [[ -x "${d}/root/${f}" ]] || die "${f} missing from ${pkgs[*]}"
    ln -sfn "../root/${f}" "${d}/bin/$(basename "${f}")"
  done
  # bookworm's runc and tini: see the header.
  [[ -x /usr/sbin/runc ]] || die "/usr/sbin/runc missing (bookworm's runc; hack/install-deps.sh installs it)"
  [[ -x /usr/bin/tini-static ]] || die "/usr/bin/tini-static missing (bookworm's tini; hack/install-deps.sh installs it)"
  ln -sfn /usr/sbin/runc "${d}/bin/runc"
  ln -sfn /usr/bin/tini-static "${d}/bin/docker-init"
  rm -rf "${apt}" "${d}/debs" # lists and .debs (70+ MB) are not needed once unpacked
  printf '%s\n' "${pkgs[@]}" >"${d}/ready"
  ready "${v}" || die "Engine ${v} unpacked in ${d} but does not report the expected versions"
  log "Engine ${v}: ready in ${d} (${pkgs[*]})"
}

cmd_fetch() {
  local v
  (($# > 0)) || set -- "${KNOWN[@]}"
  for v in "$@"; do
    [[ "${v}" == 20.10 ]] && continue # the system's docker.io
    fetch_one "${v}"
  done
}

cmd_bin() {
  local v=${1:-}
  [[ -n "${v}" ]] || die "usage: $0 bin VERSION"
  if [[ "${v}" == 20.10 ]]; then
    echo /usr/sbin
    return 0
  fi
  suite "${v}" >/dev/null
  ready "${v}" || die "Engine ${v} is not fetched: run hack/engines.sh fetch ${v}"
  echo "$(engine_dir "${v}")/bin"
}

cmd_list() {
  local v state
  for v in "${KNOWN[@]}"; do
    if [[ "${v}" == 20.10 ]]; then
      state="system: $(/usr/sbin/dockerd --version 2>/dev/null || echo missing)"
    elif ready "${v}"; then
      state="ready: $(tr '\n' ' ' <"$(engine_dir "${v}")/ready")"
    else
      state="not fetched"
    fi
    printf '%-8s %s\n' "${v}" "${state}"
  done
}

main() {
  local cmd=${1:-}
  shift || true
  case "${cmd}" in
    fetch)
      [[ ${EUID} -eq 0 ]] || die "must run as root (writes ${CACHE})"
      mkdir -p "${CACHE}"
      # One fetch at a time (two test JVMs, or a test JVM and a shell).
      exec 8>"${CACHE}/.lock"
      flock -w 600 8 || die "another hack/engines.sh holds ${CACHE}/.lock"
      cmd_fetch "$@"
      ;;
    bin) cmd_bin "$@" ;;
    list) cmd_list ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
