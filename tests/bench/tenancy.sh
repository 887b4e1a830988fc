#!/usr/bin/env bash
# Bench part "Tenancy at scale": 10,000 communes provisioned by script; the
# gateway's resolution stays constant-time whether the load goes to one
# commune or is spread over all of them; the console lists, filters and pages
# them quickly. Run by tests/bench/run (see lib.sh for what it is given).
#
# Works in its own database (BENCH_DATABASE, dropped and created anew, dropped
# again at the end) and its own Redis database (BENCH_REDIS_DB, emptied of the
# platform's keys before and after), against a `congxa serve all` on free
# ports of the loopback.
set -euo pipefail

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

COMMUNES=${BENCH_COMMUNES:-10000}
DISTRICTS=${BENCH_DISTRICTS:-100}
# Communes created one by one with `congxa tenant create` (the rest by SQL).
SAMPLE=${BENCH_SAMPLE:-100}
# Every DOMAIN_EVERY-th commune has its own domain, the primary one.
DOMAIN_EVERY=10
DATABASE=${BENCH_DATABASE:-congxa_bench}
REDIS_DB=${BENCH_REDIS_DB:-15}
PROVINCE=thunghiem
PASSWORD='Bench-mat-khau-2026'
GOAL_RATIO=0.8
GOAL_RSS_MIB=300

((SAMPLE < COMMUNES)) || fail "BENCH_SAMPLE ($SAMPLE) must be below BENCH_COMMUNES ($COMMUNES)"

admin_url="$PG_ADMIN/$DATABASE"
app_url="postgres://congxa_app@127.0.0.1:5432/$DATABASE"
redis_url="redis://127.0.0.1:6379/$REDIS_DB"
export CONGXA_ADMIN_DATABASE_URL=$admin_url DATABASE_URL=$app_url REDIS_URL=$redis_url
export CONGXA_PLATFORM_DOMAIN=localhost RUST_LOG=warn
export CONGXA_INTERNAL_TOKEN=bench-internal-token-0123456789

