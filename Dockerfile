# ScoutBot storage service image. Build:   docker build -t scoutbot .
# Where the registry's images cannot be pulled, name others with the two build arguments (any
# glibc-based image with bash and useradd; a JDK 21+ for BUILD_IMAGE, a JRE 21+ for BASE_IMAGE,
# JAVA_HOME set or java on PATH): bench/container.sh builds both from Debian packages and jlink.
# Why the JVM flags are what they are: docs/operations.md, "Container image".
ARG BUILD_IMAGE=eclipse-temurin:25-jdk
ARG BASE_IMAGE=eclipse-temurin:25-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY src/main src/main
# the Maven wrapper fetches Maven and the dependencies from Maven Central (or finds them in a
# mounted /root/.m2)
RUN ./mvnw -B -q -DskipTests package

FROM ${BASE_IMAGE}
# A fixed uid/gid, so that a bind-mounted data folder can be given to it (chown 10001:10001 DIR).
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home scoutbot \
 && mkdir -p /data /app/target \
 && chown scoutbot:scoutbot /data
COPY scoutbot /app/scoutbot
COPY --from=build /src/target/scoutbot.jar /app/target/scoutbot.jar
# The AOT cache for this image's Java (JDK 25+; older runtimes simply start without one), trained
# here as the launcher's first run would, with a fixed heap so that its compressed-pointer layout
# fits the heap any container limit gives. At run time /app is read-only to the service user and the
# launcher never writes to it.
RUN JAVA_OPTS=-Xmx256m /app/scoutbot --help >/dev/null

# MaxRAMPercentage=50: heap at half the container's limit leaves the other half for the JVM's own
# memory (metaspace, code cache, threads, GC), native I/O buffers, SQLite, and a second JVM for a
# one-shot command or the health check; ExitOnOutOfMemoryError lets the restart policy replace a
# JVM that ran out of heap instead of leaving it half-working. The launcher adds its heap-shrinking
# flags (SCOUTBOT_JVM_DEFAULTS) before these.
ENV DATA_DIR=/data \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
VOLUME /data
WORKDIR /data
USER scoutbot

# The health check is a one-shot `status`, which needs no HTTP client in the image (GET /health of
# the status server would): it exits 1 when the database or the storage backend is down (or the
# configuration is bad). A small heap and no sampler (no 2 s wait for a CPU figure) keep this
# second JVM cheap; the launcher runs it with C1 only.
HEALTHCHECK --interval=60s --timeout=30s --start-period=60s --retries=3 \
  CMD ["env", "RESOURCE_MONITORING_ENABLED=false", "JAVA_OPTS=-Xmx48m", "/app/scoutbot", "status", "--json"]

ENTRYPOINT ["/app/scoutbot"]
CMD ["serve"]
