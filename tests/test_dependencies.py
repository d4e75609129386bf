"""The hashed lock files say what requirements*.txt pin (issue 20, item 15): `make lock` after a change."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;#]+)", re.MULTILINE)


def _pins(path: Path) -> dict[str, str]:
    return {
        re.sub(r"\[.*\]", "", name).lower().replace("_", "-"): version
        for name, version in PIN.findall(path.read_text())
    }


@pytest.mark.parametrize(
    ("pins", "lock"),
    [
        (["requirements.txt"], "requirements.lock"),
        (["requirements.txt", "requirements-dev.txt"], "requirements-dev.lock"),
    ],
)
def test_every_pin_is_in_its_lock_file_with_hashes(pins, lock):
    locked = _pins(ROOT / lock)
    wanted = {name: version for pin_file in pins for name, version in _pins(ROOT / pin_file).items()}

    assert {name: locked.get(name) for name in wanted} == wanted, "run `make lock` and commit the lock files"
    entries = [e for e in re.split(r"\n(?=[A-Za-z])", (ROOT / lock).read_text()) if "==" in e.split("\n")[0]]
    assert len(entries) == len(locked) and all("--hash=sha256:" in entry for entry in entries)
