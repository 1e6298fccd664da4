#!/usr/bin/env bash
# Make sure the TeX toolchain of the PDF build is present (DESIGN §4).
# Installs it with apt when missing and we are root; otherwise prints the
# exact command to run and fails.
set -euo pipefail
PACKAGES="texlive-xetex texlive-fonts-recommended texlive-plain-generic latexmk pandoc fonts-dejavu poppler-utils"
missing() {
  for tool in xelatex latexmk pandoc pdftotext fc-list; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool"; return; }
  done
  fonts=$(fc-list 2>/dev/null || true)
  case "$fonts" in *"DejaVu Serif"*) ;; *) echo "fonts-dejavu" ;; esac
}
what=$(missing)
[ -z "$what" ] && exit 0
apt_line="apt-get update && apt-get install -y --no-install-recommends $PACKAGES"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[tex] $what is missing: installing the TeX toolchain (~160 MB, ~90 s)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends $PACKAGES >/dev/null
  [ -z "$(missing)" ] && exit 0
  echo "error: the TeX toolchain is still incomplete after apt-get." >&2
  exit 1
fi
echo "error: the PDF build needs TeX ($what is missing). Run, as root:" >&2
echo "  sudo sh -c '$apt_line'" >&2
exit 1
