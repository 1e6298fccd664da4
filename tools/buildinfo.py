"""Write LaTeX macros saying how a PDF was made (profile, device, commit ...).

usage: python tools/buildinfo.py PROFILE DEVICE SEED > meta.tex
"""

import datetime
import subprocess
import sys

import torch

from helpers.device import describe, resolve_device
from helpers.profiles import resolve_profile


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "--short=10", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (with uncommitted changes)" if dirty else "")


def tex_escape(text: str) -> str:
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


def main(profile: str, device: str, seed: str) -> None:
    resolved = resolve_profile(profile, device)
    note = f" (auto $\\to$ {resolved})" if profile == "auto" else ""
    macros = {
        "buildprofile": f"{resolved}{note}",
        "builddevice": tex_escape(describe(resolve_device(device))),
        "buildcommit": tex_escape(git_commit()),
        "buildseed": tex_escape(seed),
        "buildtorch": tex_escape(torch.__version__),
        "builddate": datetime.date.today().isoformat(),
    }
    for name, value in macros.items():
        print(f"\\newcommand{{\\{name}}}{{{value}}}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
