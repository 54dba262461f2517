#!/usr/bin/env bash
# Simulated Kubernetes nodes for the test bed: one Docker daemon per node, each in its own network
# namespace, so every node has its own bridges, iptables rules and address space like a real host.
#
# Usage:
#   hack/nodes.sh start [N] [ENGINE...]
#                                      start node-a .. node-<N> (default 3), node i on the i-th ENGINE;
#                                      a running node is kept unless it was given an ENGINE it does not
#                                      run (then it starts afresh, data wiped); a node not given one
#                                      starts on 20.10. Anything stale (dead daemon, leftover
#                                      netns/mounts) is wiped and the node is started fresh; imports
#                                      dockernet/busybox:latest
#   hack/nodes.sh stop                 stop every node and remove its namespace, mounts, data, state
#   hack/nodes.sh status               list nodes, daemon pids and socket paths (exit 1 if one is down)
#   hack/nodes.sh restart-node <node> [ENGINE]
#                                      restart one daemon; namespace and data root survive, so its
#                                      networks (and their bridges) persist, as on a real host; with
#                                      an ENGINE it comes back on that Engine (an upgrade in place)
#   hack/nodes.sh stop-node <node>     stop one daemon only (namespace and data root kept)
#   hack/nodes.sh start-node <node> [ENGINE]
#                                      start one daemon again after stop-node (data root kept)
#   hack/nodes.sh socket <node>        print the node's Docker socket path
#   hack/nodes.sh engine <node>        print the ENGINE the node runs
#
# ENGINE is VERSION[:MIN_API]: VERSION one of hack/engines.sh's (20.10 = Debian bookworm's
# docker.io, 26.1.5, 28.5.2; the newer ones are fetched into a cache on first use), MIN_API the
# oldest API version the daemon accepts (DOCKER_MIN_API_VERSION), e.g. 28.5.2:1.44 refuses clients
# older than API 1.44 as Engine 29 does.
#
# Layout (override with DOCKERNET_TESTBED_STATE / DOCKERNET_TESTBED_DATA):
#   /run/dockernet-testbed/<node>/docker.sock      the daemon's API (unix socket)
#   /run/dockernet-testbed/<node>/dockerd.{pid,log} pidfile and log of the daemon
#   /run/dockernet-testbed/<node>/exec             --exec-root (managed containerd lives here)
#   /run/dockernet-testbed/<node>/engine           the ENGINE it runs
#   /run/dockernet-testbed/<node>/docker           link to that Engine's CLI (use it for this node:
#                                                  a 20.10 CLI is refused by a node with MIN_API 1.44)
#   /var/lib/dockernet-testbed/<node>              --data-root (images, networks, containers)
#   network namespace <node>                       `ip netns add <node>`
# The overrides move files only: namespace names are machine-wide, so a machine has one test bed
# (test JVMs take turns through /run/dockernet-testbed.session.lock, see TestBed.java).
#
# Addresses: node i (node-a = 1) gets --bip 198.19.<i>.1/24; networks docker allocates itself come
# from 198.19.128.0/17 (/24 each). 198.18.0.0/16 is left to tests that pick explicit subnets.
#
# Daemons run through `nsenter --net=...`, not `ip netns exec` (which remounts /sys; dockerd then
# fails with "Devices cgroup isn't mounted"). Each dockerd starts its own containerd under its
# exec-root. Binaries are chosen explicitly: the Engine's directory first on the daemon's PATH
# (hack/engines.sh bin), never whatever docker happens to be first on the caller's PATH.
set -euo pipefail

STATE_ROOT=${DOCKERNET_TESTBED_STATE:-/run/dockernet-testbed}
DATA_ROOT=${DOCKERNET_TESTBED_DATA:-/var/lib/dockernet-testbed}
START_TIMEOUT=${DOCKERNET_TESTBED_START_TIMEOUT:-90}
STOP_TIMEOUT=${DOCKERNET_TESTBED_STOP_TIMEOUT:-20}
DEFAULT_ENGINE=20.10
SYSTEM_DOCKER=/usr/bin/docker # Debian's 20.10 client, for nodes started before engines were chosen
HACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# dockerd looks up containerd, runc, docker-proxy and iptables on PATH: use Debian's.
DAEMON_PATH=/usr/sbin:/usr/bin:/sbin:/bin

