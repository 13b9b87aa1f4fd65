#!/usr/bin/env bash
# Benchmark of `permitpack build` on synthetic companies against the Python baseline.
#
#   benches/bench.sh [N ...]        (default: 100 1000)
#
# For each N: makes a synthetic company (12-megapixel JPEG portraits, scans, roster) with
# examples/synth_company.rs (with PHONE_SHOTS=1: `--phone-shots`, the scans as HR really has
# them: 4032 x 3024 phone photos of 3-6 MB, some with EXIF orientation 6, the work permit as
# front and back, the labour contract as a 3-page scanned PDF of 1.5-3 MB, so the upload files
# must be recompressed to fit 1 MB), runs permitpack build under /usr/bin/time -v into an empty output
# folder (cold), then again into the same folder with nothing changed (warm: every employee
# comes from the rerun cache in OUT/.permitpack/cache/), then with one photo replaced by
# another picture (one-changed: that employee alone is redone; the script checks that exactly
# one packet was rewritten). Then the Python baseline (benches/baseline/baseline.py: openpyxl
# + Pillow draft mode + reportlab with a subset-embedded CJK font + pypdf, stored zip entries,
# one process per core; the same packet layout: cover, upload/NN_<item>.pdf within 1 MB each
# by the same ladder of sizes and JPEG qualities, upload/photo.jpg within 200 KB, print/ letters,
# originals/) on the same files, with its letters set as wrapped paragraphs
# (`--layout paragraph`, as a real script must) and, unless SKIP_OLD_BASELINE=1, with the
# earlier one-`drawString`-per-line letters (`--layout drawstring`). Prints wall time,
# employees per second, peak RSS, output bytes and the speed ratios measured in the same run.
# Each measurement runs REPEAT times (default 2) and the fastest run is shown, since the
# machine is shared; every run's figures are kept in target/bench/runs.tsv.
#
# Environment: REPEAT=n, SKIP_BASELINE=1 (permitpack only), SKIP_WARM=1 (cold run only),
# SKIP_OLD_BASELINE=1 (no drawString baseline), PHONE_SHOTS=1 (phone-shot scans: the companies
# are made as BENCH_DIR/company-phone-N, the outputs go to out-*-phone-N),
# BIN and SYNTH (use these permitpack and synth_company binaries instead of building them),
# BENCH_DIR (default target/bench),
# JOBS (permitpack --jobs and the baseline's --procs; default: every core), PRUNE=1 (when the
# packets would not fit on the disk, about 5.5 MB an employee, 28 MB with PHONE_SHOTS=1, for
# each tool: every second, finished packets
# are counted and truncated to 0 bytes; the tools do the same work, but less of it reaches
# the disk, so I/O is under-counted for both).
# Files are read from the page cache in both tools (the company's photos are hard links to a
# pool of a few distinct files): the figures are CPU work, not disk speed. Caches are not dropped,
# as that would need root and disturb everything else on the machine.
# Needs: python3 with venv/pip (installs openpyxl, Pillow, reportlab, pypdf into a venv under
# target/), Debian's fonts-wqy-zenhei (a TrueType CJK font reportlab can embed), bc.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
work=${BENCH_DIR:-target/bench}
repeat=${REPEAT:-2}
mkdir -p "$work"

# Private copies, taken right after each build: a target folder shared with other checkouts
# (CARGO_TARGET_DIR) may be rebuilt from another branch mid-benchmark. BIN and SYNTH give
# binaries built beforehand instead.
target_dir=${CARGO_TARGET_DIR:-target}
mkdir -p "$work/bin"
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  cp "$target_dir/release/permitpack" "$work/bin/permitpack"
  BIN=$work/bin/permitpack
fi
if [ -z "${SYNTH:-}" ]; then
  cargo build --release --quiet --example synth_company
  cp "$target_dir/release/examples/synth_company" "$work/bin/synth_company"
  SYNTH=$work/bin/synth_company
fi
bin=$BIN
if ! "$bin" build --help | grep -q -- --no-cache; then
  echo "bench: $bin has no rerun cache (built from another checkout?); build again or set BIN" >&2
  exit 2
fi
jobs=()
[ -z "${JOBS:-}" ] || jobs=(--jobs "$JOBS")
# PHONE_SHOTS=1: phone-shot scans, in folders of their own (a company made without the option
# is never reused for it, nor the other way round).
synth_opts=() kind=""
if [ "${PHONE_SHOTS:-0}" = 1 ]; then
  synth_opts=(--phone-shots)
  kind="phone-"
fi

