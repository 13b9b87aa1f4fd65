#!/usr/bin/env bash
# Regenerates the README screenshots from the samples:
#   docs/report.png  the HTML report (headless Chromium, 1280 px wide)
#   docs/cover.png   the first page of one employee's cover checklist (pdftoppm)
# Needs: cargo, chromium (Debian's), poppler-utils (pdftoppm), unzip; ImageMagick's
# `convert` (optional) to keep each PNG under 300 KB.
#
# Usage: scripts/screenshots.sh [ROW]   (sheet row of the employee whose cover is shown;
#                                      default 4, Michał Wiśniewski)
set -euo pipefail
cd "$(dirname "$0")/.."

row="${1:-4}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in chromium pdftoppm unzip python3; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is not installed" >&2; exit 2; }
done

cargo build --release --quiet
bin=target/release/permitpack

# Exit status 1 (someone needs attention) is what the samples are meant to give.
set +e
"$bin" build samples/roster.xlsx --as-of 2026-11-26 --out "$work/out" --quiet
status=$?
set -e
if [ "$status" -gt 1 ]; then
  echo "screenshots.sh: permitpack build failed ($status)" >&2
  exit "$status"
fi

mkdir -p docs

# The HTML report, as a browser shows it. No network: the page is self-contained.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size=1280,2400 --screenshot="$work/report.png" \
  "file://$work/out/report.html" >/dev/null 2>&1

# The cover checklist of one employee.
# The packet name comes from report.json (two rows may share a passport number).
name="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(next((e.get("packet") or "") for e in r["employees"] if e["row"]==int(sys.argv[2])))' "$work/out/report.json" "$row" 2>/dev/null || true)"
packet="$work/out/packets/$name"
if [ -z "$name" ] || [ ! -f "$packet" ]; then
  echo "screenshots.sh: no packet for row $row in the samples" >&2
  exit 2
fi
unzip -q -o "$packet" 00_cover_checklist.pdf -d "$work"
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/00_cover_checklist.pdf" "$work/cover"

# Keep the committed PNGs small (palette PNG); without ImageMagick they are copied as is.
shrink() {
  if command -v convert >/dev/null; then
    convert "$1" -strip -colors 256 "PNG8:$2"
  else
    cp "$1" "$2"
  fi
}
shrink "$work/report.png" docs/report.png
shrink "$work/cover.png" docs/cover.png
ls -l docs/report.png docs/cover.png
