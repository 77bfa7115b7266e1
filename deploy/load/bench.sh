#!/usr/bin/env bash
# Load benchmark: rules-only reviews of CUAD contracts on SQLite and on PostgreSQL, then with an LLM judge (a scripted
# OpenAI-compatible server answering after a fixed latency) on PostgreSQL. Starts everything itself, one scenario at a time.
# Each scenario runs ROUNDS times, each round right after the ceiling (deploy/load/ceiling: a minimal ASP.NET Core app
# that parses the same request and answers a small JSON object) under the same load, and prints the service's share of
# the ceiling's rate and the cores the service used: absolute rates differ between machines, ratios in one run do not.
# Usage: deploy/load/bench.sh [connections=8] [seconds=30] [contracts-dir=eval-data/contracts]
# Environment: LLM_LATENCY_MS (default 200), SCENARIOS (default "sqlite postgres postgres-2 postgres-llm"; postgres-2 is two
# instances on one PostgreSQL database, each sent half the connections), PORT (default 5090), ROUNDS (default 2),
# WARMUP (seconds of load before each measurement, default 45: at PostgreSQL's lower rate the JIT's tiers are still compiling the hot paths after 15 s), CEILINGS (default
# "parse"; "parse rules evaluation" also measures the ceiling app running the service's rules stage, then its whole evaluation
# without a judge, in memory, each under the same load just before the service: where between the framework and the durable
# service the rate goes).
# Needs: wrk and jq (Debian), python3, PostgreSQL (Debian's postgresql; started in a temp dir by .ci/postgres), the .NET SDK.
set -euo pipefail
cd "$(dirname "$0")/../.."
connections=${1:-8}; seconds=${2:-30}; contracts=${3:-eval-data/contracts}
port=${PORT:-5090}; llm_port=$((port + 1)); second_port=$((port + 3)); latency=${LLM_LATENCY_MS:-200}; warmup=${WARMUP:-45}
work=$(mktemp -d /tmp/reviews-bench.XXXXXX)
pgdir=$(mktemp -d /tmp/reviews-bench-pg.XXXXXX)  # its own folder: .ci/postgres gives it to the postgres user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$pgdir/data/PG_VERSION" ] && .ci/postgres stop "$pgdir" || true
  rm -rf "$work" "$pgdir"
}
trap cleanup EXIT

dotnet build -c Release src/ReviewService -v q -nologo >/dev/null
dotnet build -c Release deploy/load/ceiling -v q -nologo >/dev/null
# One request body per contract, sent in turn.
for contract in "$contracts"/*.txt; do
  jq -n --rawfile text "$contract" --arg name "$(basename "$contract")" \
    '{policy: "contract-review", document: {fileName: $name, contentType: "text/plain", text: $text}}' > "$work/$(basename "$contract").json"
  echo "$work/$(basename "$contract").json" >> "$work/bodies"
done
export BODIES="$work/bodies"

load() { # wrk's summary line (submit.lua's) for the app on ${1:-$port}, with ${2:-$connections} connections
  wrk -t2 -c"${2:-$connections}" -d"${seconds}s" --timeout 60s -s deploy/load/submit.lua "http://127.0.0.1:${1:-$port}/v1/reviews" | sed -n "/^p50/,\$p" | paste -sd" "
}
warm() { wrk -t2 -c"$connections" -d"${warmup}s" --timeout 60s -s deploy/load/submit.lua "http://127.0.0.1:${1:-$port}/v1/reviews" >/dev/null; }
rate() { sed -E 's/.* ([0-9.]+)\/s;.*/\1/' <<<"$1"; }
ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo "$t"; }  # CPU of the pids
database() { # the PostgreSQL server's processes (the postmaster and its children), none without a cluster
  [ -f "$pgdir/data/postmaster.pid" ] || return 0
  local postmaster; postmaster=$(head -1 "$pgdir/data/postmaster.pid"); echo "$postmaster $(pgrep -P "$postmaster" | paste -sd' ')"
}

