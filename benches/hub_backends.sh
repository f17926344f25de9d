#!/usr/bin/env bash
# The hub on each of its stores, side by side in one run, behind the same
# load: a SQLite hub, one hub on PostgreSQL, and two hubs sharing one
# PostgreSQL database (the load spread over both, as a load balancer or
# consoles with `urls = [...]` would). What a team gives up or gains by moving
# its hub to PostgreSQL, measured rather than guessed.
#
# Usage: benches/hub_backends.sh
#
# For each setup: ALERTS open incidents loaded as Alertmanager webhooks, then
# `wrk` on the full list (plain and gzip), the unchanged feed (304 by ETag:
# answered from memory, it must not touch the database) and the changes since
# a cursor SINCE_BACK changes back; then WRITERS concurrent writers
# acknowledging (then noting) for WRITE_SECONDS (`hub_load writes --hub`).
# With two hubs, wrk runs against both at once, half the connections each.
#
# PostgreSQL is a private cluster in a temporary directory (Debian's
# postgresql package: initdb and pg_ctl from /usr/lib/postgresql/*/bin),
# listening on 127.0.0.1 only, with the package's defaults (fsync and
# synchronous_commit on: every answered write is durable, as on SQLite). Run
# as root, the cluster runs as the `postgres` user.
#
# Settings (environment): ALERTS=10000 THREADS=2 CONNECTIONS=8 DURATION=10s
# WRITERS=64 WRITE_SECONDS=10 SINCE_BACK=100, and CARGO_TARGET_DIR as cargo
# reads it. Needs wrk, curl and postgresql (installed with apt-get when
# missing and running as root).
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=benches/common.sh
. benches/common.sh
ALERTS=${ALERTS:-10000}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-8}
DURATION=${DURATION:-10s}
WRITERS=${WRITERS:-64}
WRITE_SECONDS=${WRITE_SECONDS:-10}
SINCE_BACK=${SINCE_BACK:-100}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

need_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v curl >/dev/null || missing+=(curl)
  [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
  install_missing "${missing[@]}"
}

machine() {
  local model mem
  model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
  mem=$(free -h | awk '/^Mem:/{print $2}')
  echo "machine: ${model:-unknown CPU}, $(nproc) cores, $mem memory; $("$(pg_bin)/postgres" --version); load average now: $(load)"
}

TARGET=${CARGO_TARGET_DIR:-$PWD/target}
ONCALL=$TARGET/release/oncall
WORK=$(mktemp -d)
chmod 755 "$WORK"
PIDS=()
PG_STOP=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ ${#PG_STOP[@]} -eq 0 ] || "${PG_STOP[@]}" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# The cluster's programs, as the user it runs as.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local bin data
  bin=$(pg_bin)
  data=$WORK/pg/data
  mkdir -p "$WORK/pg"
  PG_PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  printf %s "$PG_PASSWORD" >"$WORK/pg/pwfile"
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$WORK/pg"
  as_pg "$bin/initdb" -D "$data" -U oncall --pwfile="$WORK/pg/pwfile" --auth-host=scram-sha-256 \
    --auth-local=trust --encoding=UTF8 --locale=C >"$WORK/pg/initdb.log" 2>&1 ||
    die "initdb failed: $(cat "$WORK/pg/initdb.log")"
  PG_PORT=$(free_port)
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nmax_connections = 200\n" \
    "$PG_PORT" "$WORK/pg" | as_pg tee -a "$data/postgresql.auto.conf" >/dev/null
  as_pg "$bin/pg_ctl" -D "$data" -l "$WORK/pg/log" -w -t 60 start >/dev/null ||
    die "PostgreSQL did not start: $(cat "$WORK/pg/log")"
  PG_STOP=(as_pg "$bin/pg_ctl" -D "$data" stop -m fast)
  export PGPASSWORD=$PG_PASSWORD
}

create_database() {
  as_pg "$(pg_bin)/psql" -q -h "$WORK/pg" -p "$PG_PORT" -U oncall -d postgres \
    -c "CREATE DATABASE $1" >/dev/null
  echo "postgres://oncall@127.0.0.1:$PG_PORT/$1"
}

TOKEN="oc_bench_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
(umask 077 && printf '[[hub.responders]]\nname = "bench"\ntoken_sha256 = "%s"\n' \
  "$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)" >"$WORK/hub.toml")
AUTH="Authorization: Bearer $TOKEN"
GZ="Accept-Encoding: gzip"

# start_hub NAME DB: a hub on DB; its URL is appended to HUBS.
start_hub() {
  local name=$1 db=$2 log=$WORK/$1.log addr=""
  ONCALL_LOG=info "$ONCALL" --config "$WORK/hub.toml" serve --listen 127.0.0.1:0 --db "$db" 2>"$log" &
  local pid=$!
  PIDS+=("$pid")
  HUB_PIDS+=("$pid")
  for _ in $(seq 300); do
    addr=$(sed -n 's/.*hub listening addr=\([^ ]*\).*/\1/p' "$log" | head -1)
    [ -n "$addr" ] && break
    kill -0 "$pid" 2>/dev/null || die "hub $name stopped: $(cat "$log")"
    sleep 0.1
  done
  [ -n "$addr" ] || die "hub $name did not say where it listens"
  HUBS+=("http://$addr")
}

stop_hubs() {
  kill "${HUB_PIDS[@]}" 2>/dev/null || true
  wait "${HUB_PIDS[@]}" 2>/dev/null || true
  HUB_PIDS=()
  HUBS=()
}

