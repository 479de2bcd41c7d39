# Sourced by ./mvnw and bin/mediaup (POSIX sh). Exports JAVA_HOME pointing at a JDK 25+:
# JAVA_HOME if it already is one, else a JDK 25+ under /usr/lib/jvm (MEDIAUP_JVM_ROOT; Temurin first), else a clear error.
mediaup_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
mediaup_find_jdk() {
  jvms=${MEDIAUP_JVM_ROOT:-/usr/lib/jvm}
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(mediaup_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME; return 0; fi
  fi
  # find, not a glob: ./mvnw runs under `set -f`. Temurin first, then the rest, newest names first.
  for d in $(find "$jvms" -mindepth 1 -maxdepth 1 -name "temurin-*" 2>/dev/null | sort -r) $(find "$jvms" -mindepth 1 -maxdepth 1 2>/dev/null | sort -r); do
    [ -x "$d/bin/java" ] || continue
    v=$(mediaup_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then JAVA_HOME="$d"; export JAVA_HOME; return 0; fi
  done
  echo "mediaup: JDK 25 or newer is required. Set JAVA_HOME to a JDK 25+ (looked at JAVA_HOME='${JAVA_HOME-}' and $jvms/*)." >&2
  return 1
}
mediaup_find_jdk || exit 1
