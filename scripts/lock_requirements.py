"""Regenerate requirements/base.txt and requirements/dev.txt from pyproject.toml (`make lock`).

Run by the Makefile with the Python of a throwaway virtual environment (var/lock-venv): installs
[project] dependencies and freezes what that brought as base.txt, then installs the dev extra with
those pins as constraints (the runtime versions cannot move) and freezes the rest as dev.txt. The
current pins are constraints too, so regenerating after adding or removing a dependency changes
no other version; --upgrade leaves them out and takes the newest versions the ranges allow.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "requirements" / "base.txt"
DEV = ROOT / "requirements" / "dev.txt"
BASE_HEADER = "# Runtime dependencies, pinned. Regenerate with `make lock` after changing pyproject.toml.\n"
DEV_HEADER = "# Test and lint dependencies, pinned.\n-r base.txt\n"


def pip(*args: str) -> str:
    """pip's output; its messages (a conflict with the current pins, say) go to the terminal."""
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)  # noqa: S603
    if result.returncode:
        sys.exit(f"pip {args[0]} failed; with UPGRADE=1 the current pins are not constraints")
    return result.stdout


def frozen() -> dict[str, str]:
    """Normalised name → the freeze line of every installed distribution."""
    lines = [line for line in pip("freeze").splitlines() if line and not line.startswith("#")]
    return {re.sub(r"[-_.]+", "-", re.split(r"[=@ ]", line)[0]).lower(): line for line in lines}


def pins(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith(("#", "-"))]


def install(requirements: list[str], constraints: list[str]) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as file:
        file.write("\n".join(constraints) + "\n")
        file.flush()
        pip("install", "--quiet", "-c", file.name, *requirements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="ignore the current pins")
    options = parser.parse_args()
    if sys.prefix == sys.base_prefix:
        sys.exit("Run inside a throwaway virtual environment (make lock), not the system Python.")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    current = [] if options.upgrade else pins(BASE) + pins(DEV)

    before = frozen()
    install(project["dependencies"], current)
    runtime = {name: line for name, line in frozen().items() if name not in before}
    install(project["optional-dependencies"]["dev"], current + list(runtime.values()))
    dev = {name: line for name, line in frozen().items() if name not in before and name not in runtime}

    BASE.write_text(BASE_HEADER + "".join(f"{runtime[name]}\n" for name in sorted(runtime)))
    DEV.write_text(DEV_HEADER + "".join(f"{dev[name]}\n" for name in sorted(dev)))
    print(f"requirements/base.txt: {len(runtime)} pins, requirements/dev.txt: {len(dev)} more")


if __name__ == "__main__":
    main()
