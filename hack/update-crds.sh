#!/usr/bin/env bash
# Copies the CRDs the build generated from the Java API classes into crds/ (checked in).
# CrdFilesTest fails the build when crds/ and the generated files differ: run this, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
generated=operator/target/classes/META-INF/fabric8
# Generated in process-test-classes (operator/pom.xml, generate-crds), from the current sources.
mvn -B -q -ntp -pl operator process-test-classes -Dspotless.check.skip=true
for f in "$generated"/*.dockernet.io-v1.yml; do
  name=$(basename "$f" -v1.yml)
  cp "$f" "crds/$name.yaml"
  echo "crds/$name.yaml"
done
