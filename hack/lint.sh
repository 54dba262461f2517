#!/usr/bin/env bash
# Lints what the Java build does not: every shell script (shellcheck) and the benchmark's Python
# (pyflakes, with Debian's python3 that bench/run.sh uses). `mvn verify` runs it; hack/install-deps.sh
# installs both tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in shellcheck /usr/bin/python3; do
  command -v "${tool}" >/dev/null || {
    echo "hack/lint.sh: ${tool} is missing: run hack/install-deps.sh" >&2
    exit 1
  }
done
shellcheck -x hack/*.sh bench/run.sh .ci/run
/usr/bin/python3 -m pyflakes bench/*.py
echo "hack/lint.sh: scripts and bench clean"
