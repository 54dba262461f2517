#!/usr/bin/env bash
# Benchmarks of dockernet-operator against the tools users would pick instead (issue 6).
# Not part of the test suite and not run by CI.
#
# Usage: sudo bench/run.sh [--update-docs] [--jar PATH] [bench.py options]
#   --update-docs        write the figures into docs/benchmarks.md, docs/benchmarks.png and
#                        docs/benchmarks.json (the generated block only)
#   --jar PATH           benchmark this operator jar (lib/ beside it) instead of building HEAD
#   --idle-seconds N     idle window (default 300; e.g. 30 while developing)
#   --change-trials N    single-change trials (default 60), --drift-trials N (default 50)
#   --skip-ansible, --skip-compose, --nodes N, --networks N, --attachments N, --containers N
#   --java-opts "..."    JVM options of the operator processes after the image's (operator/jvm.options
#                        and MALLOC_ARENA_MAX=2, as in the Dockerfile); default -XX:MaxRAM=384m: the
#                        JVM sizes itself as under the Helm chart's 384Mi limit
#   --cds-archive ""     without the class-data sharing archive the image has (made beside the jar
#                        by operator/cds-archive.sh, as the Dockerfile does)
#   (bench/bench.py --help lists everything)
#
# What it does: installs what is missing (Debian: the test bed packages, ansible, docker-compose,
# python3-matplotlib), builds the operator from the committed HEAD in a scratch copy (so a build or
# test running in the work tree is not disturbed, and the figures name a commit), waits for and
# holds the test bed session lock (/run/dockernet-testbed.session.lock) for the whole run, uses the
# node daemons node-a..node-e (starting them if they are not running, and stopping afterwards only
# those it started), starts its own throwaway control plane on loopback (ports 26443/22379), runs
# the five scenarios, and removes every bench-* container and network it made.
#
# Output: bench/results/<timestamp>/{results.json,report.md,chart.png,*.log}. About 25 minutes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${ROOT}"
[[ ${EUID} -eq 0 ]] || { echo "bench/run.sh must run as root (it drives Docker daemons)" >&2; exit 1; }

ORIGINAL_ARGS="$*"
UPDATE_DOCS=0
JAR=""
ARGS=()
while (($#)); do
  case "$1" in
    --update-docs) UPDATE_DOCS=1 ;;
    --jar) JAR=$(realpath "$2"); shift ;;
    --jar=*) JAR=$(realpath "${1#--jar=}") ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done

log() { printf '[bench] %s\n' "$*"; }

log "installing what is missing"
bash hack/install-deps.sh >/dev/null
missing=()
for pkg in ansible docker-compose python3-matplotlib; do
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "${pkg}" 2>/dev/null || true)" == installed ]] || missing+=("${pkg}")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
bash hack/install-kube-binaries.sh >/dev/null

COMMIT=$(git rev-parse --short=12 HEAD)
SCRATCH=/var/tmp/dockernet-bench
if [[ -z "${JAR}" ]]; then
  SRC="${SCRATCH}/build-${COMMIT}"
  JAR="${SRC}/operator/target/dockernet-operator.jar"
  # one scratch build per commit; older ones go
  find "${SCRATCH}" -mindepth 1 -maxdepth 1 -name 'build-*' ! -name "build-${COMMIT}" -exec rm -rf {} + 2>/dev/null || true
  if [[ ! -f "${JAR}" ]]; then
    log "building the operator at ${COMMIT} (committed HEAD) in ${SRC}"
    rm -rf "${SRC}"
    mkdir -p "${SRC}"
    git archive --format=tar HEAD | tar -x -C "${SRC}"
    (cd "${SRC}" && mvn -B -q -ntp -Dmaven.test.skip=true -Dspotless.check.skip=true package)
  fi
  CRDS="${SRC}/helm/dockernet-operator/crds"
  JVM_OPTIONS="${SRC}/operator/jvm.options"
  CDS_SCRIPT="${SRC}/operator/cds-archive.sh"
  CDS_START="${SRC}/operator/cds-start.classlist"
  BUILD="${COMMIT}"
else
  CRDS="${ROOT}/helm/dockernet-operator/crds"
  JVM_OPTIONS="${ROOT}/operator/jvm.options"
  CDS_SCRIPT="${ROOT}/operator/cds-archive.sh"
  CDS_START="${ROOT}/operator/cds-start.classlist"
  BUILD="${JAR}"
fi
[[ -f "${JAR}" && -d "$(dirname "${JAR}")/lib" ]] || { echo "no jar with lib/ at ${JAR}" >&2; exit 1; }
# The class-data sharing archive, made as the Dockerfile makes the image's.
CDS_ARCHIVE="$(dirname "${JAR}")/dockernet.jsa"
if [[ ! -f "${CDS_ARCHIVE}" || "${JAR}" -nt "${CDS_ARCHIVE}" ]]; then
  log "making the class-data sharing archive ${CDS_ARCHIVE}"
  rm -f "${CDS_ARCHIVE}"
  MALLOC_ARENA_MAX=2 sh "${CDS_SCRIPT}" "${JVM_OPTIONS}" "${JAR}" "${CDS_ARCHIVE}" "${CDS_START}"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="${ROOT}/bench/results/${STAMP}"
mkdir -p "${OUT}"
log "results go to ${OUT}"

# Debian's python3 (it has matplotlib), not whatever `python3` is first on PATH. Ctrl-C reaches
# bench.py, which cleans up; tee keeps logging until it has.
set +e
/usr/bin/python3 -u bench/bench.py \
  --jar "${JAR}" --crds "${CRDS}" --jvm-options "${JVM_OPTIONS}" --cds-archive "${CDS_ARCHIVE}" \
  --repo "${ROOT}" --workdir "${OUT}" \
  --build-info "${BUILD}" --command "sudo bench/run.sh${ORIGINAL_ARGS:+ ${ORIGINAL_ARGS}}" \
  "${ARGS[@]}" 2>&1 | (trap '' INT TERM; tee "${OUT}/bench.log")
rc=${PIPESTATUS[0]}
set -e
((rc == 0)) || { log "bench.py failed (exit ${rc}); partial results in ${OUT}"; exit "${rc}"; }
if ((UPDATE_DOCS)); then
  /usr/bin/python3 bench/report.py "${OUT}" --update-docs "${ROOT}"
fi
log "done: ${OUT}/report.md"
