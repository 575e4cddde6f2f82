#!/usr/bin/env bash
# Runs one benchmark (or a comma list, or "all") without `mvn verify` and without installing
# anything: builds this module and the modules it depends on from this working tree, then runs
# BenchmarkMain with -Dbench.only=<name>, writing benchmarks/target/BENCHMARKS-<name>.md.
#
#   benchmarks/run-one.sh <hotpath|e2e|limit|compression|spool|heap|attachments|latency|webflux|openai|gemini|bedrock|anthropic|springai|all> [-Dbench.x=y ...]
#
# Environment: SKIP_BUILD=1 reuses the last build; BENCH_JVM adds JVM options (e.g. a JFR recording);
# BENCH_MVN adds Maven options (e.g. -o for offline).
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
name=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
target="$root/benchmarks/target"
cp_file="$target/run-one.classpath"

if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$cp_file" ]; then
  # Every module of the reactor writes the class path file; the benchmarks module comes last.
  (cd "$root" && mvn -B -q ${BENCH_MVN:-} -Pbenchmarks -pl benchmarks -am package \
    dependency:build-classpath -DskipTests -Dspotless.check.skip=true \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$cp_file")
fi

out="$target/BENCHMARKS-${name//,/-}.md"
# shellcheck disable=SC2086
exec java -Xmx2g ${BENCH_JVM:-} -Dbench.only="$name" "$@" \
  -cp "$target/classes:$(cat "$cp_file")" \
  dev.braintrust.reactive.benchmarks.BenchmarkMain "$out"
