#!/bin/sh
# Makes the operator's class-data sharing archive: the JVM dumps the classes a start loads, with
# the JDK's own, into one archive that `java -XX:SharedArchiveFile=...` maps at start instead of
# reading, parsing and verifying those classes from the jars. The Dockerfile runs this in the
# image; bench/run.sh beside the jar it measures.
#
# Which classes: what a training run lists (`training-run`: both roles start once against an API
# server and a Docker daemon that are not there, so it always matches this build), and what a real
# start loads beyond that (START_CLASSLIST, operator/cds-start.classlist, written by
# hack/update-cds-classlist.sh: the informers, TLS, the Kubernetes models, the reconcilers).
#
# Usage: cds-archive.sh JVM_OPTIONS_FILE JAR ARCHIVE [START_CLASSLIST]
#
# An archive is valid only for the JVM build and the jar files (path, size, time) it was made
# with; the JVM ignores one that does not match and loads from the jars as without it. A class
# the lists name that this build does not have is skipped.
set -eu
OPTIONS=${1:?usage: $0 JVM_OPTIONS_FILE JAR ARCHIVE [START_CLASSLIST]}
JAR=${2:?usage: $0 JVM_OPTIONS_FILE JAR ARCHIVE [START_CLASSLIST]}
ARCHIVE=${3:?usage: $0 JVM_OPTIONS_FILE JAR ARCHIVE [START_CLASSLIST]}
START=${4:-/dev/null}
LIST=$(mktemp)
trap 'rm -f "$LIST" "$LIST.log" "$LIST.all"' EXIT
# The run's log is its failed connections, shown only when it fails itself.
java @"$OPTIONS" -XX:DumpLoadedClassList="$LIST" -jar "$JAR" training-run >"$LIST.log" 2>&1 ||
  { cat "$LIST.log" >&2; exit 1; }
awk '!/^#/ && !seen[$0]++' "$LIST" "$START" >"$LIST.all"
# -Xlog: the dump's warnings name every class it skips (JFR events, one Netty class that only
# verifies with Conscrypt present, what a stale START_CLASSLIST names); they are expected and not
# worth a build log page.
java @"$OPTIONS" -Xshare:dump -Xlog:cds=error -XX:SharedClassListFile="$LIST.all" \
  -XX:SharedArchiveFile="$ARCHIVE" -jar "$JAR"
