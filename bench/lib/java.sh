# Sourced by bench scripts and bench/fake-pentaract (not a benchmark itself).
# find_jdk: sets JAVA_BIN (and JAVA_HOME) to the JDK the launcher picks (./scoutbot --print-java),
# so benchmarks run on the same Java as the service. test_classpath: main + test classes and every
# dependency, so test-tree programs (the fake Pentaract, discard sinks, bench clients) run.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

find_jdk() {
  JAVA_BIN="$("$bench_root/scoutbot" --print-java)" || exit 2
  export JAVA_HOME
  JAVA_HOME="$(dirname "$(dirname "$JAVA_BIN")")"
}

# Prints the classpath; compiles the test tree first when needed.
test_classpath() {
  local root="$1"
  (cd "$root" && ./mvnw -q -B -DskipTests test-compile >&2 \
    && ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test \
         -Dmdep.outputFile=target/test-classpath.txt >&2)
  echo "$root/target/test-classes:$root/target/classes:$(cat "$root/target/test-classpath.txt")"
}
