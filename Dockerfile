# dockernet-operator: one image for both roles. The role comes from the first argument
# (`--role agent|controller|all`) or DOCKERNET_ROLE (default: agent); the Helm chart passes
# `--role` per workload.
#
# Build the jar first, then the image from the repository root:
#   mvn -B -pl operator package -DskipTests
#   docker build -t dockernet/dockernet-operator:0.1.0 .
# BASE_IMAGE is any Java runtime from 17.0.9 on with `java` on PATH (operator/jvm.options uses
# -XX:TrimNativeHeapInterval). Without a registry, hack/offline-jre-image.sh makes one from the
# local JDK (that is how ImageIT builds this file).
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}

COPY operator/target/lib/ /opt/dockernet/lib/
COPY operator/target/dockernet-operator.jar /opt/dockernet/dockernet-operator.jar
COPY operator/jvm.options /opt/dockernet/jvm.options

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
ENTRYPOINT ["java", "@/opt/dockernet/jvm.options", "-jar", "/opt/dockernet/dockernet-operator.jar"]
