"""Zip the code that produced a PDF: tracked files under the given paths.

usage: python tools/codezip.py OUT.zip PATH...
Only files git tracks or would track are included (no data, checkpoints or build outputs);
outside a git checkout, every file except caches and ignored folders.
"""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", "data",
              "runs", "build", ".venv", ".git"}


def tracked_files(paths: list[str]) -> list[Path]:
    proc = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                           "--exclude-standard", "--", *paths],
                          capture_output=True, text=True)
    if proc.returncode == 0 and proc.stdout:
        return [Path(p) for p in proc.stdout.split("\0") if p]
    found = []
    for path in map(Path, paths):
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        found += [p for p in candidates if p.is_file()
                  and not SKIP_PARTS.intersection(p.parts)]
    return found


def main(out: str, paths: list[str]) -> None:
    files = [f for f in tracked_files(paths) if f.is_file()]
    if not files:
        raise SystemExit("codezip: no files found under " + " ".join(paths))
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, Path("hw2-code") / f)
    os.replace(tmp, out)
    print(f"[zip] wrote {out}: {len(files)} files")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