log() { printf '[nodes] %s\n' "$*" >&2; }
die() {
  printf '[nodes] error: %s\n' "$*" >&2
  exit 1
}

node_name() { # 1 -> node-a
  local i=$1
  ((i >= 1 && i <= 26)) || die "node index ${i} out of range 1..26"
  printf 'node-%b' "\\x$(printf '%x' $((96 + i)))"
}

node_index() { # node-a -> 1
  [[ $1 =~ ^node-([a-z])$ ]] || die "not a node name: '$1' (expected node-a .. node-z)"
  printf '%d' $(($(printf '%d' "'${BASH_REMATCH[1]}") - 96))
}

state_dir() { printf '%s/%s' "${STATE_ROOT}" "$1"; }
data_dir() { printf '%s/%s' "${DATA_ROOT}" "$1"; }
socket_path() { printf '%s/docker.sock' "$(state_dir "$1")"; }
exec_root() { printf '%s/exec' "$(state_dir "$1")"; }
pid_file() { printf '%s/dockerd.pid' "$(state_dir "$1")"; }
log_file() { printf '%s/dockerd.log' "$(state_dir "$1")"; }
engine_file() { printf '%s/engine' "$(state_dir "$1")"; }
cli_link() { printf '%s/docker' "$(state_dir "$1")"; }
netns_path() { printf '/var/run/netns/%s' "$1"; }
cgroup_parent() { printf '/dockernet-testbed/%s' "$1"; }

# The node's own CLI: an older one is refused by a node with a higher MIN_API.
node_cli() {
  if [[ -x "$(cli_link "$1")" ]]; then cli_link "$1"; else echo "${SYSTEM_DOCKER}"; fi
}

docker_cli() { # docker_cli <node> args...
  local node=$1
  shift
  env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_API_VERSION \
    "$(node_cli "${node}")" -H "unix://$(socket_path "${node}")" "$@"
}

# The ENGINE a node runs (or last ran), from its state directory.
node_engine() {
  local f
  f=$(engine_file "$1")
  if [[ -f "${f}" ]]; then cat "${f}"; else echo "${DEFAULT_ENGINE}"; fi
}

