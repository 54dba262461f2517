#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and integration tests (*IT) against a real kube-apiserver +
# etcd and one real Docker daemon per simulated node, on a mix of Engines (20.10, 26.1.5, 28.5.2
# refusing API versions below 1.44). Installs and fetches what they need first; the test harness
# starts the node daemons (hack/nodes.sh) and stops the ones it started when it ends.
#
# Usage: hack/test.sh [extra mvn arguments, e.g. -Dit.test=DockerNetworkIT]
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "hack/test.sh must run as root (it starts Docker daemons)" >&2; exit 1; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=/usr/local/go/bin:$PATH

bash hack/install-deps.sh
bash hack/install-kube-binaries.sh
bash hack/engines.sh fetch # the test bed's newer Docker Engines (cached after the first fetch)
bash hack/install-gitops-check.sh
mvn -B -ntp verify "$@"
