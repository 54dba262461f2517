#!/bin/sh
# Makes the operator's class-data sharing archive: a training run (`training-run`: both roles
# start once against an API server and a Docker daemon that are not there) lists the classes a
# start loads, then the JVM dumps them, with the JDK's own, into one archive that `java
# -XX:SharedArchiveFile=...` maps at start instead of reading, parsing and verifying those classes
# from the jars. The Dockerfile runs this in the image; bench/run.sh beside the jar it measures.
#
# Usage: cds-archive.sh JVM_OPTIONS_FILE JAR ARCHIVE
#
# An archive is valid only for the JVM build and the jar files (path, size, time) it was made
# with; the JVM ignores one that does not match and loads from the jars as without it.
set -eu
OPTIONS=${1:?usage: $0 JVM_OPTIONS_FILE JAR ARCHIVE}
JAR=${2:?usage: $0 JVM_OPTIONS_FILE JAR ARCHIVE}
ARCHIVE=${3:?usage: $0 JVM_OPTIONS_FILE JAR ARCHIVE}
LIST=$(mktemp)
trap 'rm -f "$LIST" "$LIST.log"' EXIT
# The run's log is its failed connections, shown only when it fails itself.
java @"$OPTIONS" -XX:DumpLoadedClassList="$LIST" -jar "$JAR" training-run >"$LIST.log" 2>&1 ||
  { cat "$LIST.log" >&2; exit 1; }
# -Xlog: the dump's warnings name every class it skips (JFR events, one Netty class that only
# verifies with Conscrypt present); they are expected and not worth a build log page.
java @"$OPTIONS" -Xshare:dump -Xlog:cds=error -XX:SharedClassListFile="$LIST" \
  -XX:SharedArchiveFile="$ARCHIVE" -jar "$JAR"
