#!/usr/bin/env bash
# Bench part "Page cache": the demo commune's home page served from the
# gateway's page cache against nginx serving the identical bytes from a
# file (same load, same run); the same with visit counting off; and pages
# rendered with the cache off (home page, an article, a document search),
# with their ratio to the cached path. Run by tests/bench/run (see lib.sh).
#
# Works in its own database (BENCH_DATABASE, created anew, dropped at the
# end) and Redis key prefix; nginx from Debian's packages, installed when
# missing, runs from a configuration in the part's scratch folder.
set -euo pipefail

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

DATABASE=${BENCH_DATABASE:-congxa_bench_cache}
PREFIX=bench-cache
HOST=quoctuan.localhost
GOAL_NGINX=0.7
GOAL_COUNTING=0.95

admin_url="$PG_ADMIN/$DATABASE"
export CONGXA_ADMIN_DATABASE_URL=$admin_url DATABASE_URL="postgres://congxa_app@127.0.0.1:5432/$DATABASE"
export CONGXA_REDIS_PREFIX=$PREFIX CONGXA_PLATFORM_DOMAIN=localhost RUST_LOG=warn
export CONGXA_INTERNAL_TOKEN=bench-internal-token-0123456789

sql() { psql "$admin_url" -v ON_ERROR_STOP=1 -qtAX "$@"; }
forget_redis() {
  redis-cli --scan --pattern "$PREFIX:*" | xargs -r -n 500 redis-cli unlink >/dev/null
}

nginx_pid=
cleanup() {
  local status=$?
  stop_platform
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null || true
  forget_redis 2>/dev/null || true
  exit "$status"
}
trap cleanup EXIT

ensure_package nginx nginx-light

say "creating the database $DATABASE with the demo commune"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$DATABASE"
forget_redis
"$CONGXA" migrate >"$BENCH_WORK/migrate.log" 2>&1 || fail "congxa migrate failed (see $BENCH_WORK/migrate.log)"
"$CONGXA" seed-demo >"$BENCH_WORK/seed.log" 2>&1 || fail "congxa seed-demo failed (see $BENCH_WORK/seed.log)"
article=$(sql -c "SELECT '/' || s.path || '/' || i.slug FROM items i JOIN sections s ON s.id = i.section_id
                  WHERE i.status = 'published' AND s.kind = 'news' ORDER BY i.published_at DESC LIMIT 1")
[[ -n $article ]] || fail "the demo commune has no published article"
search='/tim-kiem?q=quyet+dinh'

hosts=$BENCH_WORK/hosts.txt
echo "$HOST" >"$hosts"
load="wrk -t$BENCH_THREADS -c$BENCH_CONNECTIONS -d$BENCH_DURATION --latency"
# Runs the warm-up, then the measurement; prints the result line.
measure() { # name url [path]
  say "$1: warm-up $BENCH_WARMUP, then $load"
  wrk_spread "$1-warmup" "$2" "$hosts" "$BENCH_WARMUP" "${3:-/}" "$BROWSER_AGENT" "$BROWSER_ENCODINGS" >/dev/null
  local result
  result=$(wrk_spread "$1" "$2" "$hosts" "$BENCH_DURATION" "${3:-/}" "$BROWSER_AGENT" "$BROWSER_ENCODINGS")
  say "  $(field "$result" rps) requests/s, p99 $(us_to_ms "$(field "$result" p99_us)") ms"
  echo "$result"
}

# --- Cached, and nginx with the same bytes -------------------------------------
start_platform "$HOST" "$BENCH_WORK/serve.log"
fetch() { # file [extra curl options...]
  local file=$1
  shift
  curl -s -H "Host: $HOST" -H "User-Agent: $BROWSER_AGENT" -H "Accept-Encoding: $BROWSER_ENCODINGS" \
    -D "$file.headers" -o "$file" "$@" "$base/"
}
fetch "$BENCH_WORK/first.br"
fetch "$BENCH_WORK/home.br"
grep -qi '^x-cache: hit' "$BENCH_WORK/home.br.headers" ||
  fail "the second request of the home page was not a cache hit (see $BENCH_WORK/home.br.headers)"
grep -qi '^content-encoding: br' "$BENCH_WORK/home.br.headers" ||
  fail "the home page did not come in Brotli (see $BENCH_WORK/home.br.headers)"
page_bytes=$(stat -c %s "$BENCH_WORK/home.br")

mkdir -p "$BENCH_WORK/www"
cp "$BENCH_WORK/home.br" "$BENCH_WORK/www/index.html"
nginx_port=$(free_port)
cat >"$BENCH_WORK/nginx.conf" <<EOF
worker_processes auto;
pid $BENCH_WORK/nginx.pid;
error_log $BENCH_WORK/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$nginx_port;
    root $BENCH_WORK/www;
    location = / {
      default_type "text/html; charset=utf-8";
      add_header Content-Encoding br;
      add_header Vary accept-encoding;
      try_files /index.html =404;
    }
  }
}
EOF
nginx -c "$BENCH_WORK/nginx.conf" -p "$BENCH_WORK" >"$BENCH_WORK/nginx.log" 2>&1 &
nginx_pid=$!
wait_for_200 20 "http://127.0.0.1:$nginx_port/" || fail "nginx did not start (see $BENCH_WORK/nginx-error.log)"
curl -s -o "$BENCH_WORK/nginx.br" "http://127.0.0.1:$nginx_port/"
cmp -s "$BENCH_WORK/nginx.br" "$BENCH_WORK/home.br" || fail "nginx does not serve the identical bytes"

