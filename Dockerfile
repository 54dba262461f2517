# dockernet-operator: one image for both roles. The role comes from the first argument
# (`--role agent|controller|all`) or DOCKERNET_ROLE (default: agent); the Helm chart passes
# `--role` per workload.
#
# From a clean clone, at the repository root (README "Install"):
#   docker build -t registry.example/dockernet-operator:0.1.0 \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
#
# BUILD_IMAGE: any Maven 3.9 with a JDK 17 (the build stage runs `mvn package`, downloading what
# it needs unless the image's settings.xml says offline). BASE_IMAGE: any Java runtime from 17.0.9
# on with `java` on PATH (operator/jvm.options uses -XX:TrimNativeHeapInterval). Without a
# registry, hack/offline-build-image.sh and hack/offline-jre-image.sh make both from the local JDK,
# Maven and Maven repository (that is how ImageIT builds this file).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG BASE_IMAGE=eclipse-temurin:17-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# The poms first: their dependencies stay in a cached layer while only the sources change.
COPY pom.xml ./
COPY operator/pom.xml operator/
RUN mvn -B -ntp -q -pl operator dependency:resolve -Dmaven.test.skip=true -DincludeScope=runtime
COPY operator/src/main operator/src/main
# Tests, CRD generation and the formatting check belong to CI (`mvn verify`), not the image.
RUN mvn -B -ntp -pl operator package -Dmaven.test.skip=true -Dspotless.check.skip=true

FROM ${BASE_IMAGE}
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG SOURCE=https://github.com/dockernet/dockernet-operator
# SPDX expression of the project's licence; NOASSERTION until the repository states one.
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="dockernet-operator" \
      org.opencontainers.image.description="Docker networks and container attachments as Kubernetes objects" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="${LICENSES}"

COPY --from=build /src/operator/target/lib/ /opt/dockernet/lib/
COPY --from=build /src/operator/target/dockernet-operator.jar /opt/dockernet/dockernet-operator.jar
COPY operator/jvm.options operator/cds-archive.sh operator/cds-start.classlist /opt/dockernet/
# Class-data sharing: the classes a start loads, parsed and verified once here, mapped at every
# start (operator/cds-archive.sh; measured in docs/benchmarks.md).
RUN sh /opt/dockernet/cds-archive.sh /opt/dockernet/jvm.options \
      /opt/dockernet/dockernet-operator.jar /opt/dockernet/dockernet.jsa \
      /opt/dockernet/cds-start.classlist

# Non-root by default (65532, the usual "nonroot"). The agent reaches the node's Docker socket only
# through a supplemental group: the socket's GID (chart value docker.groupId).
USER 65532:65532
# MALLOC_ARENA_MAX: at most two glibc malloc arenas (the default, up to 8 per core, mostly holds
# memory that native code freed). bench/testbed.py sets the same for its operator processes.
ENV DOCKERNET_ROLE=agent \
    HTTP_PORT=8080 \
    MALLOC_ARENA_MAX=2
# /metrics, /healthz, /readyz
EXPOSE 8080

# JVM options: operator/jvm.options (small footprint; the heap follows the container's memory
# limit; an OOM ends the process so the pod restarts). JAVA_TOOL_OPTIONS can add options but not
# change these, since the command line comes after it (helm/dockernet-operator/README.md).
ENTRYPOINT ["java", "@/opt/dockernet/jvm.options", "-XX:SharedArchiveFile=/opt/dockernet/dockernet.jsa", \
            "-jar", "/opt/dockernet/dockernet-operator.jar"]
