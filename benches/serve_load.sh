#!/usr/bin/env bash
# Load test of `permitpack serve` on loopback, run by hand (the test suite has a small one:
# tests/integration/serve.rs, three companies of ten).
#
#   benches/serve_load.sh [COMPANIES] [EMPLOYEES]      (default: 8 50)
#
# Makes COMPANIES synthetic companies of EMPLOYEES each (examples/synth_company.rs: 12 MP
# portraits, JPEG and PDF scans, an xlsx roster), starts the release binary with `serve
# --no-open --port 0`, submits every company at once (curl, multipart, build mode), polls
# `GET /api/jobs/{id}` every 100 ms for every job until all are done, and prints: the time
# from the first upload to the last job done, the status endpoint's latency (median, p95,
# max, over every poll), the server's peak RSS (VmHWM), and each job's counts, checked
# against `permitpack check` on the same folder. Fails (exit 1) when a job fails, a count
# differs, p95 >= 200 ms or the peak RSS >= 600 MB.
# Needs about 5 GB of free disk at 8 x 50 (uploads, packets, the check outputs), curl, bc.
# Environment: BENCH_DIR (default target/bench-serve).
set -euo pipefail
cd "$(dirname "$0")/.."
companies=${1:-8}
employees=${2:-50}
work=${BENCH_DIR:-target/bench-serve}
bin=${CARGO_TARGET_DIR:-target}/release/permitpack
as_of=2026-11-26
cargo build --release --quiet
cargo build --release --quiet --example synth_company
synth=${CARGO_TARGET_DIR:-target}/release/examples/synth_company
rm -rf "$work"
mkdir -p "$work"
for c in $(seq 1 "$companies"); do
  "$synth" "$employees" "$work/co$c" --as-of "$as_of" >/dev/null
  "$bin" check "$work/co$c/roster.xlsx" --as-of "$as_of" --out "$work/cli$c" -q || true
done

"$bin" serve --no-open --port 0 --data "$work/data" >"$work/url" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -1 "$work/url")
base=${url%%/?token=*}
token=${url##*token=}
auth="Authorization: Bearer $token"

start=$(date +%s.%N)
for c in $(seq 1 "$companies"); do
  args=()
  while IFS= read -r -d '' f; do
    rel=${f#"$work/"}
    args+=(-F "file=@$f;filename=$rel")
  done < <(find "$work/co$c" -type f -print0)
  curl -sS -H "$auth" -F mode=build -F as_of=$as_of "${args[@]}" "$base/api/jobs" >"$work/job$c.json" &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
uploaded=$(date +%s.%N)

: >"$work/latency"
while :; do
  pending=0
  for c in $(seq 1 "$companies"); do
    id=$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' "$work/job$c.json")
    out=$(curl -sS -o "$work/status$c.json" -w '%{time_total}' -H "$auth" "$base/api/jobs/$id")
    echo "$out" >>"$work/latency"
    grep -q '"state":"\(done\|failed\)"' "$work/status$c.json" || pending=$((pending + 1))
  done
  [ "$pending" -eq 0 ] && break
  sleep 0.1
done
finished=$(date +%s.%N)
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$server/status)

fail=0
for c in $(seq 1 "$companies"); do
  got=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); c=(s.get("summary") or {}).get("counts") or {}; print(s["state"], c.get("employees"), c.get("ready"), c.get("attention"), c.get("not_yet"), c.get("too_late"), c.get("packets"))' "$work/status$c.json")
  want=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["summary"]; print("done", c["employees"], c["ready"], c["attention"], c["not_yet"], c["too_late"], c["employees"])' "$work/cli$c/report.json")
  echo "company $c: $got (check: $want)"
  [ "$got" = "$want" ] || fail=1
done
sort -n "$work/latency" >"$work/latency.sorted"
n=$(wc -l <"$work/latency.sorted")
pick() { sed -n "$(( ($1 * n + 99) / 100 ))p" "$work/latency.sorted"; }
p50=$(pick 50); p95=$(pick 95); max=$(tail -1 "$work/latency.sorted")
printf 'companies %s x %s employees: upload %.1f s, all done %.1f s after the first upload\n' \
  "$companies" "$employees" "$(echo "$uploaded - $start" | bc)" "$(echo "$finished - $start" | bc)"
printf 'status endpoint over %s polls: median %.1f ms, p95 %.1f ms, max %.1f ms\n' \
  "$n" "$(echo "$p50 * 1000" | bc)" "$(echo "$p95 * 1000" | bc)" "$(echo "$max * 1000" | bc)"
printf 'server peak RSS: %s MB\n' "$((rss_kb / 1024))"
if (( $(echo "$p95 >= 0.2" | bc) )) || (( rss_kb >= 614400 )); then fail=1; fi
exit $fail
