#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and integration tests (*IT) against a real kube-apiserver +
# etcd and one real Docker daemon per simulated node. Installs and starts what they need first,
# and stops the node daemons again at the end.
#
# Usage: hack/test.sh [extra mvn arguments, e.g. -Dit.test=DockerNetworkIT]
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "hack/test.sh must run as root (it starts Docker daemons)" >&2; exit 1; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH=/usr/local/go/bin:$PATH

bash hack/install-deps.sh
bash hack/install-kube-binaries.sh
trap 'bash hack/nodes.sh stop' EXIT
bash hack/nodes.sh start 3
mvn -B -ntp verify "$@"
