# Helpers shared by the parts of `make bench` (sourced, not run). Each part
# runs as its own bash process with `set -euo pipefail`, gets from tests/bench/run:
#
#   CONGXA        the release binary to measure
#   BENCH_DIR     tests/bench (its scripts, e.g. spread.lua)
#   BENCH_WORK    a scratch folder for this part (logs, host lists, cookies)
#   BENCH_REPORT  the file the part writes its Markdown section to
#
# and may read the load settings below. Progress goes to stdout, one line per
# phase; the figures go to BENCH_REPORT, which the driver prints and splices
# into BENCHMARKS.md.

# The same load for every wrk run, so figures of one run compare.
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}
BENCH_DURATION=${BENCH_DURATION:-15s}
BENCH_WARMUP=${BENCH_WARMUP:-5s}
# Repetitions of each single-request timing (console pages, CLI commands).
BENCH_RUNS=${BENCH_RUNS:-50}

PG_ADMIN=${BENCH_PG_ADMIN:-postgres://postgres@127.0.0.1:5432}

say() { printf '[bench] %s\n' "$*"; }
fail() {
  printf '[bench] FAILED: %s\n' "$*" >&2
  exit 1
}

# Microseconds since the epoch, for timing without forking.
now_us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
# Milliseconds between two now_us values, with two decimals.
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b - a) / 1000 }'; }

# A TCP port nobody listens on (checked, then handed out; good enough on a
# quiet machine). Ports already handed out by this process are skipped.
_taken_ports=" "
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 20000))
    [[ $_taken_ports == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      _taken_ports+="$port "
      echo "$port"
      return 0
    fi
  done
  fail "no free port found"
}

# Waits until `curl` gets a 200 from a URL (extra curl options after it).
wait_for_200() { # seconds url [curl options...]
  local seconds=$1 url=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true) == 200 ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# A program from Debian's packages, installed when missing (as root
# directly, otherwise sudo).
ensure_package() { # command package
  command -v "$1" >/dev/null && return 0
  say "installing $2 from Debian's packages"
  local root=() log="${BENCH_LOGS:-/tmp}/apt-$2.log"
  [[ $(id -u) == 0 ]] || root=(sudo)
  "${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >"$log" 2>&1 ||
    { "${root[@]}" apt-get update -q >>"$log" 2>&1 &&
      "${root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >>"$log" 2>&1; } ||
    fail "could not install $2 (see $log)"
}

ensure_wrk() { ensure_package wrk wrk; }

# What a browser sends: every page view of the bench is a person's, and the
# page travels compressed.
BROWSER_AGENT='Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'
BROWSER_ENCODINGS='gzip, deflate, br'

# Starts `congxa serve all` on free ports of the loopback with the
# environment given (VAR=value ...), waits until it serves `host`'s home
# page; sets server_pid and base (the gateway's URL).
server_pid= base=
start_platform() { # host log [VAR=value ...]
  local host=$1 log=$2 gateway content media analytics
  shift 2
  gateway=$(free_port) content=$(free_port) media=$(free_port) analytics=$(free_port)
  env "$@" CONGXA_GATEWAY_LISTEN=127.0.0.1:$gateway \
    CONGXA_CONTENT_LISTEN=127.0.0.1:$content CONGXA_CONTENT_URL=http://127.0.0.1:$content \
    CONGXA_MEDIA_LISTEN=127.0.0.1:$media CONGXA_MEDIA_URL=http://127.0.0.1:$media \
    CONGXA_ANALYTICS_LISTEN=127.0.0.1:$analytics CONGXA_ANALYTICS_URL=http://127.0.0.1:$analytics \
    "$CONGXA" serve all >>"$log" 2>&1 &
  server_pid=$!
  base=http://127.0.0.1:$gateway
  wait_for_200 60 "$base/" -H "Host: $host" ||
    fail "congxa serve all did not serve $host (see $log)"
}

stop_platform() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}

# One wrk run with spread.lua over the hosts listed in a file (one a line;
# a file with one line is the single-host case, so every scenario pays the
# same client-side cost). Prints the machine-readable line spread.lua's done()
# writes:  requests=… duration_us=… rps=… p50_us=… p99_us=… status_errors=… socket_errors=…
# The full wrk output is kept in BENCH_WORK/wrk-<name>.txt.
wrk_spread() { # name url hosts-file duration [path [user agent [encodings]]]
  local name=$1 url=$2 hosts=$3 duration=$4 path=${5:-/} agent=${6:-} encodings=${7:-}
  local out="$BENCH_WORK/wrk-$name.txt"
  wrk -t"$BENCH_THREADS" -c"$BENCH_CONNECTIONS" -d"$duration" --latency \
    -s "$BENCH_DIR/spread.lua" "$url" -- "$hosts" "$path" "$BENCH_THREADS" "$agent" "$encodings" >"$out" 2>&1 ||
    fail "wrk run '$name' failed: $(tail -n 3 "$out")"
  local line
  line=$(grep '^wrk-result ' "$out" | tail -n 1) || fail "wrk run '$name' printed no result (see $out)"
  line=${line#wrk-result }
  [[ $line == "requests=0 "* ]] && fail "wrk run '$name' completed no request (see $out)"
  echo "$line"
}

# The value of key=value in a wrk_spread result line.
field() { # line key
  local pair
  for pair in $1; do
    [[ ${pair%%=*} == "$2" ]] && { echo "${pair#*=}"; return 0; }
  done
  return 1
}

# Microseconds as milliseconds with two decimals.
us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

# Median and max (milliseconds, two decimals) of numbers, one a line, on stdin.
median_max() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- -"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.2f %.2f\n", m, v[NR]
  }'
}

# Resident memory of a process, in MiB.
rss_mib() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# The machine and software a section was measured on, as Markdown lines.
machine_lines() {
  local cpu kernel mem pg commit
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  kernel=$(uname -srm)
  mem=$(free -g | awk '/^Mem:/ { printf "%s GiB total, %s GiB available", $2, $7 }')
  pg=$(psql "$PG_ADMIN/postgres" -tAc 'SHOW server_version' 2>/dev/null | awk '{ print $1 }')
  commit=$(git -C "$BENCH_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$BENCH_DIR" diff --quiet HEAD 2>/dev/null || commit+=" (with uncommitted changes)"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: ${cpu:-unknown CPU}, $(nproc) cores (\`nproc\`), memory $mem (\`free -g\`)"
  echo "- Kernel: $kernel; PostgreSQL ${pg:-?}; $(wrk -v 2>&1 | head -n 1 | awk '{ print $1, $2 }')"
  echo "- Commit: $commit; ${BENCH_BUILD:-release build}"
}
