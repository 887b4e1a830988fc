#!/usr/bin/env bash
# Bench part "Media": a 200 MB upload streams to the S3-compatible server of
# the local stack without the platform holding it: the peak resident memory
# of `congxa serve all` during the upload, above what it held just before, is
# the figure (goal: under 32 MB). Run by tests/bench/run (see lib.sh for what it is given).
set -euo pipefail

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"

DATABASE=${BENCH_DATABASE:-congxa_bench_media}
UPLOAD_MB=${BENCH_UPLOAD_MB:-200}
GOAL_MB=32
TOKEN=bench-operator-token-0123456789

admin_url="$PG_ADMIN/$DATABASE"
export CONGXA_ADMIN_DATABASE_URL=$admin_url
export DATABASE_URL="postgres://congxa_app@127.0.0.1:5432/$DATABASE"
export CONGXA_PLATFORM_DOMAIN=localhost RUST_LOG=warn
export CONGXA_INTERNAL_TOKEN=bench-internal-token-0123456789 CONGXA_OPERATOR_TOKEN=$TOKEN
export CONGXA_MAX_UPLOAD_BYTES=$(((UPLOAD_MB + 1) * 1024 * 1024)) CONGXA_MAX_DOCUMENT_BYTES=$(((UPLOAD_MB + 1) * 1024 * 1024))

server_pid=
cleanup() {
  local status=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null || true
  rm -f "$BENCH_WORK/upload.pdf"
  exit "$status"
}
trap cleanup EXIT

say "creating the database $DATABASE and a commune"
dropdb -h 127.0.0.1 -U postgres --if-exists --force "$DATABASE" 2>/dev/null
createdb -h 127.0.0.1 -U postgres "$DATABASE"
"$CONGXA" migrate >"$BENCH_WORK/migrate.log" 2>&1 || fail "congxa migrate failed (see $BENCH_WORK/migrate.log)"
"$CONGXA" tenant create --slug quoctuan --name "Xã Quốc Tuấn" >/dev/null

say "making a ${UPLOAD_MB} MB document"
{ printf '%%PDF-1.7\n'; head -c $((UPLOAD_MB * 1024 * 1024)) /dev/urandom; } >"$BENCH_WORK/upload.pdf"
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

upload() { # file name → "http_code seconds"
  curl -s -o "$BENCH_WORK/upload.json" -w '%{http_code} %{time_total}\n' \
    -H 'Host: quoctuan.localhost' -H "Authorization: Bearer $TOKEN" \
    -F "file=@$1;filename=$2" "$base/api/tep"
}
# Peak resident memory since the last reset (VmHWM), in MiB.
peak_mib() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
reset_peak() { echo 5 >"/proc/$1/clear_refs"; }

# Warm up the paths (connections to the database and the bucket) first.
small=$BENCH_WORK/small.pdf
printf '%%PDF-1.7\nbench\n' >"$small"
read -r code _ < <(upload "$small" warm.pdf)
[[ $code == 201 ]] || fail "the warm-up upload answered $code (see $BENCH_WORK/serve.log)"

before=$(rss_mib "$server_pid")
reset_peak "$server_pid"
say "uploading ${UPLOAD_MB} MB"
read -r code seconds < <(upload "$BENCH_WORK/upload.pdf" "Tài liệu lớn.pdf")
[[ $code == 201 ]] || fail "the ${UPLOAD_MB} MB upload answered $code: $(cat "$BENCH_WORK/upload.json")"
peak=$(peak_mib "$server_pid")
rise=$(awk -v p="$peak" -v b="$before" 'BEGIN { printf "%.1f", p - b }')
verdict=$(awk -v r="$rise" -v g="$GOAL_MB" 'BEGIN { print (r < g) ? "met" : "missed" }')

cat >"$BENCH_REPORT" <<MD
## Media

$(machine_lines)
- Command: \`tests/bench/run media\` (\`make bench\` runs every part)

A ${UPLOAD_MB} MB document (random bytes behind a PDF header) uploaded with curl
through the gateway to the media service, which streams it to the local
S3-compatible server (s3s-fs) in 8 MiB parts. Memory is the resident set of
the one \`congxa serve all\` process: just before the upload (VmRSS) and its
peak during it (VmHWM, reset just before).

| Figure | Value |
|---|---|
| Resident memory before the upload | $before MiB |
| Peak resident memory during the upload | $peak MiB |
| Rise during the upload | **$rise MiB** (goal under $GOAL_MB MB: $verdict) |
| Upload time, curl's \`time_total\` | $seconds s |
MD
