#!/usr/bin/env bash
# papers: render every paper the system produces — the papers crate's samples and the
# services' real documents from their tests (decision, certificate, minutes, receipt, estimate DOCX and
# XLSX, execution report, settlement), each already checked by sangkien_papers::check — convert
# each with LibreOffice and check the PDFs: A4 pages, the expected page counts, reports one
# page wide.
# Prints `papers: N passed, M failed`; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null || ! command -v pdfinfo >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y libreoffice-writer libreoffice-calc poppler-utils >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y libreoffice-writer libreoffice-calc poppler-utils >/dev/null 2>&1; }
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
passed=0
failed=0
check() { # name, condition result (0 = pass), detail
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: $3"; fi
}

SK_PAPERS_DIR="$out" cargo test -q -p sangkien-papers >"$out/cargo.log" 2>&1
check "layout tests" $? "$(tail -5 "$out/cargo.log")"
SK_PAPERS_DIR="$out" cargo test -q -p sangkien-decision --lib -- documents budget::papers budget::api::xlsx >"$out/cargo-decision.log" 2>&1
check "decision papers" $? "$(tail -5 "$out/cargo-decision.log")"
SK_PAPERS_DIR="$out" cargo test -q -p sangkien-appraisal --lib -- minutes >"$out/cargo-appraisal.log" 2>&1
check "minutes" $? "$(tail -5 "$out/cargo-appraisal.log")"
SK_PAPERS_DIR="$out" cargo test -q -p sangkien-intake --lib -- receipt >"$out/cargo-intake.log" 2>&1
check "receipt" $? "$(tail -5 "$out/cargo-intake.log")"
for f in decision-vinh-tuong certificate minutes receipt estimate estimate-report execution settlement; do
  ls "$out"/$f.* >/dev/null 2>&1; check "$f rendered" $? "no $f in $out"
done

# file → expected pages (0 = any); reports must be exactly one page wide.
declare -A pages=([decision-short]=1 [decision-sample]=3 [decision-draft]=3 [report-sample]=0
  [decision-vinh-tuong]=2 [certificate]=1 [minutes]=1 [receipt]=1 [receipt-e2e]=1 [estimate]=2
  [estimate-report]=1 [execution]=1 [settlement]=1)
for f in "$out"/*.docx "$out"/*.xlsx; do
  [ -e "$f" ] || continue
  name=$(basename "${f%.*}")
  soffice --headless --convert-to pdf --outdir "$out/pdf" "$f" >"$out/soffice.log" 2>&1
  pdf="$out/pdf/$name.pdf"
  [ -s "$pdf" ]; check "$name converts" $? "$(cat "$out/soffice.log")"
  [ -s "$pdf" ] || continue
  info=$(pdfinfo "$pdf")
  grep -q "(A4)" <<<"$info"; check "$name is A4" $? "$(grep 'Page size' <<<"$info")"
  n=$(awk '/^Pages:/{print $2}' <<<"$info")
  want=${pages[$name]:-0}
  if [ "$want" -ne 0 ]; then [ "$n" -eq "$want" ]; check "$name pages" $? "$n pages, expected $want"; fi
  if [ "${f##*.}" = xlsx ]; then
    # One page wide: every page is the full A4 width and the row count fits; LibreOffice
    # puts columns that do not fit on extra pages, so the pages are all portrait-width and
    # the text of the last column ("Ghi chú") appears on the first page.
    pdftotext -f 1 -l 1 "$pdf" - | grep -q "Ghi chú"; check "$name one page wide" $? "last column not on page 1"
  fi
done

echo "papers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
