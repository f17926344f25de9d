#!/usr/bin/env bash
# The hub against a real Prometheus Alertmanager 0.25 on the same machine, in
# the same run: both on 127.0.0.1, both loaded with the same open alerts, both
# driven by wrk with the same settings, printed side by side with the ratio.
#
# Usage: benches/hub_vs_alertmanager.sh [list|writes|memory|pages|all]   (default: all)
#   list    the side-by-side table: full list (plain and gzip), the unchanged
#           feed (304), the changes since a cursor, resident memory
#   writes  acknowledge latency under concurrent writers against `oncall serve`
#   memory  the hub's resident memory holding MEMORY_INCIDENTS open incidents
#   pages   from the answer to the receiver: a hub page (webhook contact) and
#           an Alertmanager notification (webhook receiver, group_wait 0s),
#           PAGE_SAMPLES each, one at a time; then the hub's among WRITERS
#
# Settings (environment): ALERTS=10000 THREADS=2 CONNECTIONS=8 DURATION=10s
# WRITERS=64 WRITE_SECONDS=10 MEMORY_INCIDENTS=100000 PAGE_SAMPLES=500, and
# CARGO_TARGET_DIR as cargo reads it. Needs wrk and prometheus-alertmanager (Debian packages;
# installed with apt-get when missing and running as root).
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
MEMORY_INCIDENTS=${MEMORY_INCIDENTS:-100000}
PAGE_SAMPLES=${PAGE_SAMPLES:-500}
# How many changes back the "changes since" poll starts: a busy feed.
SINCE_BACK=${SINCE_BACK:-100}
MODE=${1:-all}
case "$MODE" in list | writes | memory | pages | all) ;; *)
  echo "usage: $0 [list|writes|memory|pages|all]" >&2
  exit 2
  ;;
esac

need_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
  command -v curl >/dev/null || missing+=(curl)
  install_missing "${missing[@]}"
}

TARGET=${CARGO_TARGET_DIR:-$PWD/target}
ONCALL=$TARGET/release/oncall
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

machine() {
  local model mem
  model=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
  mem=$(free -h | awk '/^Mem:/{print $2}')
  echo "machine: ${model:-unknown CPU}, $(nproc) cores, $mem memory; load average now: $(load)"
}

rss_mib() { awk '/^VmRSS:/{printf "%.0f", $2/1024}' "/proc/$1/status"; }

# A port nothing listens on now (Alertmanager needs one named up front).

start_hub() {
  TOKEN="oc_bench_$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  local hash
  hash=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
  # The hub refuses a config of token hashes that others can read.
  (umask 077 && printf '[[hub.responders]]\nname = "bench"\ntoken_sha256 = "%s"\n' "$hash" >"$WORK/hub.toml")
  ONCALL_LOG=info "$ONCALL" --config "$WORK/hub.toml" serve --listen 127.0.0.1:0 \
    --db "$WORK/hub.db" 2>"$WORK/hub.log" &
  HUB_PID=$!
  PIDS+=("$HUB_PID")
  local addr=""
  for _ in $(seq 300); do
    addr=$(sed -n 's/.*hub listening addr=\([^ ]*\).*/\1/p' "$WORK/hub.log" | head -1)
    [ -n "$addr" ] && break
    kill -0 "$HUB_PID" 2>/dev/null || die "the hub stopped: $(cat "$WORK/hub.log")"
    sleep 0.1
  done
  [ -n "$addr" ] || die "the hub did not say where it listens"
  HUB=http://$addr
}