cached=$(measure cached "$base/")
nginx_run=$(measure nginx "http://127.0.0.1:$nginx_port/")
cached_article=$(measure cached-article "$base/" "$article")
kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
nginx_pid=
rss_cached=$(rss_mib "$server_pid")
stop_platform

# --- Cached, counting off ---------------------------------------------------------
start_platform "$HOST" "$BENCH_WORK/serve.log" CONGXA_COUNT_VIEWS=false
uncounted=$(measure cached-uncounted "$base/")
stop_platform

# --- Rendered every time ----------------------------------------------------------
start_platform "$HOST" "$BENCH_WORK/serve.log" CONGXA_PAGE_CACHE_BYTES=0
rendered_home=$(measure rendered-home "$base/")
rendered_article=$(measure rendered-article "$base/" "$article")
rendered_search=$(measure rendered-search "$base/" "$search")
stop_platform

ratio() { awk -v a="$(field "$1" rps)" -v b="$(field "$2" rps)" 'BEGIN { printf "%.3f", a / b }'; }
goal() { awk -v r="$1" -v g="$2" 'BEGIN { print (r >= g) ? "met" : "NOT met" }'; }
nginx_ratio=$(ratio "$cached" "$nginx_run")
counting_ratio=$(ratio "$cached" "$uncounted")
say "cached ÷ nginx: $nginx_ratio (goal ≥ $GOAL_NGINX: $(goal "$nginx_ratio" "$GOAL_NGINX")); counting on ÷ off (cached): $counting_ratio"

row() { # what result [ratio]
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$(field "$2" requests)" "$(field "$2" rps)" \
    "$(us_to_ms "$(field "$2" p50_us)")" "$(us_to_ms "$(field "$2" p99_us)")" \
    "$(($(field "$2" status_errors) + $(field "$2" socket_errors)))" "${3:-}"
}
cat >"$BENCH_REPORT" <<EOF
## Page cache

The demo commune (\`congxa seed-demo\`) through the gateway of \`congxa serve all\`
(release build, \`RUST_LOG=warn\`), and nginx (Debian's nginx-light, \`worker_processes
auto\`, \`sendfile on\`, no access log) serving the identical bytes of the home page
($page_bytes bytes, Brotli, as the gateway's cache holds them) from a file. wrk on the
same $(nproc) cores, every request with a phone browser's user agent and
\`Accept-Encoding: $BROWSER_ENCODINGS\`, so every request is a person's page view;
\`$load\` after a $BENCH_WARMUP warm-up of the same. Latencies in milliseconds.

$(machine_lines)
- Command: \`make bench\` (or \`tests/bench/run cache\`)

| load | requests | requests/s | p50 | p99 | errors | ratio |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
$(row "nginx, the home page's bytes from a file" "$nginx_run")
$(row "gateway, the home page from the page cache" "$cached" "$nginx_ratio of nginx")
$(row "gateway, the home page from the page cache, counting off" "$uncounted")
$(row "gateway, an article from the page cache (\`$article\`)" "$cached_article")
$(row "rendered, the home page (cache off)" "$rendered_home" "$(ratio "$rendered_home" "$cached") of cached")
$(row "rendered, the article (cache off)" "$rendered_article" "$(ratio "$rendered_article" "$cached_article") of cached")
$(row "rendered, a document search (\`$search\`, never cached)" "$rendered_search" "$(ratio "$rendered_search" "$cached") of the cached home")

- The cached home page through the gateway ÷ nginx: **$nginx_ratio** (goal ≥ $GOAL_NGINX: $(goal "$nginx_ratio" "$GOAL_NGINX"))
- Counting on ÷ off, on the cached path: **$counting_ratio** (goal ≥ $GOAL_COUNTING: $(goal "$counting_ratio" "$GOAL_COUNTING"))
- Resident memory of \`congxa serve all\` after the cached runs: $rss_cached MiB
EOF
say "cache: done"
