"""A command shown in a doc is run by a test: every ```bash block of the docs listed here runs, in
order, in one bash session (so variables carry over), against a real shop."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
RUNNABLE_DOCS = ["docs/api-tour.md"]
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)


def bash_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text())


@pytest.mark.parametrize("doc", RUNNABLE_DOCS)
def test_doc_commands_run(doc, stack):
    for tool in ("bash", "curl", "jq"):
        assert shutil.which(tool), f"{tool} is needed by {doc}"
    blocks = bash_blocks(ROOT / doc)
    assert blocks, f"{doc} has no bash blocks"
    # each command's output is printed between markers, so a failing line is easy to find
    script = "set -euo pipefail\n" + "\n".join(f"echo '--- block {i}'\n{b}" for i, b in enumerate(blocks))
    result = subprocess.run(
        ["bash", "-c", script],
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "SHOP": stack.api_url,
            "ADMIN_PASSWORD": ADMIN_PASSWORD,
            "ADMIN_EMAIL": ADMIN_EMAIL,
            "HOME": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert '"code": "insufficient_stock"' in out
    assert re.search(r"^200$", out, re.MULTILINE), out  # the replayed checkout
    assert '"status": "placed"' in out
    assert "receipt\t24\tdelivery note DN-42" in out
    assert '"hard"' in out
    assert "product.delete\tadmin@o11yshop.test" in out
    assert '"code": "unauthorized"' in out