# start_alertmanager [RECEIVER_PORT]: with a port, every alert is its own
# group (a new alertname each) and is sent at once (group_wait 0s) to the
# webhook receiver the load program serves there.
start_alertmanager() {
  local port receiver_port=${1:-}
  port=$(free_port)
  mkdir -p "$WORK/am"
  if [ -n "$receiver_port" ]; then
    cat >"$WORK/am.yml" <<EOF
route:
  receiver: bench
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 4h
receivers:
  - name: bench
    webhook_configs:
      - url: http://127.0.0.1:$receiver_port/alertmanager
        send_resolved: false
EOF
  else
    cat >"$WORK/am.yml" <<'EOF'
route:
  receiver: nowhere
  group_by: ['alertname', 'service']
receivers:
  - name: nowhere
EOF
  fi
  prometheus-alertmanager --config.file="$WORK/am.yml" --storage.path="$WORK/am" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= \
    --web.external-url="http://127.0.0.1:$port" --log.level=warn 2>"$WORK/am.log" &
  AM_PID=$!
  PIDS+=("$AM_PID")
  AM=http://127.0.0.1:$port
  for _ in $(seq 300); do
    curl -fs "$AM/-/ready" >/dev/null 2>&1 && return
    kill -0 "$AM_PID" 2>/dev/null || die "Alertmanager stopped: $(cat "$WORK/am.log")"
    sleep 0.1
  done
  die "Alertmanager was not ready within 30 s"
}

# wrk URL [HEADER...]: prints "requests/s p50 non2xx3xx"
drive() {
  local url=$1
  shift
  local args=() h out
  for h in "$@"; do args+=(-H "$h"); done
  # A generous timeout: wrk's default (2 s) would count Alertmanager's slow
  # answers as errors instead of measuring them.
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s --latency "${args[@]}" "$url")
  echo "$out" >>"$WORK/wrk.log"
  local rps p50 bad
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx/{print $NF}' <<<"$out")
  echo "${rps:-0} ${p50:-?} ${bad:-0}"
}

# size URL [HEADER...]: bytes of one answer as sent (compressed if it was)
size() {
  local url=$1
  shift
  local args=() h
  for h in "$@"; do args+=(-H "$h"); done
  curl -s -o /dev/null -w '%{size_download}' "${args[@]}" "$url"
}

human() { awk -v b="$1" 'BEGIN{ if (b>=1048576) printf "%.1f MB", b/1048576; else if (b>=1024) printf "%.0f KB", b/1024; else printf "%d B", b }'; }

row() { printf '%-40s %14s %10s %14s %10s %9s\n' "$@"; }

ratio() { awk -v h="$1" -v a="$2" 'BEGIN{ if (a>0) printf "%.0fx", h/a; else print "-" }'; }

