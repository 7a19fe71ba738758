#!/usr/bin/env bash
# The scaling benchmark of issue 13 (item 6): load, vocabulary, epochs beside their floor,
# evaluation and peak memory at growing sizes of a MovieLens-25M-shaped synthetic table.
#
#   benchmarks/scaling.sh                       # the quick run: 100k and 1M interactions (minutes)
#   benchmarks/scaling.sh --sizes 100k,1m,5m,25m --max-steps 200 --report scaling.json
#
# Each size's table is written once by `recsys4j synth` (users in MovieLens 25M's proportion, all
# 59,047 items, seed 42) under DATA (default benchmarks/target/scaling-data) and reused by later
# runs. Each trainer's epoch is set beside its floor in its own kernels (OpenBLAS for nd4j, TensorFlow's
# for tensorflow). Every other option goes to ScalingBenchmark (--help lists them). HEAP: the JVM's -Xmx (4g);
# the heap gets huge pages as in ./recsys4j.
# The build never runs this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data="${DATA:-benchmarks/target/scaling-data}"
sizes="100k,1m"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --sizes) sizes="${args[$((i + 1))]}" ;;
    --sizes=*) sizes="${args[$i]#--sizes=}" ;;
  esac
done
mvn -B -q -pl benchmarks -am package -DskipTests
for size in ${sizes//,/ }; do
  case "$size" in
    25m) rows=25000095 ;;
    *k) rows=$(( ${size%k} * 1000 )) ;;
    *m) rows=$(( ${size%m} * 1000000 )) ;;
    *) rows="$size" ;;
  esac
  out="$data/synth-$rows"
  if [ ! -f "$out/interactions.csv" ]; then
    users=$(( (162541 * rows + 12500047) / 25000095 ))  # rounded, as ScalingRun.users
    ./recsys4j synth --users "$users" --items 59047 --interactions "$rows" --sample-users 1000 --out "$out"
  fi
done
# TensorFlow's floor times one intra-op thread per session beside the default: TensorFlow gives a
# session its own intra-op pool only with this set before it loads (else all share the trainer's)
export TF_OVERRIDE_GLOBAL_THREADPOOL=true
exec java -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector -Xmx"${HEAP:-4g}" \
  -cp "benchmarks/target/recsys4j-benchmarks-0.1.0-SNAPSHOT.jar:benchmarks/target/lib/*" \
  org.recsys4j.benchmarks.ScalingBenchmark --data "$data" "$@"
