#!/usr/bin/env bash
# Warn (on stderr, exit 0) while latex/student.tex still has fields to fill
# in: a \placeholder{...}, the placeholder name or "not yet recorded" hours.
# The PDF marks the same fields in red.
set -euo pipefail
file=${1:-latex/student.tex}
todo=$(grep -v '^[[:space:]]*%' "$file" |
       grep -E '\\placeholder\{|Student Name|not yet recorded' || true)
[ -z "$todo" ] && exit 0
{
  echo "warning: $file still has fields to fill in (marked MISSING in red"
  echo "         in the PDF); put your details there before you submit:"
  echo "$todo" | sed 's/^/    /'
} >&2
