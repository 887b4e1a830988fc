#!/usr/bin/env bash
# Bench part "Counting visits": what counting every page view costs the
# page, as the ratio of the demo commune's home page served with counting on
# to the same with counting off (CONGXA_COUNT_VIEWS=false), in the same run;
# and whether every view served under that load was counted, read back from
# PostgreSQL after the flush. Run by tests/bench/run (see lib.sh).
#
# Works in its own database (BENCH_DATABASE, created anew, dropped at the
# end) and its own Redis key prefix, against `congxa serve all` on free
# ports of the loopback. The load is a browser's (its user agent), so every
# request is a person's page view.
set -euo pipefail

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

DATABASE=${BENCH_DATABASE:-congxa_bench_counting}
PREFIX=bench-counting
# On, off, on, off...: this many of each, so that drift (a warming cache, a
# busy neighbour) falls on both alike.
ROUNDS=${BENCH_ROUNDS:-3}
GOAL_RATIO=0.95
HOST=quoctuan.localhost

admin_url="$PG_ADMIN/$DATABASE"
export CONGXA_ADMIN_DATABASE_URL=$admin_url DATABASE_URL="postgres://congxa_app@127.0.0.1:5432/$DATABASE"
export CONGXA_REDIS_PREFIX=$PREFIX CONGXA_FLUSH_INTERVAL_SECS=1
export CONGXA_PLATFORM_DOMAIN=localhost RUST_LOG=warn
export CONGXA_INTERNAL_TOKEN=bench-internal-token-0123456789

sql() { psql "$admin_url" -v ON_ERROR_STOP=1 -qtAX "$@"; }
forget_redis() {
  redis-cli --scan --pattern "$PREFIX:*" | xargs -r -n 500 redis-cli unlink >/dev/null
}

cleanup() {
  local status=$?
  stop_platform
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null || true
  forget_redis 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT

say "creating the database $DATABASE with the demo commune"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$DATABASE"
forget_redis
"$CONGXA" migrate >"$BENCH_WORK/migrate.log" 2>&1 || fail "congxa migrate failed (see $BENCH_WORK/migrate.log)"
"$CONGXA" seed-demo >"$BENCH_WORK/seed.log" 2>&1 || fail "congxa seed-demo failed (see $BENCH_WORK/seed.log)"

views_stored() { sql -c 'SELECT COALESCE(sum(views), 0) FROM visit_days'; }

hosts=$BENCH_WORK/hosts.txt
echo "$HOST" >"$hosts"
load="wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency"
on_results=() off_results=() counted_rows=
for round in $(seq 1 "$ROUNDS"); do
  for counting in true false; do
    # The page cache off: each view is a rendering, as the first view of
    # any page is (the cached path is measured in the page cache part).
    start_platform "$HOST" "$BENCH_WORK/serve.log" CONGXA_COUNT_VIEWS="$counting" CONGXA_PAGE_CACHE_BYTES=0
    before=$(views_stored)
    say "round $round, counting $counting: warm-up $BENCH_WARMUP, then $load"
    warm=$(wrk_spread "warm-$counting-$round" "$base/" "$hosts" "$BENCH_WARMUP" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS")
    result=$(wrk_spread "$counting-$round" "$base/" "$hosts" "$BENCH_DURATION" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS")
    say "  $(field "$result" rps) requests/s, p99 $(us_to_ms "$(field "$result" p99_us)") ms"
    if [[ $counting == true ]]; then
      on_results+=("$result")
      # Every 200 of warm-up and run was a view; the flush writes them
      # within a second or two, and the stop flushes the rest.
      served=$(($(field "$warm" requests) - $(field "$warm" status_errors) + $(field "$result" requests) - $(field "$result" status_errors)))
      stop_platform
      counted=$(($(views_stored) - before))
      counted_rows+="| $round | $served | $counted |"$'\n'
      say "  views served $served, counted $counted"
    else
      off_results+=("$result")
      stop_platform
    fi
  done
done

mean_rps() { # results...
  local r sum=0
  for r in "$@"; do sum=$(awk -v s="$sum" -v x="$(field "$r" rps)" 'BEGIN { print s + x }'); done
  awk -v s="$sum" -v n="$#" 'BEGIN { printf "%.1f", s / n }'
}
on_rps=$(mean_rps "${on_results[@]}")
off_rps=$(mean_rps "${off_results[@]}")
ratio=$(awk -v a="$on_rps" -v b="$off_rps" 'BEGIN { printf "%.3f", a / b }')
goal_met=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { print (r >= g) ? "met" : "NOT met" }')
say "counting on ÷ off: $ratio (goal ≥ $GOAL_RATIO: $goal_met)"

run_rows=
for i in "${!on_results[@]}"; do
  round_ratio=$(awk -v a="$(field "${on_results[$i]}" rps)" -v b="$(field "${off_results[$i]}" rps)" 'BEGIN { printf "%.3f", a / b }')
  for pair in "on|${on_results[$i]}|$round_ratio" "off|${off_results[$i]}|"; do
    IFS='|' read -r what r shown_ratio <<<"$pair"
    run_rows+="| $((i + 1)) | $what | $(field "$r" requests) | $(field "$r" rps) | $(us_to_ms "$(field "$r" p50_us)") | $(us_to_ms "$(field "$r" p99_us)") | $(field "$r" status_errors) | $(field "$r" socket_errors) | $shown_ratio |"$'\n'
  done
done

cat >"$BENCH_REPORT" <<EOF
## Counting visits

The demo commune's home page (\`congxa seed-demo\`) through the gateway of
\`congxa serve all\` (release build, \`RUST_LOG=warn\`), loaded by wrk on the same
$(nproc) cores with a phone browser's user agent and \`Accept-Encoding\` (so every request is a person's
page view), the page cache off (every view a rendering), with counting on and with \`CONGXA_COUNT_VIEWS=false\`, alternately, $ROUNDS
rounds of each, a fresh process each run, \`$load\` after a $BENCH_WARMUP warm-up.
Latencies in milliseconds.

$(machine_lines)
- Command: \`make bench\` (or \`tests/bench/run counting\`)

| round | counting | requests | requests/s | p50 | p99 | errors | socket errors | on ÷ off |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${run_rows}
- Counting on ÷ off (mean requests/s, $on_rps ÷ $off_rps): **$ratio** (goal ≥ $GOAL_RATIO: $goal_met)

Single rounds vary by more than counting costs (wrk shares the 2 cores with the
platform); the mean over the rounds is the figure. Every view served with
counting on, and what PostgreSQL holds for it once the process stopped (its
last flush). wrk counts only the requests it saw completed: up to its
$BENCH_CONNECTIONS connections' last requests of the warm-up and of the run are
served (and counted) after it stopped counting, so "counted" may exceed
"served" by up to $((2 * BENCH_CONNECTIONS)), never fall below it:

| round | views served (200, warm-up and run) | views counted |
| --- | ---: | ---: |
${counted_rows}
EOF
say "counting: done"
