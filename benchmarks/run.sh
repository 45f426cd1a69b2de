#!/usr/bin/env bash
# Builds the JMH benchmarks, runs them, and writes a Markdown table of the results (with ratios against the
# baselines measured in the same run) to <build dir>/results.md.
#
#   benchmarks/run.sh                 full run: 1 and 2 threads, fork 1, 3 x 1 s warm-up, 5 x 1 s measurement,
#                                     JMH's gc profiler (B/op) (about 16 minutes on 2 cores)
#   benchmarks/run.sh --smoke         a few short iterations, 1 thread (under 2 minutes): checks that every
#                                     benchmark runs, numbers are not meaningful
#   benchmarks/run.sh --update-docs   also copies the table into docs/performance.md (between its markers)
#   benchmarks/run.sh -- ARGS...      extra JMH arguments, e.g. -- -p impl=flagstoreTtl,launchDarklyTtl
#
# Environment: FLAGSTORE_BUILD_DIR (default: target) is the Maven output folder name
# (-Dflagstore.build.dir); FLAGSTORE_BENCH_SKIP_BUILD=1 reuses an existing benchmarks.jar;
# JAVA (default: java on the PATH) is the JVM the benchmarks run on; FLAGSTORE_REDIS_URL (default
# redis://127.0.0.1:6379) is the server of the Redis benchmark, which is left out when it does not answer.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir="${FLAGSTORE_BUILD_DIR:-target}"
java_cmd="${JAVA:-java}"
smoke=false
update_docs=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=true ;;
    --update-docs) update_docs=true ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
  shift
done

out="benchmarks/${build_dir}"
jar="${out}/benchmarks.jar"
if [ "${FLAGSTORE_BENCH_SKIP_BUILD:-0}" != "1" ]; then
  echo "run.sh: building the benchmarks (and the modules they use) into ${build_dir}/"
  ./mvnw -q -B -pl benchmarks -am package -DskipTests -Dflagstore.build.dir="${build_dir}"
fi
[ -f "$jar" ] || { echo "run.sh: ${jar} is missing; build it or unset FLAGSTORE_BENCH_SKIP_BUILD" >&2; exit 1; }

if $smoke; then
  settings=(-f 1 -wi 1 -w 200ms -i 1 -r 300ms)
  thread_counts=(1)
else
  settings=()   # the annotations: fork 1, 3 x 1 s warm-up, 5 x 1 s measurement (status: longer, see the class)
  thread_counts=(1 2)
fi

redis_url="${FLAGSTORE_REDIS_URL:-redis://127.0.0.1:6379}"
redis_hostport="${redis_url#*://}"; redis_hostport="${redis_hostport#*@}"; redis_hostport="${redis_hostport%%/*}"
redis_host="${redis_hostport%%:*}"; redis_port="${redis_hostport##*:}"; [ "$redis_port" = "$redis_host" ] && redis_port=6379
exclude=()
if ! (exec 3<>"/dev/tcp/${redis_host}/${redis_port}") 2>/dev/null; then
  echo "run.sh: no Redis at ${redis_host}:${redis_port}; leaving out RedisUncachedBenchmark" >&2
  exclude=(-e RedisUncachedBenchmark)
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
# Other work on the machine skews the numbers: note the 1-minute load every 10 s, to report its peak.
load_samples="${out}/load-samples.txt"
: > "$load_samples"
( while true; do cut -d' ' -f1 /proc/loadavg >> "$load_samples" 2>/dev/null; sleep 10; done ) &
load_sampler=$!
trap 'kill "$load_sampler" 2>/dev/null || true' EXIT
started=$(date +%s)
started_at="$(date -u '+%Y-%m-%d %H:%M UTC')"
results=()
for t in "${thread_counts[@]}"; do
  if [ "$t" = 1 ]; then
    include='dev.flagstore.benchmarks.*'
  else
    include='dev.flagstore.benchmarks.(WarmGet|Uncached|RedisUncached|GetAll)Benchmark.*'   # others: 1 thread
  fi
  json="${out}/jmh-${t}t.json"
  echo "run.sh: ${t} thread(s) -> ${json}"
  "$java_cmd" -jar "$jar" "$include" ${exclude[@]+"${exclude[@]}"} -t "$t" -prof gc "${settings[@]}" -rf json -rff "$json" \
    ${extra[@]+"${extra[@]}"}
  results+=("$json")
done
elapsed=$(( $(date +%s) - started ))
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
kill "$load_sampler" 2>/dev/null || true
load_peak="$(sort -n "$load_samples" | tail -1)"

cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
mem="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)"
jdk="$("$java_cmd" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.vm.name|java.runtime.version/ { printf "%s ", $2 }')"
table="${out}/results.md"
{
  echo "Run started ${started_at}$($smoke && echo ' (smoke run: numbers not meaningful)')."
  echo
  echo "- Machine: ${cpu:-unknown CPU}, $(nproc) cores, ${mem:-unknown memory}, $(uname -sr)"
  echo "- JDK: ${jdk}; heap -Xms1g -Xmx1g (status and health: 512m)"
  echo "- JMH 1.37, ${settings[*]:-fork 1, warm-up 3 x 1 s, measurement 5 x 1 s (status: 2 x 2 s + 3 x 3 s; recovery: 1 x 2 s + 2 x 10 s)}; threads: ${thread_counts[*]}; ${elapsed} s in all"
  echo "- Load average (1, 5, 15 min): ${load_before} before, ${load_after} after; 1-min peak during the run ${load_peak:-unknown}"
  echo "- Data: 1,000 flags in LaunchDarkly's flag JSON (1.1 KB each on average), random keys; cache TTL 10 min for reads"
  echo
} > "$table"
"$java_cmd" -cp "$jar" dev.flagstore.benchmarks.ResultsTable "${table}.tables" "${results[@]}"
cat "${table}.tables" >> "$table"
rm -f "${table}.tables"
echo "run.sh: wrote ${table}"

if $update_docs; then
  docs=docs/performance.md
  start='<!-- results:start -->'
  end='<!-- results:end -->'
  if ! grep -q "$start" "$docs" 2>/dev/null; then
    echo "run.sh: ${docs} has no '${start}' marker; not updated" >&2
    exit 1
  fi
  awk -v start="$start" -v end="$end" -v table="$table" '
    $0 == start { print; while ((getline line < table) > 0) print line; skip = 1; next }
    $0 == end { skip = 0 }
    !skip { print }
  ' "$docs" > "${docs}.tmp" && mv "${docs}.tmp" "$docs"
  echo "run.sh: updated ${docs}"
fi
