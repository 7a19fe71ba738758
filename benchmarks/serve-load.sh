#!/usr/bin/env bash
# Load runs of `recsys4j serve` with wrk, client and server on this machine, loopback only.
# Every run is bounded in time (-d) and in requests (each wrk thread stops after its share).
# Prints wrk's figures, then the CPU time per request of the server and of wrk.
#
#   benchmarks/serve-load.sh titles   # the retrieval tutorial's bundle: 1,664 titles, brute force
#   benchmarks/serve-load.sh scann    # 1,000,000 candidates through the ScaNN index
#   benchmarks/serve-load.sh reload   # titles, with version 2 published 20 s into the run
#   benchmarks/serve-load.sh jdk-httpserver   # titles, the same :recommend behind the JDK's HttpServer
#                                             # (JdkHttpServerProbe), to compare the HTTP library
#
# Settings (environment): CONNECTIONS (32), THREADS (2), RUN_SECONDS (60), MAX_REQUESTS (5,000,000),
# WARMUP_SECONDS (10), K (10), DATA (../shared/data/ml-100k), WORK (target/serve-load),
# RECSYS4J_JAVA_OPTS (passed to the server's JVM; e.g. -Dorg.slf4j.simpleLogger.log.org.recsys4j.serving.access=warn
# turns the access log off), PROBE_THREADS (the JDK HttpServer's worker threads, 8).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scenario="${1:?name a scenario: titles, scann or reload}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-2}"
seconds="${RUN_SECONDS:-60}"
max_requests="${MAX_REQUESTS:-5000000}"
warmup="${WARMUP_SECONDS:-10}"
k="${K:-10}"
data="${DATA:-$root/../shared/data/ml-100k}"
work="${WORK:-$root/benchmarks/target/serve-load}"
lua="$root/benchmarks/src/main/wrk/recommend.lua"
command -v wrk >/dev/null || { echo "serve-load: wrk not found (apt-get install wrk)" >&2; exit 1; }
mkdir -p "$work"

# The model directories, made once and reused.
titles="$work/titles"
if [ ! -d "$titles/1" ]; then
  echo "serve-load: training the retrieval tutorial's bundle ..." >&2
  "$root/recsys4j" retrieval --data-dir "$data" --output-dir "$work/train" >&2
  mkdir -p "$titles" && cp -r "$work/train/retrieval" "$titles/.1" && mv "$titles/.1" "$titles/1"
fi
scann="$work/scann"
# efficient-serving's report says which setting it published and that setting's recall@10 against
# brute force (in-process, 300 users); a bundle without that report (an older build) is built again
scann_report="$work/scann-report.json"
if [ "$scenario" = scann ] && { [ ! -d "$scann/1" ] || [ ! -f "$scann_report" ]; }; then
  echo "serve-load: building the 1,000,000-candidate ScaNN bundle (efficient-serving, a few minutes) ..." >&2
  rm -rf "$scann" "$scann_report"
  "$root/recsys4j" efficient-serving --data-dir "$data" --output-dir "$work/train" \
    --search 30:100,40:100,50:100 --publish "$scann" --report "$scann_report.tmp" >&2
  mv "$scann_report.tmp" "$scann_report"
fi
case "$scenario" in
  titles|jdk-httpserver) dir="$titles" ;;
  scann) dir="$scann" ;;
  reload) dir="$work/reload"; rm -rf "$dir"; mkdir -p "$dir"; cp -r "$titles/1" "$dir/1" ;;
  *) echo "serve-load: unknown scenario $scenario" >&2; exit 2 ;;
esac

log="$work/server-$scenario.log"
if [ "$scenario" = jdk-httpserver ]; then
  bench="$root/benchmarks/target"
  [ -d "$bench/lib" ] || (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests) >&2
  java ${RECSYS4J_JAVA_OPTS:-} --add-modules jdk.incubator.vector \
    -cp "$bench/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:$bench/lib/*" org.recsys4j.serving.JdkHttpServerProbe \
    "$dir" "${PROBE_THREADS:-8}" > "$work/server-$scenario.out" 2> "$log" &
else
  "$root/recsys4j" serve --model-dir "$dir" --port 0 --poll-seconds 1 > "$work/server-$scenario.out" 2> "$log" &
fi
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  port=$(sed -nE 's|.* on http://127\.0\.0\.1:([0-9]+)/$|\1|p' "$work/server-$scenario.out" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.5
done
[ -n "${port:-}" ] || { echo "serve-load: the server did not start; see $log" >&2; exit 1; }
url="http://127.0.0.1:$port"
curl -sf "$url/readyz" >/dev/null
per_thread=$(( max_requests / threads ))

echo "serve-load: $scenario on $url: warm-up ${warmup}s" >&2
wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$lua" "$url" -- "$per_thread" \
  "/v1/models/retrieval:recommend" "$k" > "$work/warmup-$scenario.txt"

if [ "$scenario" = reload ]; then
  ( sleep 20; cp -r "$dir/1" "$dir/.incoming"; mv "$dir/.incoming" "$dir/2"
    echo "serve-load: published version 2 at $(date +%T)" >&2 ) &
fi
echo "load average before: $(cat /proc/loadavg)"
if [ "$scenario" = scann ]; then
  # the "published" object: its parameters, then recall_at_10
  published=$(tr -d ' \n' < "$scann_report" | sed -nE 's/.*"published":\{(.*)\},"machine".*/\1/p')
  leaves=$(sed -nE 's/.*"num_leaves_to_search":([0-9]+).*/\1/p' <<< "$published")
  reorder=$(sed -nE 's/.*"num_reordering_candidates":([0-9]+).*/\1/p' <<< "$published")
  recall=$(sed -nE 's/.*"recall_at_10":([0-9.]+).*/\1/p' <<< "$published")
  echo "index: ScaNN searching $leaves leaves, reordering $reorder; recall@10 $recall against brute force" \
    "(efficient-serving, in-process; $scann_report)"
fi
echo "wrk -t$threads -c$connections -d${seconds}s --latency (at most $max_requests requests), top $k, $(nproc) processors"
# CPU per request, for server and wrk (user + system, from /proc and bash's `time`): a yardstick that
# other load on the machine changes far less than requests/s
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
server_before=$(ticks)
run_out="$work/wrk-$scenario.txt"
TIMEFORMAT='%U %S'
{ time wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$lua" "$url" -- "$per_thread" \
  "/v1/models/retrieval:recommend" "$k" > "$run_out"; } 2> "$work/wrk-$scenario.cpu"
server_after=$(ticks)
cat "$run_out"
echo "load average after: $(cat /proc/loadavg)"
served=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' "$run_out")
if [ -n "$served" ] && [ "$served" -gt 0 ]; then
  hz=$(getconf CLK_TCK)
  read -r wrk_user wrk_sys < "$work/wrk-$scenario.cpu"
  awk -v s=$(( server_after - server_before )) -v hz="$hz" -v u="$wrk_user" -v y="$wrk_sys" -v n="$served" \
    'BEGIN { printf "CPU per request: server %.1f us, wrk %.1f us (user + system over the run)\n", s / hz * 1e6 / n, (u + y) * 1e6 / n }'
fi
echo "version status: $(curl -s "$url/v1/models/retrieval")"
echo "server errors logged: $(grep -c -E ' (5[0-9][0-9]) [0-9.]+ms$' "$log" || true) requests answered 5xx"