check_engine() { # VERSION[:MIN_API]
  [[ "$1" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?(:1\.[0-9]+)?$ ]] || die "not an ENGINE: '$1' (VERSION[:MIN_API], e.g. 28.5.2:1.44)"
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Does process <pid> have the two consecutive arguments <flag> <value> (exact match)? No forks.
has_arg_pair() {
  local pid=$1 args k
  shift
  mapfile -d '' -t args 2>/dev/null <"/proc/${pid}/cmdline" || return 1
  while (($# >= 2)); do
    for ((k = 0; k + 1 < ${#args[@]}; k++)); do
      [[ "${args[k]}" == "$1" && "${args[k + 1]}" == "$2" ]] && return 0
    done
    shift 2
  done
  return 1
}

# Pids having any of the <flag> <value> argument pairs.
pids_with_arg() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ "${p}" == "$$" || "${p}" == "${BASHPID}" ]] && continue
    has_arg_pair "${p}" "$@" && echo "${p}"
  done
  return 0
}

# The pid of the node's dockerd, if one runs (pidfile first, then its unique --exec-root argument).
daemon_pid() {
  local node=$1 pid="" f
  f=$(pid_file "${node}")
  [[ -f "${f}" ]] && pid=$(<"${f}")
  if pid_alive "${pid}" && has_arg_pair "${pid}" --exec-root "$(exec_root "${node}")"; then
    echo "${pid}"
    return 0
  fi
  pid=$(pids_with_arg --exec-root "$(exec_root "${node}")")
  echo "${pid%%$'\n'*}" # (not `| head -n 1`: a SIGPIPE'd writer would fail the pipeline)
}

daemon_answers() { docker_cli "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

# Processes that belong to a node: everything in its network namespace (dockerd, its containerd,
# shims, docker-proxy), anything naming its exec-root (containerd, shims whose namespace is gone),
# and container processes in its cgroup.
node_pids() {
  local node=$1 d
  if [[ -e "$(netns_path "${node}")" ]]; then
    ip netns pids "${node}" 2>/dev/null || true
  fi
  pids_with_arg --exec-root "$(exec_root "${node}")" \
    --config "$(exec_root "${node}")/containerd/containerd.toml" \
    -address "$(exec_root "${node}")/containerd/containerd.sock"
  for d in $(cgroup_dirs "${node}"); do
    find "${d}" -name cgroup.procs -exec cat {} + 2>/dev/null || true
  done
}

cgroup_dirs() { # the node's --cgroup-parent directory in every mounted cgroup hierarchy
  local node=$1 mnt
  while read -r mnt; do
    if [[ -d "${mnt}$(cgroup_parent "${node}")" ]]; then
      echo "${mnt}$(cgroup_parent "${node}")"
    fi
  done < <(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts)
}

# The socket a containerd shim listens on: /run/containerd/s/sha256(<containerd address>/<ns>/<id>)
# (containerd 1.6 runtime/v2/shim SocketAddress). A SIGKILLed shim leaves it behind.
shim_socket() {
  local pid=$1 args k addr="" ns="" id="" hash
  mapfile -d '' -t args 2>/dev/null <"/proc/${pid}/cmdline" || return 0
  for ((k = 0; k + 1 < ${#args[@]}; k++)); do
    case "${args[k]}" in
      -address) addr=${args[k + 1]} ;;
      -namespace) ns=${args[k + 1]} ;;
      -id) id=${args[k + 1]} ;;
    esac
  done
  [[ -n "${addr}" && -n "${ns}" && -n "${id}" ]] || return 0
  hash=$(printf '%s' "${addr}/${ns}/${id}" | sha256sum)
  echo "/run/containerd/s/${hash%% *}"
}

kill_node_processes() {
  local node=$1 pids deadline p sockets=()
  pids=$(node_pids "${node}" | sort -un | grep -v -x -e "$$" -e "${BASHPID}" || true)
  [[ -z "${pids}" ]] && return 0
  log "${node}: killing leftover processes: ${pids//$'\n'/ }"
  for p in ${pids}; do
    if has_arg_pair "${p}" -address "$(exec_root "${node}")/containerd/containerd.sock"; then
      sockets+=("$(shim_socket "${p}")")
    fi
  done
  deadline=$((SECONDS + 10))
  while [[ -n "${pids}" ]] && ((SECONDS < deadline)); do
    # shellcheck disable=SC2086
    kill -KILL ${pids} 2>/dev/null || true
    sleep 0.2
    pids=$(node_pids "${node}" | sort -un | grep -v -x -e "$$" -e "${BASHPID}" || true)
  done
  [[ -z "${pids}" ]] || log "${node}: warning: processes still alive: ${pids//$'\n'/ }"
  ((${#sockets[@]} == 0)) || rm -f "${sockets[@]}"
}

# Unmount everything at or below the given directories, deepest first.
unmount_below() {
  local dir mp
  for dir in "$@"; do
    while read -r mp; do
      umount "${mp}" 2>/dev/null || umount -l "${mp}" 2>/dev/null || log "warning: cannot unmount ${mp}"
    done < <(awk -v d="${dir}" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
      awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-)
  done
}

remove_cgroups() {
  local node=$1 d
  for d in $(cgroup_dirs "${node}"); do
    find "${d}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    rmdir "$(dirname "${d}")" 2>/dev/null || true # /dockernet-testbed, once the last node is gone
  done
}

# Stop the daemon only: SIGTERM, bounded wait, SIGKILL; then anything it left behind.
stop_daemon() {
  local node=$1 pid deadline
  pid=$(daemon_pid "${node}")
  if [[ -n "${pid}" ]]; then
    # Kill running containers first: dockerd would otherwise give each one 10s to react to
    # SIGTERM, which sleep as PID 1 ignores.
    local running
    running=$(timeout 10 "$(node_cli "${node}")" -H "unix://$(socket_path "${node}")" ps -q 2>/dev/null || true)
    if [[ -n "${running}" ]]; then
      # shellcheck disable=SC2086
      timeout 20 "$(node_cli "${node}")" -H "unix://$(socket_path "${node}")" kill ${running} >/dev/null 2>&1 || true
    fi
    log "${node}: stopping dockerd (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT))
    while pid_alive "${pid}" && ((SECONDS < deadline)); do sleep 0.2; done
    if pid_alive "${pid}"; then
      log "${node}: dockerd did not exit within ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
    fi
  fi
  kill_node_processes "${node}"
  unmount_below "$(exec_root "${node}")" "$(data_dir "${node}")"
  rm -f "$(pid_file "${node}")" "$(socket_path "${node}")"
}

# Remove every trace of a node: processes, mounts, namespace (with its bridges), data, state.
teardown_node() {
  local node=$1
  stop_daemon "${node}"
  if [[ -e "$(netns_path "${node}")" ]]; then
    ip netns delete "${node}" 2>/dev/null || { umount -l "$(netns_path "${node}")" 2>/dev/null || true; rm -f "$(netns_path "${node}")"; }
  fi
  unmount_below "$(state_dir "${node}")" "$(data_dir "${node}")"
  rm -rf "$(state_dir "${node}")" "$(data_dir "${node}")"
  remove_cgroups "${node}"
}

storage_driver() {
  if [[ -n "${DOCKERNET_TESTBED_STORAGE_DRIVER:-}" ]]; then
    echo "${DOCKERNET_TESTBED_STORAGE_DRIVER}"
    return
  fi
  local fstype
  mkdir -p "${DATA_ROOT}"
  fstype=$(findmnt -n -o FSTYPE --target "${DATA_ROOT}" 2>/dev/null || echo unknown)
  # overlay2 cannot stack on overlayfs (e.g. inside a container); vfs always works, only slower.
  if [[ "${fstype}" != overlay ]] && { grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null; }; then
    echo overlay2
  else
    echo vfs
  fi
}

ensure_netns() {
  local node=$1
  if [[ ! -e "$(netns_path "${node}")" ]]; then
    ip netns add "${node}"
  fi
  ip -n "${node}" link set lo up
}

# Launch the node's dockerd on ENGINE in the background (does not wait).
launch_daemon() {
  local node=$1 engine=$2 i sdir ddir version min_api bin cli env_min=()
  i=$(node_index "${node}")
  sdir=$(state_dir "${node}")
  ddir=$(data_dir "${node}")
  version=${engine%%:*}
  min_api=""
  [[ "${engine}" == *:* ]] && min_api=${engine#*:}
  bin=$(bash "${HACK_DIR}/engines.sh" bin "${version}")
  cli="${bin}/docker"
  [[ "${version}" == "${DEFAULT_ENGINE}" ]] && cli=${SYSTEM_DOCKER}
  [[ -n "${min_api}" ]] && env_min=(DOCKER_MIN_API_VERSION="${min_api}")
  mkdir -p "${sdir}" "${ddir}" "$(exec_root "${node}")"
  chmod 0711 "${sdir}"
  echo "${engine}" >"$(engine_file "${node}")"
  ln -sfn "${cli}" "$(cli_link "${node}")"
  # Our own (empty) config file, so a host /etc/docker/daemon.json cannot leak in.
  [[ -f "${sdir}/daemon.json" ]] || echo '{}' >"${sdir}/daemon.json"
  rm -f "$(pid_file "${node}")" "$(socket_path "${node}")"
  {
    echo "---- $(date -u +%FT%TZ) starting dockerd for ${node} on Engine ${engine}"
  } >>"$(log_file "${node}")"
  # setsid: the daemon must not die with the caller (e.g. a test JVM); fd 9 is our lock. The
  # Engine's directory comes first on PATH: dockerd finds its containerd, shim, runc, docker-proxy
  # and docker-init there.
  env -i PATH="${bin}:${DAEMON_PATH}" HOME=/root "${env_min[@]}" \
    setsid nsenter --net="$(netns_path "${node}")" \
    "${bin}/dockerd" \
    --config-file "${sdir}/daemon.json" \
    --data-root "${ddir}" \
    --exec-root "$(exec_root "${node}")" \
    --pidfile "$(pid_file "${node}")" \
    -H "unix://$(socket_path "${node}")" \
    --storage-driver "${STORAGE_DRIVER}" \
    --bip "198.19.${i}.1/24" \
    --default-address-pool "base=198.19.128.0/17,size=24" \
    --iptables=true \
    --exec-opt native.cgroupdriver=cgroupfs \
    --cgroup-parent "$(cgroup_parent "${node}")" \
    --containerd-namespace "dockernet-${node}" \
    --containerd-plugins-namespace "dockernet-${node}-plugins" \
    --shutdown-timeout 3 \
    </dev/null >>"$(log_file "${node}")" 2>&1 9>&- &
}

# Wait until the node's daemon answers, or fail with the tail of its log.
wait_daemon() {
  local node=$1 deadline started=${SECONDS} why
  deadline=$((SECONDS + START_TIMEOUT))
  while true; do
    if daemon_answers "${node}"; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      why="did not answer on $(socket_path "${node}") within ${START_TIMEOUT}s"
      break
    fi
    # (dockerd writes its pidfile within a moment of starting; allow 2s before calling it dead)
    if ((SECONDS - started >= 2)) && [[ -z "$(daemon_pid "${node}")" ]] && ! daemon_answers "${node}"; then
      why="exited during startup"
      break
    fi
    sleep 0.3
  done
  log "${node}: dockerd ${why}; last lines of $(log_file "${node}"):"
  tail -n 30 "$(log_file "${node}")" >&2 || true
  return 1
}

known_nodes() { # nodes with a namespace, state or data directory
  {
    ls -1 "${STATE_ROOT}" 2>/dev/null || true
    ls -1 "${DATA_ROOT}" 2>/dev/null || true
    ip netns list 2>/dev/null | awk '{ print $1 }' | while read -r n; do
      # only namespaces this script would have created and that carry our traces
      if [[ "${n}" =~ ^node-[a-z]$ && (-d "$(state_dir "${n}")" || -d "$(data_dir "${n}")") ]]; then
        echo "${n}"
      fi
    done
  } | { grep -E '^node-[a-z]$' || true; } | sort -u
}

import_image() {
  local sockets=() node
  for node in "$@"; do sockets+=("$(socket_path "${node}")"); done
  "${HACK_DIR}/busybox-image.sh" "${sockets[@]}"
}

# Fetch (once; cached) the Engines the given ENGINEs need.
fetch_engines() {
  local e versions=()
  for e in "$@"; do versions+=("${e%%:*}"); done
  ((${#versions[@]} == 0)) || bash "${HACK_DIR}/engines.sh" fetch "${versions[@]}"
}

cmd_start() {
  local n=${1:-3} i node started=() failed=0 t0=${SECONDS} engine
  if ! [[ "${n}" =~ ^[0-9]+$ ]] || ((n < 1 || n > 26)); then
    die "N must be 1..26, got '${n}'"
  fi
  shift || true
  local engines=("$@")
  for engine in "${engines[@]}"; do check_engine "${engine}"; done
  ((${#engines[@]} <= n)) || die "${#engines[@]} ENGINEs given for ${n} node(s)"
  fetch_engines "${engines[@]}"
  STORAGE_DRIVER=$(storage_driver)
  mkdir -p "${STATE_ROOT}" "${DATA_ROOT}"
  for ((i = 1; i <= n; i++)); do
    node=$(node_name "${i}")
    engine=${engines[i - 1]:-}
    if [[ -n "$(daemon_pid "${node}")" ]] && [[ -e "$(netns_path "${node}")" ]] && daemon_answers "${node}"; then
      if [[ -z "${engine}" || "$(node_engine "${node}")" == "${engine}" ]]; then
        log "${node}: already running on Engine $(node_engine "${node}") ($(socket_path "${node}"))"
        continue
      fi
      log "${node}: runs Engine $(node_engine "${node}"), wanted ${engine}: starting it afresh"
    fi
    if [[ -e "$(netns_path "${node}")" || -d "$(state_dir "${node}")" || -d "$(data_dir "${node}")" ]]; then
      log "${node}: cleaning up a previous run"
      teardown_node "${node}"
    fi
    engine=${engine:-${DEFAULT_ENGINE}}
    ensure_netns "${node}"
    log "${node}: starting dockerd on Engine ${engine} (storage ${STORAGE_DRIVER}, bip 198.19.${i}.1/24)"
    launch_daemon "${node}" "${engine}"
    started+=("${node}")
  done
  for node in "${started[@]}"; do
    if wait_daemon "${node}"; then
      log "${node}: ready, Docker $(docker_cli "${node}" version --format '{{.Server.Version}} (API {{.Server.APIVersion}}, min {{.Server.MinAPIVersion}})') on $(socket_path "${node}")"
    else
      failed=1
    fi
  done
  ((failed == 0)) || die "some nodes failed to start (hack/nodes.sh stop cleans up)"
  local all=()
  for ((i = 1; i <= n; i++)); do all+=("$(node_name "${i}")"); done
  import_image "${all[@]}"
  log "${n} node(s) up in $((SECONDS - t0))s"
}

cmd_stop() {
  local node nodes
  nodes=$(known_nodes)
  if [[ -z "${nodes}" ]]; then
    log "no nodes"
  fi
  local pids=() failed=0 p
  for node in ${nodes}; do
    (
      teardown_node "${node}"
      log "${node}: removed"
    ) &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "${p}" || failed=1; done
  ((failed == 0)) || die "could not remove every node cleanly (see above)"
  rmdir "${STATE_ROOT}" "${DATA_ROOT}" 2>/dev/null || true
}

cmd_status() {
  local node pid state version down=0 nodes
  nodes=$(known_nodes)
  if [[ -z "${nodes}" ]]; then
    echo "no nodes (hack/nodes.sh start)"
    return 1
  fi
  printf '%-8s %-8s %-8s %-16s %-12s %s\n' NODE STATE PID DOCKER ENGINE SOCKET
  for node in ${nodes}; do
    pid=$(daemon_pid "${node}")
    version=$(docker_cli "${node}" version --format '{{.Server.Version}}' 2>/dev/null || true)
    if [[ -n "${version}" ]]; then
      state=running
    else
      state=down
      down=1
    fi
    printf '%-8s %-8s %-8s %-16s %-12s %s\n' "${node}" "${state}" "${pid:--}" "${version:--}" "$(node_engine "${node}")" "$(socket_path "${node}")"
  done
  return "${down}"
}

cmd_stop_node() {
  local node=$1
  node_index "${node}" >/dev/null
  stop_daemon "${node}"
  log "${node}: dockerd stopped (namespace and data kept)"
}

cmd_start_node() {
  local node=$1 engine=${2:-}
  node_index "${node}" >/dev/null
  [[ -z "${engine}" ]] || check_engine "${engine}"
  if [[ -n "$(daemon_pid "${node}")" ]] && daemon_answers "${node}"; then
    log "${node}: already running"
    return 0
  fi
  engine=${engine:-$(node_engine "${node}")}
  fetch_engines "${engine}"
  stop_daemon "${node}" # leftovers of a crash
  STORAGE_DRIVER=$(storage_driver)
  ensure_netns "${node}"
  launch_daemon "${node}" "${engine}"
  wait_daemon "${node}" || die "${node}: failed to start"
  import_image "${node}"
  log "${node}: ready on Engine ${engine} on $(socket_path "${node}")"
}

main() {
  [[ ${EUID} -eq 0 ]] || die "must run as root (network namespaces, dockerd)"
  [[ -x /usr/sbin/dockerd && -x "${SYSTEM_DOCKER}" ]] || die "/usr/sbin/dockerd / ${SYSTEM_DOCKER} missing: run hack/install-deps.sh"
  local cmd=${1:-}
  shift || true
  # Serialize concurrent invocations (e.g. two test JVMs); daemons are started with fd 9 closed.
  mkdir -p "$(dirname "${STATE_ROOT}")"
  exec 9>"${STATE_ROOT}.lock"
  flock -w 300 9 || die "another hack/nodes.sh holds ${STATE_ROOT}.lock"
  case "${cmd}" in
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    restart-node)
      [[ $# -eq 1 || $# -eq 2 ]] || die "usage: $0 restart-node <node> [ENGINE]"
      [[ -z "${2:-}" ]] || check_engine "$2"
      cmd_stop_node "$1"
      cmd_start_node "$@"
      ;;
    stop-node)
      [[ $# -eq 1 ]] || die "usage: $0 stop-node <node>"
      cmd_stop_node "$1"
      ;;
    start-node)
      [[ $# -eq 1 || $# -eq 2 ]] || die "usage: $0 start-node <node> [ENGINE]"
      cmd_start_node "$@"
      ;;
    engine)
      [[ $# -eq 1 ]] || die "usage: $0 engine <node>"
      node_index "$1" >/dev/null
      node_engine "$1"
      ;;
    socket)
      [[ $# -eq 1 ]] || die "usage: $0 socket <node>"
      node_index "$1" >/dev/null
      socket_path "$1"
      echo
      ;;
    *)
      sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
