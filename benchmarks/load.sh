#!/usr/bin/env bash
# The load benchmark of issue 13 (goals: CSV >= 4 million rows/s, Parquet >= 6 million into encoded
# int[] columns): builds, then runs LoadBenchmark on N synthetic MovieLens-25M-shaped interactions.
#
#   benchmarks/load.sh                            # 5,000,000 rows: 2 warm-up loads, then 5 counted
#   benchmarks/load.sh 5000000 5 before,as-is 2   # ROWS LOADS VARIANTS WARMUP (see LoadBenchmark)
#
# The JVM gets the launcher's huge pages for its heap (-XX:+UseTransparentHugePages; see ./recsys4j).
# LOAD_JAVA_OPTS come after it, so LOAD_JAVA_OPTS=-XX:-UseTransparentHugePages measures without.
# The build never runs this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl benchmarks -am package -DskipTests
exec java -XX:+UseTransparentHugePages ${LOAD_JAVA_OPTS:-} \
  -cp "benchmarks/target/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  org.recsys4j.benchmarks.LoadBenchmark "$@"