ceiling() { # the ceilings' rates under the same load, measured just before the service: ceiling_result[stage]
  local stage
  for stage in ${CEILINGS:-parse}; do
    (cd deploy/load/ceiling/bin/Release/net10.0 && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" CEILING_STAGES="$stage" dotnet Ceiling.dll) > "$work/ceiling.log" 2>&1 &
    local app=$!; pids+=("$app")
    for _ in $(seq 120); do curl -fs -o /dev/null -X POST -H "Content-Type: application/json" --data @"$(head -1 "$BODIES")" "http://127.0.0.1:$port/v1/reviews" && break; sleep 0.5; done
    warm
    local cpu_before; cpu_before=$(ticks $app)
    ceiling_result[$stage]=$(load)
    ceiling_cores[$stage]=$(awk -v a="$cpu_before" -v b="$(ticks $app)" -v s="$seconds" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / s }')
    kill "$app"; wait "$app" 2>/dev/null || true
  done
}
declare -A ceiling_result ceiling_cores

start() { # port, log name, then settings as KEY=VALUE; sets $service to the instance's pid once it is ready
  local at=$1 name=$2; shift 2
  # One analyst key sends everything, so the per-credential limits (60 submissions a minute) are lifted.
  # From its own folder, which holds appsettings.*.json (Development: the dev API keys), rules/ and prompts/.
  (cd src/ReviewService/bin/Release/net10.0 && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$at" \
    Logging__LogLevel__Default=Warning RateLimits__SubmissionsPerMinute=1000000 RateLimits__RequestsPerMinute=1000000 \
    "$@" dotnet ReviewService.dll) > "$work/$name.log" 2>&1 &
  service=$!; pids+=("$service")
  for _ in $(seq 120); do curl -fs "http://127.0.0.1:$at/health/ready" >/dev/null && break; sleep 0.5; done
}

run() { # scenario, then settings as KEY=VALUE; INSTANCES=2 runs a second instance on $second_port, each sent half the connections
  local scenario=$1; shift
  ceiling
  start "$port" "$scenario" "$@"; local first=$service
  local second=""
  if [ "${INSTANCES:-1}" = 2 ]; then start "$second_port" "$scenario-2" "$@"; second=$service; fi
  warm; [ -n "$second" ] && warm "$second_port"
  local before; before=$(cut -d' ' -f1-3 /proc/loadavg)
  local cpu_before; cpu_before=$(ticks $first $second)  # exec: the subshell's pid is the service's
  local server; server=$(database); local db_before; db_before=$(ticks $server)
  local result
  if [ -n "$second" ]; then
    load "$port" $((connections / 2)) > "$work/one" & local a=$!
    load "$second_port" $((connections - connections / 2)) > "$work/two"; wait "$a"
    # rate() reads the last "N/s;": the sum.
    result="instance 1: $(cat "$work/one") | instance 2: $(cat "$work/two") | together $(awk -v a="$(rate "$(cat "$work/one")")" -v b="$(rate "$(cat "$work/two")")" 'BEGIN { printf "%.1f", a + b }')/s;"
  else
    result=$(load)
  fi
  local cores; cores=$(awk -v a="$cpu_before" -v b="$(ticks $first $second)" -v s="$seconds" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / s }')
  local db_cores; db_cores=$(awk -v a="$db_before" -v b="$(ticks $server)" -v s="$seconds" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz / s }')
  echo "$scenario: $result; load average before: $before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  local stage parse; parse=$(rate "${ceiling_result[parse]}")
  for stage in ${CEILINGS:-parse}; do
    echo "  ceiling ($stage): ${ceiling_result[$stage]} CPU ${ceiling_cores[$stage]} cores"
    if [ "$stage" != parse ]; then echo "  ceiling ($stage)/ceiling: $(awk -v a="$(rate "${ceiling_result[$stage]}")" -v b="$parse" 'BEGIN { printf "%.3f", a / b }')"; fi
  done
  echo "  service/ceiling: $(awk -v a="$(rate "$result")" -v b="$parse" 'BEGIN { printf "%.3f", a / b }'); service CPU: $cores cores of $(nproc)$([ -n "$server" ] && echo ", database server CPU: $db_cores cores")"
  [ -n "$second" ] && { kill "$second"; wait "$second" 2>/dev/null || true; }
  local service=$first
  # What the last reviews became, and who decided the checks of the latest finished one (rules, llm, or none when left to a reviewer).
  local list; list=$(curl -fs -H "X-Api-Key: dev-analyst-key" "http://127.0.0.1:$port/v1/reviews?limit=200")
  local latest; latest=$(curl -fs -H "X-Api-Key: dev-analyst-key" "http://127.0.0.1:$port/v1/reviews/$(jq -r '[.items[] | select(.status != "pending")][0].id' <<<"$list")")
  echo "  last 200 reviews: $(jq -r '[.items[].status] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' <<<"$list");" \
       "latest finished: degraded $(jq -r .degraded <<<"$latest"), checks decided by $(jq -r '[.findings[].decidedBy // "none"] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' <<<"$latest")"
  kill "$service"; wait "$service" 2>/dev/null || true
}

echo "$(date -u +%FT%TZ), $(nproc) cores, $connections connections, ${seconds} s per scenario, $(ls "$contracts"/*.txt | wc -l) contracts from $contracts"
for scenario in $(for s in ${SCENARIOS:-sqlite postgres postgres-2 postgres-llm}; do for _ in $(seq "${ROUNDS:-2}"); do echo "$s"; done; done); do
  case "$scenario" in
    sqlite) run sqlite Storage__Provider=Sqlite ConnectionStrings__Reviews="Data Source=$work/reviews.db" ;;
    postgres|postgres-2|postgres-llm)
      if [ ! -f "$pgdir/data/PG_VERSION" ]; then pg=$(.ci/postgres start "$pgdir" $((port + 2))); fi
      database="reviews_$(date +%s%N)"
      psql "host=127.0.0.1 port=$((port + 2)) user=postgres dbname=postgres" -qc "CREATE DATABASE $database"
      settings=(Storage__Provider=Postgres ConnectionStrings__Reviews="${pg/Database=postgres/Database=$database}")
      if [ "$scenario" = postgres-llm ]; then
        python3 deploy/load/scripted_llm.py "$llm_port" "$latency" 2>"$work/llm.log" & pids+=($!)
        settings+=(Llm__Provider=OpenAI Llm__Endpoint="http://127.0.0.1:$llm_port/v1" Llm__Model=scripted Llm__ApiKey=load-test
                   Llm__CircuitBreaker__MinimumThroughput=100000)
        scenario="postgres-llm-${latency}ms"
      fi
      if [ "$scenario" = postgres-2 ]; then INSTANCES=2 run "$scenario" "${settings[@]}"; else run "$scenario" "${settings[@]}"; fi ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
done
