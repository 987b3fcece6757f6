# Sourced by bench scripts and bench/fake-pentaract (not a benchmark itself).
# Finds a JDK >= 21 the way ./scoutbot does and builds the test classpath (main + test classes and
# every dependency), so test-tree programs (the fake Pentaract, discard sinks, bench clients) run.

find_jdk() {
  local c
  for c in "${JAVA_HOME:-}/bin/java" "$(command -v java 2>/dev/null || true)" \
      $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    [ -n "$c" ] && [ -x "$c" ] || continue
    local v
    v="$("$c" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | cut -d. -f1)"
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null && [ -x "$(dirname "$c")/javac" ]; then
      JAVA_BIN="$c"
      export JAVA_HOME="$(dirname "$(dirname "$c")")"
      return 0
    fi
  done
  echo "needs a JDK 21 or newer (JAVA_HOME or /usr/lib/jvm)" >&2
  exit 2
}

# Prints the classpath; compiles the test tree first when needed.
test_classpath() {
  local root="$1"
  (cd "$root" && ./mvnw -q -B -DskipTests test-compile >&2 \
    && ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test \
         -Dmdep.outputFile=target/test-classpath.txt >&2)
  echo "$root/target/test-classes:$root/target/classes:$(cat "$root/target/test-classpath.txt")"
}
