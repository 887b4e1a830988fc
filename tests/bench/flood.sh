#!/usr/bin/env bash
# Bench part "A flooded sign-in": whether one commune's sign-in flooded from
# one client slows another commune's pages. Another commune's home page is
# loaded alone, then while 40 connections post wrong passwords to the first
# commune's sign-in form (each every FLOOD_DELAY_MS milliseconds), in turn,
# ROUNDS times; the figure is the ratio of the two request rates. Run by
# tests/bench/run (see lib.sh).
#
# Works in its own database (BENCH_DATABASE, created anew, dropped at the
# end) and Redis key prefix, against `congxa serve all` on free ports, with
# the page cache off so that every page is a rendering: the dearer case.
set -euo pipefail

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

DATABASE=${BENCH_DATABASE:-congxa_bench_flood}
PREFIX=bench-flood
ROUNDS=${BENCH_ROUNDS:-3}
FLOOD_CONNECTIONS=40
FLOOD_DELAY_MS=${FLOOD_DELAY_MS:-100}
GOAL_RATIO=0.90
FLOODED=quoctuan.localhost
OTHER=anhung.localhost
EMAIL=truongban@quoctuan.vn

admin_url="$PG_ADMIN/$DATABASE"
export CONGXA_ADMIN_DATABASE_URL=$admin_url DATABASE_URL="postgres://congxa_app@127.0.0.1:5432/$DATABASE"
export CONGXA_REDIS_PREFIX=$PREFIX CONGXA_PLATFORM_DOMAIN=localhost RUST_LOG=warn
export CONGXA_INTERNAL_TOKEN=bench-internal-token-0123456789

forget_redis() {
  redis-cli --scan --pattern "$PREFIX:*" | xargs -r -n 500 redis-cli unlink >/dev/null
}
flood_pid=
cleanup() {
  local status=$?
  [[ -n $flood_pid ]] && kill "$flood_pid" 2>/dev/null
  stop_platform
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null || true
  forget_redis 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT

say "creating the database $DATABASE with the demo commune and a second one"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$DATABASE"
forget_redis
"$CONGXA" migrate >"$BENCH_WORK/migrate.log" 2>&1 || fail "congxa migrate failed (see $BENCH_WORK/migrate.log)"
"$CONGXA" seed-demo >"$BENCH_WORK/seed.log" 2>&1 || fail "congxa seed-demo failed (see $BENCH_WORK/seed.log)"
"$CONGXA" tenant create --slug anhung --name "Xã An Hưng" >>"$BENCH_WORK/seed.log" 2>&1 ||
  fail "could not create the second commune (see $BENCH_WORK/seed.log)"
"$CONGXA" user create --tenant quoctuan --email "$EMAIL" --name "Trưởng ban" --role head >>"$BENCH_WORK/seed.log" 2>&1 ||
  fail "could not create the flooded account (see $BENCH_WORK/seed.log)"

start_platform "$OTHER" "$BENCH_WORK/serve.log" CONGXA_PAGE_CACHE_BYTES=0
wait_for_200 60 "$base/" -H "Host: $FLOODED" || fail "the flooded commune does not answer"

# The sign-in form's token and its cookie, as a browser gets them.
form=$(curl -s -D "$BENCH_WORK/sign-in.headers" -H "Host: $FLOODED" "$base/quan-tri/dang-nhap")
token=$(grep -o 'name="csrf" value="[^"]*"' <<<"$form" | head -n 1 | sed 's/.*value="//; s/"$//')
cookie=$(grep -i '^set-cookie:' "$BENCH_WORK/sign-in.headers" | head -n 1 | sed 's/^[Ss]et-[Cc]ookie: //; s/;.*//' | tr -d '\r')
[[ -n $token && -n $cookie ]] || fail "no sign-in form token or cookie (see $BENCH_WORK/sign-in.headers)"

hosts=$BENCH_WORK/hosts.txt
echo "$OTHER" >"$hosts"
load="wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency"
flood="wrk -t1 -c$FLOOD_CONNECTIONS -d<the run> -s flood.lua, one request every $FLOOD_DELAY_MS ms a connection"
say "warm-up $BENCH_WARMUP"
wrk_spread warm "$base/" "$hosts" "$BENCH_WARMUP" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS" >/dev/null

alone=() flooded=() rows=
for round in $(seq 1 "$ROUNDS"); do
  result=$(wrk_spread "alone-$round" "$base/" "$hosts" "$BENCH_DURATION" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS")
  alone+=("$result")
  say "round $round, alone: $(field "$result" rps) requests/s"
  flood_out=$BENCH_WORK/flood-$round.txt
  wrk -t1 -c"$FLOOD_CONNECTIONS" -d"$BENCH_DURATION" -s "$BENCH_DIR/flood.lua" "$base/quan-tri/dang-nhap" \
    -- "$FLOODED" "$cookie" "$token" "$EMAIL" "$FLOOD_DELAY_MS" >"$flood_out" 2>&1 &
  flood_pid=$!
  result=$(wrk_spread "flooded-$round" "$base/" "$hosts" "$BENCH_DURATION" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS")
  wait "$flood_pid" || true
  flood_pid=
  flooded+=("$result")
  statuses=$(grep '^flood-result' "$flood_out" | sed 's/^flood-result //') || statuses="(none)"
  say "round $round, flooded: $(field "$result" rps) requests/s; the flood's answers: $statuses"
  rows+="| $round | $(field "${alone[-1]}" rps) | $(us_to_ms "$(field "${alone[-1]}" p99_us)") | $(field "$result" rps) | $(us_to_ms "$(field "$result" p99_us)") | $statuses |"$'\n'
done

mean_rps() {
  local r sum=0
  for r in "$@"; do sum=$(awk -v s="$sum" -v x="$(field "$r" rps)" 'BEGIN { print s + x }'); done
  awk -v s="$sum" -v n="$#" 'BEGIN { printf "%.1f", s / n }'
}
alone_rps=$(mean_rps "${alone[@]}")
flooded_rps=$(mean_rps "${flooded[@]}")
ratio=$(awk -v a="$flooded_rps" -v b="$alone_rps" 'BEGIN { printf "%.3f", a / b }')
goal_met=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { print (r >= g) ? "met" : "NOT met" }')
say "flooded ÷ alone: $ratio (goal ≥ $GOAL_RATIO: $goal_met)"

cat >"$BENCH_REPORT" <<EOF
## A flooded sign-in

Another commune's home page (\`$OTHER\`, rendered: the page cache off) through
the gateway of \`congxa serve all\` (release build, \`RUST_LOG=warn\`), loaded by
\`$load\` with a phone browser's user agent, alone and then while one client
floods the demo commune's sign-in (\`$FLOODED/quan-tri/dang-nhap\`) with wrong
passwords: $flood (the form's own token and cookie, so each attempt reaches
the password check unless the per-client limit refuses it first). Alone and
flooded in turn, $ROUNDS rounds, after a $BENCH_WARMUP warm-up. Latencies in
milliseconds; the flood's answers by status (429: refused by the limit).

$(machine_lines)
- Command: \`make bench\` (or \`tests/bench/run flood\`)

| round | alone, requests/s | alone, p99 | flooded, requests/s | flooded, p99 | the flood's answers |
| --- | ---: | ---: | ---: | ---: | --- |
${rows}
- Flooded ÷ alone (mean requests/s, $flooded_rps ÷ $alone_rps): **$ratio** (goal ≥ $GOAL_RATIO: $goal_met)
EOF
say "flood: done"