# drive PATH [HEADER...]: wrk on PATH of every hub at once, the connections
# and threads shared out; prints "total-requests/s worst-p50 bad-answers".
drive() {
  local path=$1
  shift
  local args=() h i n=${#HUBS[@]}
  for h in "$@"; do args+=(-H "$h"); done
  local c=$(((CONNECTIONS + n - 1) / n)) t=$(((THREADS + n - 1) / n))
  local running=()
  for i in "${!HUBS[@]}"; do
    wrk -t"$t" -c"$c" -d"$DURATION" --timeout 30s --latency "${args[@]}" "${HUBS[$i]}$path" \
      >"$WORK/wrk.$i" &
    running+=($!)
  done
  wait "${running[@]}"
  local rps=0 p50="" bad=0 out
  for i in "${!HUBS[@]}"; do
    out=$(cat "$WORK/wrk.$i")
    echo "$out" >>"$WORK/wrk.log"
    rps=$(awk -v a="$rps" -v b="$(awk '/^Requests\/sec:/{print $2}' <<<"$out")" 'BEGIN{printf "%.0f", a+b}')
    p50="$p50${p50:+/}$(awk '$1=="50%"{print $2}' <<<"$out")"
    bad=$((bad + $(awk '/Non-2xx or 3xx/{print $NF; f=1} END{if(!f) print 0}' <<<"$out")))
  done
  echo "$rps $p50 $bad"
}

# measure SETUP: the list rows and the writes of the hubs in HUBS.
measure() {
  local setup=$1 n=${#HUBS[@]}
  echo "== $setup: loading $ALERTS open alerts through ${HUBS[0]} (load before: $(load))"
  ONCALL_BENCH_TOKEN=$TOKEN load_program fill --hub "${HUBS[0]}" --alerts "$ALERTS"
  local list="/api/v1/incidents?status=open" etag cursor h tag
  etag=$(curl -s -D - -o /dev/null -H "$AUTH" "${HUBS[0]}$list" | awk 'tolower($1)=="etag:"{print $2}' | tr -d '\r')
  for h in "${HUBS[@]}"; do
    # On PostgreSQL a change is in another hub's list within a second.
    for _ in $(seq 50); do
      tag=$(curl -s -D - -o /dev/null -H "$AUTH" "$h$list" | awk 'tolower($1)=="etag:"{print $2}' | tr -d '\r')
      [ "$tag" = "$etag" ] && break
      sleep 0.1
    done
    [ "$tag" = "$etag" ] || die "$h answers ETag $tag, ${HUBS[0]} $etag: the hubs disagree"
  done
  [ "$n" -eq 1 ] || echo "every hub answers the same ETag: $etag"
  cursor=$(curl -s -H "$AUTH" "${HUBS[0]}$list" | grep -o '"cursor":[0-9]*' | head -1 | cut -d: -f2)
  local r1 r2 r3 r4
  read -r -a r1 <<<"$(drive "$list" "$AUTH")"
  read -r -a r2 <<<"$(drive "$list" "$AUTH" "$GZ")"
  read -r -a r3 <<<"$(drive "$list" "$AUTH" "If-None-Match: $etag")"
  read -r -a r4 <<<"$(drive "/api/v1/incidents?status=all&since=$((cursor - SINCE_BACK))" "$AUTH" "$GZ")"
  local bad=$((${r1[2]} + ${r2[2]} + ${r3[2]} + ${r4[2]}))
  [ "$bad" -eq 0 ] || die "$bad answers were neither 2xx nor 3xx ($WORK/wrk.log)"
  local hub_args=()
  for h in "${HUBS[@]}"; do hub_args+=(--hub "$h"); done
  echo "== $setup: $WRITERS writers for ${WRITE_SECONDS}s (load before: $(load))"
  ONCALL_BENCH_TOKEN=$TOKEN load_program writes "${hub_args[@]}" --writers "$WRITERS" \
    --seconds "$WRITE_SECONDS" --incidents "$ALERTS" | tee "$WORK/writes.out"
  local wps ack
  per_hub() { awk -v a="$1" -v n="$n" 'BEGIN{printf "%.0f", a/n}'; }
  wps=$(sed -n 's/.* \([0-9]*\) writes\/s.*/\1/p' "$WORK/writes.out")
  ack=$(sed -n 's/^acknowledge: .* p99 \([0-9.]* ms\).*/\1/p' "$WORK/writes.out")
  RESULTS+=("$setup|${r1[0]} (${r1[1]})|${r2[0]} (${r2[1]})|${r3[0]} ($(per_hub "${r3[0]}")/hub, ${r3[1]})|${r4[0]} (${r4[1]})|$ack|$wps")
  echo "(load after: $(load))"
}

need_tools
build
machine
start_postgres
RESULTS=()
HUBS=()
HUB_PIDS=()

start_hub a "$WORK/hub.db"
measure "SQLite, one hub"
stop_hubs

db=$(create_database one)
start_hub a "$db"
measure "PostgreSQL, one hub"
stop_hubs

db=$(create_database two)
start_hub a "$db"
start_hub b "$db"
measure "PostgreSQL, two hubs"
stop_hubs

echo
echo "$ALERTS open incidents; wrk -t$THREADS -c$CONNECTIONS -d$DURATION per row (requests/s in all, median); $WRITERS writers for ${WRITE_SECONDS}s"
for r in "${RESULTS[@]}"; do
  IFS='|' read -r setup full gz nm since ack wps <<<"$r"
  echo "$setup:"
  echo "  full list ${full} req/s; gzip ${gz}; unchanged (304) ${nm}; since cursor (${SINCE_BACK} changed, gzip) ${since}"
  echo "  acknowledge p99 ${ack}; ${wps} writes/s"
done
