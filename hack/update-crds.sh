#!/usr/bin/env bash
# Copies the CRDs the build generated from the Java API classes into the chart's crds/, the one
# checked-in copy (Helm installs it; hack/run.sh, the tests and the bench apply it).
# CrdFilesTest fails the build when it and the generated files differ: run this, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
generated=operator/target/classes/META-INF/fabric8
chart_crds=helm/dockernet-operator/crds
# Generated in process-test-classes (operator/pom.xml, generate-crds), from the current sources.
mvn -B -q -ntp -pl operator process-test-classes -Dspotless.check.skip=true
for f in "$generated"/*.dockernet.io-v1.yml; do
  cp "$f" "$chart_crds/"
  echo "$chart_crds/$(basename "$f")"
done
