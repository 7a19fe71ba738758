#!/usr/bin/env bash
# The scaling benchmark of issue 13 (item 6): load, vocabulary, epochs beside their floor,
# evaluation and peak memory at growing sizes of a MovieLens-25M-shaped synthetic table.
#
#   benchmarks/scaling.sh                       # the quick run: 100k and 1M interactions (minutes)
#   benchmarks/scaling.sh --sizes 100k,1m,5m,25m --max-steps 300 --report scaling.json
#
# Every option goes to ScalingBenchmark (--help lists them). Settings (environment): DATA (where the
# synthetic tables are written and reused, default target/scaling-data), HEAP (the JVM's -Xmx, 4g).
# The build never runs this; it builds the benchmarks module first (package, no tests).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests
data="${DATA:-benchmarks/target/scaling-data}"
exec java --add-modules jdk.incubator.vector -Xmx"${HEAP:-4g}" \
  -cp "benchmarks/target/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  org.recsys4j.benchmarks.ScalingBenchmark --data "$data" "$@"