venv=target/bench-venv
font=/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
if [ "${SKIP_BASELINE:-0}" != 1 ]; then
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet openpyxl Pillow reportlab pypdf
  elif ! "$venv/bin/python" -c 'import pypdf' 2>/dev/null; then
    # A venv made before the baseline built upload files.
    "$venv/bin/pip" install --quiet pypdf
  fi
  if [ ! -f "$font" ]; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      apt-get install -y -qq fonts-wqy-zenhei >/dev/null
    else
      echo "bench: needs $font (Debian package fonts-wqy-zenhei)" >&2
      exit 2
    fi
  fi
fi

# measure LABEL OUT-DIR OK-EXITS COMMAND... -> "wall_s peak_MB output_bytes cpu_s" on stdout.
# OK-EXITS lists the exit statuses that mean the run finished (permitpack: 0 all ready,
# 1 someone needs attention); any other status stops the benchmark with the tool's stderr.
# OUT-DIR is emptied first, unless KEEP_OUT=1 (a warm rerun).
measure() {
  local label=$1 out=$2 ok=$3
  shift 3
  [ "${KEEP_OUT:-0}" = 1 ] || rm -rf "$out"
  mkdir -p "$out"
  local status=0 pruner=""
  if [ "${PRUNE:-0}" = 1 ]; then
    prune "$out" "$work/$label.pruned" &
    pruner=$!
  fi
  /usr/bin/time -v "$@" >"$work/$label.stdout" 2>"$work/$label.time" || status=$?
  if [ -n "$pruner" ]; then
    touch "$work/$label.pruned.stop"
    wait "$pruner"
  fi
  if [[ " $ok " != *" $status "* ]]; then
    echo "bench: $label exited with status $status:" >&2
    tail -20 "$work/$label.time" >&2
    exit 1
  fi
  local wall rss bytes cpu
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$label.time" |
    awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/$label.time")
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {printf "%.2f", s}' "$work/$label.time")
  bytes=$(du -sb --exclude=.permitpack "$out" | cut -f1)
  if [ -n "$pruner" ]; then
    bytes=$((bytes + $(cat "$work/$label.pruned")))
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$label" "$wall" "$rss" "$bytes" "$cpu" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/runs.tsv"
  echo "$wall $rss $bytes $cpu"
}

