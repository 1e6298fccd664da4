#!/usr/bin/env bash
# Fail a PDF build whose LaTeX log still has an unresolved \ref or \cite
# after latexmk's last pass: prints the log's lines and where to fix them.
# Usage: tools/check_refs.sh BUILD/hwN/main.log hwN
set -uo pipefail
log=$1 hw=$2
if grep -E "(Reference|Citation) .* undefined" "$log"; then
  echo "error: unresolved \\ref or \\cite above (log: $log): fix the label" \
       "or add the entry to latex/$hw/references.tex" >&2
  exit 1
fi
