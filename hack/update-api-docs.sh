#!/usr/bin/env bash
# Regenerates docs/api.md from the chart's crds/ (run after hack/update-crds.sh). ApiReferenceTest fails the
# build while docs/api.md and the CRDs differ.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl operator test -Dspotless.check.skip=true -Dtest=ApiReferenceTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dapi.docs.update=true
echo docs/api.md
