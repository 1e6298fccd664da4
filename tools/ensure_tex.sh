#!/usr/bin/env bash
# Make sure the TeX toolchain of the PDF build is present: XeLaTeX, latexmk,
# pandoc (nbconvert), poppler-utils (the tests read the PDFs), DejaVu fonts
# and, for Chinese, Japanese and Korean text such as a name in student.tex,
# WenQuanYi Micro Hei (a 1.6 MB download; fonts-noto-cjk would be 57 MB).
# Installs it with apt when missing and we are root; otherwise prints the
# exact command to run and fails.
set -euo pipefail
PACKAGES="texlive-xetex texlive-fonts-recommended texlive-plain-generic latexmk pandoc fonts-dejavu fonts-wqy-microhei poppler-utils"
missing() {
  for tool in xelatex latexmk pandoc pdftotext fc-list; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool"; return; }
  done
  fonts=$(fc-list 2>/dev/null || true)
  case "$fonts" in *"DejaVu Serif"*) ;; *) echo "fonts-dejavu"; return ;; esac
  case "$fonts" in *"WenQuanYi Micro Hei"*) ;; *) echo "fonts-wqy-microhei" ;; esac
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
