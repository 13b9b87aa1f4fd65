#!/usr/bin/env bash
# Benchmark of `permitpack build` on synthetic companies against the Python baseline.
#
#   benches/bench.sh [N ...]        (default: 100 1000)
#
# For each N: makes a synthetic company (12-megapixel JPEG portraits, scans, roster) with
# examples/synth_company.rs, runs permitpack build under /usr/bin/time -v, then the Python
# baseline (benches/baseline/baseline.py: openpyxl + Pillow draft mode + reportlab with a
# subset-embedded CJK font, one process per core) on the same files, and prints wall time,
# employees per second, peak RSS, output bytes and the speed ratio measured in the same run.
# Needs: python3 with pip (installs openpyxl, Pillow, reportlab into a venv under target/),
# Debian's fonts-wqy-zenhei (a TrueType CJK font reportlab can embed).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
work=${BENCH_DIR:-target/bench}
mkdir -p "$work"

cargo build --release --quiet
cargo build --release --quiet --example synth_company
bin=target/release/permitpack

venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet openpyxl Pillow reportlab
fi
font=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
if [ ! -f "$font" ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq fonts-wqy-zenhei >/dev/null
  else
    echo "bench: needs $font (Debian package fonts-wqy-zenhei)" >&2; exit 2
  fi
fi

measure() { # label out-dir command...
  local label=$1 out=$2; shift 2
  rm -rf "$out"; mkdir -p "$out"
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -v "$@" > "$work/$label.stdout" 2> "$work/$label.time" || true
  local wall rss bytes
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$label.time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/$label.time")
  bytes=$(du -sb "$out" | cut -f1)
  echo "$wall $rss $bytes"
}

printf '%-8s %-12s %9s %12s %10s %12s\n' N tool wall_s employees/s peak_MB output_MB
for n in "${sizes[@]}"; do
  company="$work/company-$n"
  if [ ! -f "$company/roster.xlsx" ]; then
    target/release/examples/synth_company "$n" "$company"
  fi
  read -r pw prss pbytes < <(measure "permitpack-$n" "$work/out-pp-$n" \
      "$bin" build "$company/roster.xlsx" --photos "$company/photos" --docs "$company/docs" \
      --out "$work/out-pp-$n" --as-of 2026-11-26 --quiet)
  printf '%-8s %-12s %9.2f %12.1f %10s %12.1f\n' "$n" permitpack "$pw" "$(echo "$n / $pw" | bc -l)" "$prss" "$(echo "$pbytes/1048576" | bc -l)"
  if [ "${SKIP_BASELINE:-0}" != 1 ]; then
    read -r bw brss bbytes < <(measure "baseline-$n" "$work/out-py-$n" \
        "$venv/bin/python" benches/baseline/baseline.py "$company/roster.xlsx" "$company/photos" \
        "$company/docs" "$work/out-py-$n" --font "$font")
    printf '%-8s %-12s %9.2f %12.1f %10s %12.1f\n' "$n" python "$bw" "$(echo "$n / $bw" | bc -l)" "$brss" "$(echo "$bbytes/1048576" | bc -l)"
    printf '%-8s %-12s %9.1fx\n' "$n" speedup "$(echo "$bw / $pw" | bc -l)"
  fi
done