sql() { psql "$admin_url" -v ON_ERROR_STOP=1 -qtAX "$@"; }
slug_of() { printf 'xa%04d' "$1"; }
district_of() { printf '%s-h%03d' "$PROVINCE" $((($1 - 1) % DISTRICTS + 1)); }
thousands() { printf '%s' "$1" | sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta'; }

forget_redis() {
  redis-cli -n "$REDIS_DB" --scan --pattern 'congxa:*' | xargs -r -n 500 redis-cli -n "$REDIS_DB" unlink >/dev/null
}

server_pid=
cleanup() {
  local status=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null || true
  forget_redis 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT

# --- The database -------------------------------------------------------------
say "creating the database $DATABASE and migrating it"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$DATABASE"
"$CONGXA" migrate >"$BENCH_WORK/migrate.log" 2>&1 || fail "congxa migrate failed (see $BENCH_WORK/migrate.log)"
forget_redis

# --- Provisioning ---------------------------------------------------------------
say "creating 1 province and $DISTRICTS former districts with congxa region create"
start=$(now_us)
"$CONGXA" region create --code "$PROVINCE" --name "Tỉnh Thử Nghiệm" >/dev/null
for d in $(seq 1 "$DISTRICTS"); do
  "$CONGXA" region create --code "$(printf '%s-h%03d' "$PROVINCE" "$d")" \
    --name "$(printf 'Huyện Thử Nghiệm %03d (cũ)' "$d")" --parent "$PROVINCE" >/dev/null
done
regions_ms=$(ms_between "$start" "$(now_us)")

bulk=$((COMMUNES - SAMPLE))
say "creating $(thousands "$bulk") communes with one SQL statement"
start=$(now_us)
# Names as communes write them; every tenth a phường, every DOMAIN_EVERY-th
# with its own primary domain; former districts in turn; each with the audit
# entry `congxa tenant create` would write.
sql -v n="$bulk" -v districts="$DISTRICTS" -v province="$PROVINCE" -v every="$DOMAIN_EVERY" <<'SQL'
WITH numbers AS (
    SELECT i, lpad(i::text, 4, '0') AS num FROM generate_series(1, :n) AS i
), new_tenants AS (
    INSERT INTO tenants (slug, name, kind, region_id)
    SELECT 'xa' || num,
           CASE WHEN i % 10 = 5 THEN 'Phường' ELSE 'Xã' END || ' Thử Nghiệm ' || num,
           CASE WHEN i % 10 = 5 THEN 'phuong' ELSE 'xa' END,
           r.id
    FROM numbers
    JOIN regions r ON r.code = :'province' || '-h' || lpad(((i - 1) % :districts + 1)::text, 3, '0')
    ORDER BY i
    RETURNING id, slug, name, kind, region_id
), new_domains AS (
    INSERT INTO tenant_domains (domain, tenant_id, is_primary)
    SELECT slug || '.bench.gov.vn', id, true FROM new_tenants
    WHERE substr(slug, 3)::int % :every = 0
    RETURNING domain, tenant_id
)
INSERT INTO operator_audit (actor, origin, action, tenant_id, details)
SELECT 'cli:bench', 'tests/bench/tenancy.sh', 'tenant.create', t.id,
       jsonb_build_object('slug', t.slug, 'name', t.name, 'kind', t.kind,
                          'region', r.code, 'domain', d.domain)
FROM new_tenants t
JOIN regions r ON r.id = t.region_id
LEFT JOIN new_domains d ON d.tenant_id = t.id;
SQL
bulk_ms=$(ms_between "$start" "$(now_us)")

say "creating $SAMPLE communes one by one with congxa tenant create"
: >"$BENCH_WORK/create-ms.txt"
start=$(now_us)
for n in $(seq 1 "$SAMPLE"); do
  i=$((bulk + n))
  if [[ -t 1 ]]; then
    printf '\r[bench]   [%d/%d]' "$n" "$SAMPLE"
  elif ((n % 25 == 0 || n == SAMPLE)); then
    printf '[bench]   [%d/%d]\n' "$n" "$SAMPLE"
  fi
  kind=Xã
  ((i % 10 == 5)) && kind=Phường
  domain=()
  ((i % DOMAIN_EVERY == 0)) && domain=(--domain "$(slug_of "$i").bench.gov.vn")
  t0=$(now_us)
  "$CONGXA" tenant create --slug "$(slug_of "$i")" --name "$kind Thử Nghiệm $(printf '%04d' "$i")" \
    --region "$(district_of "$i")" "${domain[@]}" --json >>"$BENCH_WORK/create.json" 2>>"$BENCH_WORK/create.log" ||
    { [[ -t 1 ]] && echo; fail "congxa tenant create $(slug_of "$i") failed (see $BENCH_WORK/create.log)"; }
  ms_between "$t0" "$(now_us)" >>"$BENCH_WORK/create-ms.txt"
done
[[ -t 1 ]] && echo
sample_ms=$(ms_between "$start" "$(now_us)")
read -r create_median create_max < <(median_max <"$BENCH_WORK/create-ms.txt")

count=$(sql -c 'SELECT count(*) FROM tenants')
[[ $count == "$COMMUNES" ]] || fail "expected $COMMUNES communes, found $count"
# As autovacuum would within the minute after so many inserts: the planner
# sees 10,000 rows, and the measurements do not run into the vacuum.
sql -c 'VACUUM (ANALYZE)'

# --- The platform ---------------------------------------------------------------
gateway=$(free_port) content=$(free_port) media=$(free_port) analytics=$(free_port)
say "starting congxa serve all (gateway on 127.0.0.1:$gateway)"
CONGXA_GATEWAY_LISTEN=127.0.0.1:$gateway \
  CONGXA_CONTENT_LISTEN=127.0.0.1:$content CONGXA_CONTENT_URL=http://127.0.0.1:$content \
  CONGXA_MEDIA_LISTEN=127.0.0.1:$media CONGXA_MEDIA_URL=http://127.0.0.1:$media \
  CONGXA_ANALYTICS_LISTEN=127.0.0.1:$analytics CONGXA_ANALYTICS_URL=http://127.0.0.1:$analytics \
  "$CONGXA" serve all >"$BENCH_WORK/serve.log" 2>&1 &
server_pid=$!
base=http://127.0.0.1:$gateway
wait_for_200 60 "$base/readyz" -H 'Host: localhost' ||
  fail "congxa serve all did not become ready (see $BENCH_WORK/serve.log)"
rss_ready=$(rss_mib "$server_pid")

# The host lists wrk spreads the load over: every commune by its canonical
# name (its own domain when it has one, so every answer is the page, not a
# redirect), and as many names that are no commune, as automatic addresses
# and as domains in turn.
hosts_one=$BENCH_WORK/hosts-one.txt hosts_all=$BENCH_WORK/hosts-all.txt
hosts_unknown=$BENCH_WORK/hosts-unknown.txt hosts_unknown_one=$BENCH_WORK/hosts-unknown-one.txt
echo "xa0001.localhost" >"$hosts_one"
sql -c "SELECT coalesce(d.domain, t.slug || '.localhost') FROM tenants t
        LEFT JOIN tenant_domains d ON d.tenant_id = t.id AND d.is_primary ORDER BY t.slug" >"$hosts_all"
for i in $(seq 1 "$COMMUNES"); do
  if ((i % 2)); then printf 'khongco%04d.localhost\n' "$i"; else printf 'khongco%04d.bench.gov.vn\n' "$i"; fi
done >"$hosts_unknown"
echo "khongco0001.localhost" >"$hosts_unknown_one"
[[ $(wc -l <"$hosts_all") == "$COMMUNES" ]] || fail "the list of hosts does not have $COMMUNES lines"

expect_status() { # expected host
  local got
  got=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $2" "$base/")
  [[ $got == "$1" ]] || fail "http://$2/ answered $got, expected $1 (see $BENCH_WORK/serve.log)"
}
expect_status 200 xa0001.localhost
expect_status 200 "$(grep -m 1 "^$(slug_of "$COMMUNES")\." "$hosts_all")"
expect_status 200 "$(slug_of "$DOMAIN_EVERY").bench.gov.vn"
expect_status 301 "$(slug_of "$DOMAIN_EVERY").localhost"
expect_status 404 khongco0001.localhost

# --- Resolution under load ------------------------------------------------------
load="wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency"
# Prints its progress line, then runs warm-up and measurement; the result
# line lands in the variable named first.
measure() { # variable name hosts-file what
  say "$4: warm-up $BENCH_WARMUP (repeated until every host was asked for), then $load"
  # Steady state: every commune's page rendered and cached once before the
  # measurement, however long the first renders take.
  # Each wrk run walks the list from its start: a run too short to reach
  # its end is repeated three times as long.
  local hosts_count warmed=0 seconds=${BENCH_WARMUP%s}
  hosts_count=$(wc -l <"$3")
  for _ in 1 2 3; do
    warmed=$(field "$(wrk_spread "$2-warmup" "$base/" "$3" "${seconds}s" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS")" requests)
    ((warmed >= hosts_count)) && break
    seconds=$((seconds * 3))
  done
  printf -v "warm_${2//-/_}" "%s" "$warmed"
  local result
  result=$(wrk_spread "$2" "$base/" "$3" "$BENCH_DURATION" / "$BROWSER_AGENT" "$BROWSER_ENCODINGS")
  printf -v "$1" '%s' "$result"
  say "  $(field "${!1}" rps) requests/s, p99 $(us_to_ms "$(field "${!1}" p99_us)") ms"
}
one='' spread='' unknown='' unknown_one=''
measure one one "$hosts_one" "a. home page of one commune"
rss_one=$(rss_mib "$server_pid")
measure spread spread "$hosts_all" "b. home pages spread over $(thousands "$COMMUNES") communes"
rss_spread=$(rss_mib "$server_pid")
measure unknown unknown "$hosts_unknown" "d. unknown hosts spread over $(thousands "$COMMUNES") names"
rss_unknown=$(rss_mib "$server_pid")
# The 404 path is the gateway's alone (no page to render, no database), so
# this pair shows the cost of resolution itself, which a and b hide behind
# the rendering of the home page.
measure unknown_one unknown-one "$hosts_unknown_one" "e. one unknown host"

# Whether b's warm-up asked for every commune, i.e. b ran on a full cache.
warm_requests=$warm_spread
if ((warm_requests >= COMMUNES)); then
  warm_note="The warm-ups of b made $(thousands "$warm_requests") requests: every commune was resolved, rendered and its page cached before b."
else
  warm_note="The warm-up of b made only $(thousands "$warm_requests") requests: b includes first resolutions of some communes."
fi
ratio=$(awk -v b="$(field "$spread" rps)" -v a="$(field "$one" rps)" 'BEGIN { printf "%.2f", b / a }')
goal_met=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { print (r >= g) ? "met" : "NOT met" }')
unknown_ratio=$(awk -v d="$(field "$unknown" rps)" -v e="$(field "$unknown_one" rps)" 'BEGIN { printf "%.2f", d / e }')
say "spread ÷ one commune: $ratio (goal ≥ $GOAL_RATIO: $goal_met); unknown hosts, spread ÷ one: $unknown_ratio"
for run in "$one" "$spread"; do
  if [[ $(field "$run" status_errors) != 0 || $(field "$run" socket_errors) != 0 ]]; then
    say "warning: errors during a run of known communes: $run"
  fi
done

# --- The console ------------------------------------------------------------------
say "signing in to the console as a new operator"
operator=$("$CONGXA" operator create --email bench@bench.gov.vn --name "Bench" --json)
one_time=$(jq -r .one_time_password <<<"$operator")
[[ -n $one_time && $one_time != null ]] || fail "congxa operator create printed no one-time password: $operator"
jar=$BENCH_WORK/cookies.txt
console() { curl -s -b "$jar" -c "$jar" -H 'Host: localhost' "$@"; }
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed -E 's/.*value="([^"]*)"/\1/'; }
csrf=$(console "$base/dang-nhap" | csrf_of)
[[ -n $csrf ]] || fail "no csrf field on the sign-in page"
got=$(console -o /dev/null -w '%{http_code} %{redirect_url}' "$base/dang-nhap" \
  --data-urlencode email=bench@bench.gov.vn --data-urlencode "password=$one_time" --data-urlencode "csrf=$csrf")
[[ $got == 303* ]] || fail "signing in answered $got"
csrf=$(console "$base/mat-khau" | csrf_of)
got=$(console -o /dev/null -w '%{http_code}' "$base/mat-khau" \
  --data-urlencode "current=$one_time" --data-urlencode "new=$PASSWORD" --data-urlencode "csrf=$csrf")
[[ $got == 200 ]] || fail "replacing the one-time password answered $got"

# Three quarters down the list: page 150 of 200.
deep_page=$((COMMUNES * 3 / 4 / 50))
deep_slug=$(slug_of $(((deep_page - 1) * 50 + 1)))
district=$(district_of 42)
# path | what the page must show | what it is
pages=(
  "/|>xa0001</td>|list, first page"
  "/?trang=$deep_page|>$deep_slug</td>|list, page $deep_page (rows $(((deep_page - 1) * 50 + 1))–$((deep_page * 50)))"
  "/?q=0999|>xa0999</td>|search \`0999\`"
  "/?vung=$district|>xa0042</td>|former district \`$district\` ($((COMMUNES / DISTRICTS)) communes)"
  "/?vung=$PROVINCE|>xa0001</td>|province \`$PROVINCE\` (all, through its districts)"
)
console_rows=
for entry in "${pages[@]}"; do
  IFS='|' read -r path expect what <<<"$entry"
  say "console $path: $BENCH_RUNS requests"
  body=$(console "$base$path")
  [[ $body == *"$expect"* ]] ||
    { echo "$body" >"$BENCH_WORK/page.html"; fail "console page $path does not show $expect (see $BENCH_WORK/page.html)"; }
  : >"$BENCH_WORK/console.txt"
  for _ in 1 2 3; do console -o /dev/null "$base$path"; done
  for _ in $(seq 1 "$BENCH_RUNS"); do
    read -r code seconds < <(console -o /dev/null -w '%{http_code} %{time_total}\n' "$base$path")
    [[ $code == 200 ]] || fail "console page $path answered $code"
    awk -v s="$seconds" 'BEGIN { printf "%.3f\n", s * 1000 }' >>"$BENCH_WORK/console.txt"
  done
  read -r median max < <(median_max <"$BENCH_WORK/console.txt")
  console_rows+="| $what | \`$path\` | $median | $max |"$'\n'
done

say "congxa tenant list --search 0999 --json: $BENCH_RUNS runs"
found=$("$CONGXA" tenant list --search 0999 --json | jq -r '.[].slug' | tr '\n' ' ')
[[ $found == "xa0999 " ]] || fail "congxa tenant list --search 0999 found: $found"
: >"$BENCH_WORK/cli-list.txt"
for _ in $(seq 1 "$BENCH_RUNS"); do
  one_run=$(now_us)
  "$CONGXA" tenant list --search 0999 --json >/dev/null
  ms_between "$one_run" "$(now_us)" >>"$BENCH_WORK/cli-list.txt"
done
read -r cli_median cli_max < <(median_max <"$BENCH_WORK/cli-list.txt")
# The same without TLS to PostgreSQL: how much of a command is the handshake.
say "the same with sslmode=disable: $BENCH_RUNS runs"
: >"$BENCH_WORK/cli-list-plain.txt"
for _ in $(seq 1 "$BENCH_RUNS"); do
  one_run=$(now_us)
  DATABASE_URL="$app_url?sslmode=disable" "$CONGXA" tenant list --search 0999 --json >/dev/null
  ms_between "$one_run" "$(now_us)" >>"$BENCH_WORK/cli-list-plain.txt"
done
read -r plain_median plain_max < <(median_max <"$BENCH_WORK/cli-list-plain.txt")

# --- The list query's plan ----------------------------------------------------------
say "EXPLAIN ANALYZE of the list query: search, deep page, former district"
# The query as the code has it, so the plans follow any change to it.
query=$(awk '/^pub async fn list\(/ { inside = 1 }
             inside && /r#"/ { sub(/.*r#"/, ""); taking = 1 }
             taking { if (sub(/"#.*/, "")) { print; exit } print }' \
  "$BENCH_DIR/../../shared/tenancy/src/tenants.rs")
# shellcheck disable=SC2016 # a literal $5, the query's last parameter
[[ $query == SELECT* && $query == *'$5'* ]] || fail "could not read the list query from shared/tenancy/src/tenants.rs"
explain() { # file plan_cache_mode parameters (region, status, search, limit, offset)
  sql >"$BENCH_WORK/$1" <<SQL
SET plan_cache_mode = $2;
PREPARE list_query (text, text, text, bigint, bigint) AS
$query;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE list_query ($3);
SQL
}
plan_ms() { awk '/Execution Time/ { print $3 }' "$BENCH_WORK/$1"; }
# How the plan reads the communes: "Seq Scan on tenants t", "Index Scan
# using tenants_slug_key on tenants t", …
scan_of() {
  grep -oE '(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan)( Backward)?( using [a-z_]+)? on tenants t' \
    "$BENCH_WORK/$1" | head -n 1
}
# file | parameters | what
plans=(
  "explain-search.txt|NULL, NULL, '%0999%', 50, 0|search \`0999\`, first page"
  "explain-deep.txt|NULL, NULL, NULL, 50, $(((deep_page - 1) * 50))|page $deep_page, no filter"
  "explain-district.txt|'$district', NULL, NULL, 50, 0|former district \`$district\`, first page"
)
plan_rows=
for entry in "${plans[@]}"; do
  IFS='|' read -r file parameters what <<<"$entry"
  explain "$file" force_custom_plan "$parameters"
  explain "generic-$file" force_generic_plan "$parameters"
  plan_rows+="| $what | $(scan_of "$file") | $(plan_ms "$file") | $(scan_of "generic-$file") | $(plan_ms "generic-$file") |"$'\n'
done
search_scan=$(scan_of explain-search.txt)
search_ms=$(plan_ms explain-search.txt)
say "search plan: $search_scan, $search_ms ms"

# --- The report -------------------------------------------------------------------------
wrk_row() { # what result
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(thousands "$(field "$2" requests)")" \
    "$(field "$2" rps)" "$(us_to_ms "$(field "$2" p50_us)")" "$(us_to_ms "$(field "$2" p99_us)")" \
    "$(thousands "$(field "$2" status_errors)")" "$(thousands "$(field "$2" socket_errors)")"
}
per() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.2f", t / n }'; }
seconds() { awk -v t="$1" 'BEGIN { printf "%.1f", t / 1000 }'; }
slow_note=
if [[ $search_scan == "Seq Scan"* ]]; then
  if awk -v t="$search_ms" 'BEGIN { exit !(t > 20) }'; then
    slow_note="The search reads every commune (sequential scan) and takes over 20 ms: it needs an index that serves \`ILIKE '%…%'\` (trigram)."
  else
    slow_note="The search reads every commune (sequential scan: no index serves \`ILIKE '%…%'\`), under 20 ms at this size."
  fi
fi
{
  cat <<EOF
## Tenancy at scale

$(thousands "$COMMUNES") communes in one province with $DISTRICTS former districts
(communes assigned to them in turn; one in ten a phường; one in $DOMAIN_EVERY with its own
primary domain, \`xa0010.bench.gov.vn\`, \`xa0020.bench.gov.vn\`, …): $(thousands "$bulk") provisioned by one SQL statement,
the last $SAMPLE by \`congxa tenant create\`. Then \`congxa serve all\` (release build,
\`RUST_LOG=warn\`) is loaded through the gateway on the loopback by wrk running on the
same $(nproc) cores, every request with a phone browser's user agent and
\`Accept-Encoding: $BROWSER_ENCODINGS\` (a person's page view; pages come from the
gateway's page cache once rendered, \`CONGXA_PAGE_CACHE_BYTES\` at its default).

$(machine_lines)
- Command: \`make bench\`

### Provisioning

| what | count | total | per item |
| --- | ---: | ---: | ---: |
| regions, \`congxa region create\` | $((DISTRICTS + 1)) | $(seconds "$regions_ms") s | $(per "$regions_ms" $((DISTRICTS + 1))) ms |
| communes, one SQL statement (with domains and audit entries) | $(thousands "$bulk") | $(seconds "$bulk_ms") s | $(per "$bulk_ms" "$bulk") ms |
| communes, \`congxa tenant create\` one by one | $SAMPLE | $(seconds "$sample_ms") s | $(per "$sample_ms" "$SAMPLE") ms (median $create_median, max $create_max) |

### Resolution under load, through the gateway

\`$load\`, each after a $BENCH_WARMUP warm-up of the same, every request with the
next Host of a list (tests/bench/spread.lua; one line for a single commune).
Spread loads name each commune by its canonical host (its own domain when it has one),
so every answer is the page. Latencies in milliseconds; errors are answers of 400 or
more, and socket errors.

| load | requests | requests/s | p50 | p99 | non-2xx/3xx | socket errors |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(wrk_row "a. one commune, \`xa0001.localhost\`" "$one")
$(wrk_row "b. spread over $(thousands "$COMMUNES") communes" "$spread")
$(wrk_row "d. unknown hosts spread over $(thousands "$COMMUNES") names (404 page)" "$unknown")
$(wrk_row "e. one unknown host, \`khongco0001.localhost\` (404 page)" "$unknown_one")

- c. b ÷ a (requests/s): **$ratio** (goal ≥ $GOAL_RATIO: $goal_met)
- d ÷ e (requests/s): **$unknown_ratio**. The 404 page is the gateway's alone (no rendering,
  no database: misses are cached too), so this ratio isolates resolution, which a and b
  hide behind the home page's rendering. The errors of d and e are their 404 answers.
- $warm_note
- Resident memory of \`congxa serve all\` (VmRSS): $rss_ready MiB when ready, $rss_one MiB after a,
  **$rss_spread MiB after b** (goal under $GOAL_RSS_MIB MiB: $( ((rss_spread < GOAL_RSS_MIB)) && echo met || echo "NOT met")), $rss_unknown MiB after d.

### Console at scale

Signed in as a platform operator; $BENCH_RUNS requests each after 3 warm-up ones,
time to the last byte (curl's \`time_total\`), in milliseconds. Pages of 50.

| page | path | median | max |
| --- | --- | ---: | ---: |
${console_rows}| \`congxa tenant list --search 0999 --json\` (whole process, connecting included) | | $cli_median | $cli_max |
| the same with \`DATABASE_URL=…?sslmode=disable\` (no TLS to PostgreSQL) | | $plain_median | $plain_max |

### The list query

\`EXPLAIN (ANALYZE, BUFFERS)\` of the query of \`tenants::list\` (shared/tenancy/src/tenants.rs),
read from the source, prepared as sqlx does; execution times in milliseconds, as
the first executions plan it (custom plan) and as PostgreSQL may plan it once the
statement is cached (generic plan). ${slow_note}

| query | custom plan reads communes by | ms | generic plan reads communes by | ms |
| --- | --- | ---: | --- | ---: |
${plan_rows}
The search's custom plan:

\`\`\`
$(grep -v '^$' "$BENCH_WORK/explain-search.txt")
\`\`\`
EOF
} >"$BENCH_REPORT"
say "tenancy: done"