# prune OUT TALLY: empties finished packets (never the temporary files being written) under
# OUT/packets every second, adding their sizes to the number in TALLY, until TALLY.stop exists.
prune() {
  local out=$1 tally=$2 total=0 stop=0 f size
  rm -f "$tally.stop"
  while :; do
    [ -e "$tally.stop" ] && stop=1
    for f in "$out"/packets/*.zip "$out"/*.zip; do
      [ -s "$f" ] || continue
      size=$(stat -c %s "$f")
      truncate -s 0 "$f"
      total=$((total + size))
    done
    echo "$total" >"$tally"
    [ "$stop" = 1 ] && break
    sleep 1
  done
  rm -f "$tally.stop"
}

# best LABEL OUT OK-EXITS COMMAND... -> the fastest of $repeat runs (its own RSS and bytes).
best() {
  local bw="" brss="" bbytes="" bcpu="" w rss bytes cpu i
  for ((i = 0; i < repeat; i++)); do
    read -r w rss bytes cpu < <(measure "$@")
    if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc -l)" = 1 ]; then
      bw=$w brss=$rss bbytes=$bytes bcpu=$cpu
    fi
  done
  echo "$bw $brss $bbytes $bcpu"
}

row() { # N tool wall rss bytes cpu
  printf '%-7s %-11s %8.2f %12.1f %9s %11.1f %8.2f\n' "$1" "$2" "$3" "$(echo "$1 / $3" | bc -l)" "$4" \
    "$(echo "$5 / 1048576" | bc -l)" "$6"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores${kind:+ (phone-shot scans)}"
printf '%-7s %-11s %8s %12s %9s %11s %8s\n' N tool wall_s employees/s peak_MB output_MB cpu_s
for n in "${sizes[@]}"; do
  company="$work/company-$kind$n"
  if [ ! -f "$company/roster.xlsx" ]; then
    "$SYNTH" "$n" "$company" "${synth_opts[@]}" 2>/dev/null
  fi
  k=$kind$n
  pp=("$bin" build "$company/roster.xlsx" --photos "$company/photos" --docs "$company/docs"
    --out "$work/out-pp-$k" --as-of 2026-11-26 --quiet "${jobs[@]}")
  read -r pw prss pbytes pcpu < <(best "permitpack-$k" "$work/out-pp-$k" "0 1" "${pp[@]}")
  row "$n" permitpack "$pw" "$prss" "$pbytes" "$pcpu"
  # What permitpack made of the company: statuses, photo verdicts, packets.
  python3 - "$work/out-pp-$k/report.json" <<'PY'
import json, sys, collections
r = json.load(open(sys.argv[1]))
emps = r.get("employees", [])
status = collections.Counter(e.get("status") for e in emps)
photo_ok = sum(1 for e in emps if (e.get("photo") or {}).get("ok"))
packets = sum(1 for e in emps if e.get("packet"))
codes = collections.Counter(i.get("code") for e in emps for i in e.get("issues", []))
print(f"        permitpack: {dict(status)}, photo ok {photo_ok}/{len(emps)}, packets {packets}; "
      f"issues {dict(codes.most_common(6))}")
PY
  if [ "${SKIP_WARM:-0}" != 1 ]; then
    # Warm: the same company again into the same folder, nothing changed.
    read -r ww wrss wbytes wcpu < <(KEEP_OUT=1 best "permitpack-warm-$k" "$work/out-pp-$k" "0 1" "${pp[@]}")
    row "$n" pp-warm "$ww" "$wrss" "$wbytes" "$wcpu"
    # One changed: the first employee's photo replaced by other pictures of the pool in turn
    # (each run sees a change), then put back.
    first=$(cd "$company/photos" && ls | head -1)
    orig="" others=()
    for f in "$company"/.pool/photo*.jpg; do
      if [ "$f" -ef "$company/photos/$first" ]; then orig=$f; else others+=("$f"); fi
    done
    bo="" brss1="" bbytes1="" bcpu1="" rewritten=""
    for ((i = 0; i < repeat; i++)); do
      cp --remove-destination "${others[$((i % 2))]}" "$company/photos/$first"
      touch "$work/one-changed.mark"
      sleep 0.05
      read -r w rss bytes cpu < <(KEEP_OUT=1 measure "permitpack-one-$k" "$work/out-pp-$k" "0 1" "${pp[@]}")
      changed=$(find "$work/out-pp-$k/packets" -name '*.zip' -newer "$work/one-changed.mark" | wc -l)
      rewritten="$rewritten $changed"
      if [ -z "$bo" ] || [ "$(echo "$w < $bo" | bc -l)" = 1 ]; then
        bo=$w brss1=$rss bbytes1=$bytes bcpu1=$cpu
      fi
    done
    ln -f "$orig" "$company/photos/$first"
    row "$n" pp-1-photo "$bo" "$brss1" "$bbytes1" "$bcpu1"
    printf '%-7s %-11s warm %.3f of cold (1/%.0f), one photo changed %.3f of cold (1/%.0f); packets rewritten per one-changed run:%s\n' \
      "$n" cache "$(echo "$ww / $pw" | bc -l)" "$(echo "$pw / $ww" | bc -l)" \
      "$(echo "$bo / $pw" | bc -l)" "$(echo "$pw / $bo" | bc -l)" "$rewritten"
  fi
  if [ "${SKIP_BASELINE:-0}" != 1 ]; then
    procs=()
    [ -z "${JOBS:-}" ] || procs=(--procs "$JOBS")
    read -r bw brss bbytes bcpu < <(best "baseline-$k" "$work/out-py-$k" "0" \
      "$venv/bin/python" benches/baseline/baseline.py "$company/roster.xlsx" "$company/photos" \
      "$company/docs" "$work/out-py-$k" --font "$font" --layout paragraph "${procs[@]}")
    row "$n" python "$bw" "$brss" "$bbytes" "$bcpu"
    printf '%-7s %-11s %7.2fx wall, %.2fx CPU time (baseline with wrapped paragraphs)\n' "$n" speedup \
      "$(echo "$bw / $pw" | bc -l)" "$(echo "$bcpu / $pcpu" | bc -l)"
    if [ "${SKIP_OLD_BASELINE:-0}" != 1 ]; then
      read -r ow orss obytes ocpu < <(best "baseline-old-$k" "$work/out-py-old-$k" "0" \
        "$venv/bin/python" benches/baseline/baseline.py "$company/roster.xlsx" "$company/photos" \
        "$company/docs" "$work/out-py-old-$k" --font "$font" --layout drawstring "${procs[@]}")
      row "$n" python-old "$ow" "$orss" "$obytes" "$ocpu"
      printf '%-7s %-11s %7.2fx wall, %.2fx CPU time (earlier baseline, drawString lines)\n' "$n" speedup \
        "$(echo "$ow / $pw" | bc -l)" "$(echo "$ocpu / $pcpu" | bc -l)"
    fi
  fi
done
