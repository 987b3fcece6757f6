# Sourced by benchmarks: sets java_bin to a Java 21+ binary, searched like the launcher does
# (JAVA_HOME, java on PATH, then /usr/lib/jvm newest first), or exits with status 2.
java_bin=""
for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} "$(command -v java || true)" \
    $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
  [ -x "$c" ] || continue
  v="$("$c" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}' | cut -d. -f1)"
  if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then java_bin="$c"; break; fi
done
[ -n "$java_bin" ] || { echo "needs Java 21 or newer" >&2; exit 2; }