list_table() {
  start_hub
  start_alertmanager
  echo "== loading $ALERTS open alerts into both (hub: Alertmanager webhooks of 500 alerts, one transaction each)"
  ONCALL_BENCH_TOKEN=$TOKEN load_program fill --alertmanager "$AM" --hub "$HUB" --alerts "$ALERTS"
  local auth="Authorization: Bearer $TOKEN" gz="Accept-Encoding: gzip"
  local hub_list="$HUB/api/v1/incidents?status=open" am_list="$AM/api/v2/alerts"
  local am_n hub_n
  am_n=$(curl -s "$am_list" | grep -o '"fingerprint"' | wc -l)
  hub_n=$(curl -s -H "$auth" "$hub_list" | grep -o '"dedup_key"' | wc -l)
  echo "open: Alertmanager $am_n alerts, hub $hub_n incidents"
  sleep 2
  local am_rss hub_rss
  am_rss=$(rss_mib "$AM_PID")
  hub_rss=$(rss_mib "$HUB_PID")
  local etag cursor
  etag=$(curl -s -D - -o /dev/null -H "$auth" "$hub_list" | awk 'tolower($1)=="etag:"{print $2}' | tr -d '\r')
  cursor=$(curl -s -H "$auth" "$hub_list" | grep -o '"cursor":[0-9]*' | head -1 | cut -d: -f2)
  local since="$HUB/api/v1/incidents?status=all&since=$((cursor - SINCE_BACK))"

  echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION (load before: $(load))"
  local a1 h1 a2 h2 h3 h4
  read -r -a a1 <<<"$(drive "$am_list")"
  read -r -a h1 <<<"$(drive "$hub_list" "$auth")"
  read -r -a a2 <<<"$(drive "$am_list" "$gz")"
  read -r -a h2 <<<"$(drive "$hub_list" "$auth" "$gz")"
  read -r -a h3 <<<"$(drive "$hub_list" "$auth" "If-None-Match: $etag")"
  read -r -a h4 <<<"$(drive "$since" "$auth" "$gz")"
  echo "(load after: $(load))"

  local s_a1 s_h1 s_a2 s_h2 s_h4
  s_a1=$(size "$am_list")
  s_h1=$(size "$hub_list" "$auth")
  s_a2=$(size "$am_list" "$gz")
  s_h2=$(size "$hub_list" "$auth" "$gz")
  s_h4=$(size "$since" "$auth" "$gz")

  echo
  row "request ($ALERTS open)" "Alertmanager/s" "per answer" "hub/s" "per answer" "hub/AM"
  row "full list" "${a1[0]}" "$(human "$s_a1")" "${h1[0]}" "$(human "$s_h1")" "$(ratio "${h1[0]}" "${a1[0]}")"
  row "full list, Accept-Encoding: gzip" "${a2[0]}" "$(human "$s_a2")" "${h2[0]}" "$(human "$s_h2")" "$(ratio "${h2[0]}" "${a2[0]}")"
  row "unchanged feed (hub: 304 by ETag)*" "${a2[0]}" "$(human "$s_a2")" "${h3[0]}" "0 B" "$(ratio "${h3[0]}" "${a2[0]}")"
  row "changes since cursor ($SINCE_BACK changed)*" "${a2[0]}" "$(human "$s_a2")" "${h4[0]}" "$(human "$s_h4")" "$(ratio "${h4[0]}" "${a2[0]}")"
  row "resident memory after loading" "$am_rss MiB" "" "$hub_rss MiB" "" "$(ratio "$am_rss" "$hub_rss") less"
  echo "* Alertmanager has neither ETags nor a cursor: its clients fetch the whole list each poll (gzip row)."
  echo "median latency: AM ${a1[1]} / ${a2[1]} gzip; hub ${h1[1]} / ${h2[1]} gzip, 304 ${h3[1]}, since ${h4[1]}"
  local bad=$((${a1[2]} + ${h1[2]} + ${a2[2]} + ${h2[2]} + ${h3[2]} + ${h4[2]}))
  [ "$bad" -eq 0 ] || die "$bad answers were neither 2xx nor 3xx (see the wrk output above)"
  kill "$AM_PID" "$HUB_PID" 2>/dev/null || true
  wait "$AM_PID" "$HUB_PID" 2>/dev/null || true
}

pages_table() {
  local receiver_port
  receiver_port=$(free_port)
  start_alertmanager "$receiver_port"
  echo "== pages: $PAGE_SAMPLES each, one at a time; Alertmanager group_wait 0s (load before: $(load))"
  load_program pages --alertmanager "$AM" --receiver-port "$receiver_port" \
    --samples "$PAGE_SAMPLES" --writers "$WRITERS" --incidents "$ALERTS"
  echo "(load after: $(load))"
  kill "$AM_PID" 2>/dev/null || true
  wait "$AM_PID" 2>/dev/null || true
}

need_tools
build
machine
case "$MODE" in
list) list_table ;;
writes) load_program writes --writers "$WRITERS" --seconds "$WRITE_SECONDS" --incidents "$ALERTS" ;;
memory) load_program memory --incidents "$MEMORY_INCIDENTS" ;;
pages) pages_table ;;
all)
  list_table
  echo
  echo "== $WRITERS concurrent writers against oncall serve (load before: $(load))"
  load_program writes --writers "$WRITERS" --seconds "$WRITE_SECONDS" --incidents "$ALERTS"
  echo
  echo "== memory with $MEMORY_INCIDENTS open incidents"
  load_program memory --incidents "$MEMORY_INCIDENTS"
  echo
  pages_table
  ;;
esac
