#!/usr/bin/env bash
# Regenerates README.md's phase tables (API section) and per-node reason tables (Troubleshooting),
# each between its "generated:" markers, from NetworkReason, AttachmentReason and NodeReason.
# ReasonReferenceTest fails the build while the README and the enums differ.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -pl operator test -Dspotless.check.skip=true -Dtest=ReasonReferenceTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dreason.docs.update=true
echo README.md
