"""The AWS CLI commands docs/local-aws.md shows, run as written against the endpoint, print what it says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from o11yshop.localaws.server import running_endpoint

DOC = Path(__file__).resolve().parents[2] / "docs" / "local-aws.md"
DOC_URL = "http://127.0.0.1:4566"


def console_blocks(text: str) -> list[list[tuple[str, list[str]]]]:
    """Each ```console block as (command, expected output lines); a trailing backslash continues a command."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text, re.DOTALL):
        commands: list[tuple[str, list[str]]] = []
        continuing = False
        for line in body.splitlines():
            if continuing:
                command, expected = commands[-1]
                commands[-1] = (command + "\n" + line, expected)
            elif line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
            continuing = line.endswith("\\")
        blocks.append(commands)
    return blocks


def test_the_doc_has_cli_commands() -> None:
    commands = [c for block in console_blocks(DOC.read_text()) for c, _ in block]
    assert sum(c.startswith("aws ") for c in commands) >= 10


def test_documented_cli_commands_print_what_the_doc_says(tmp_path: Path) -> None:
    aws = Path(sys.executable).with_name("aws")
    if not aws.exists():
        pytest.fail("the AWS CLI is not installed in the environment (uv sync installs the dev group)")
    env = {
        "PATH": f"{aws.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "NO_PROXY": "127.0.0.1",
        "LANG": "C.UTF-8",
    }
    with running_endpoint() as endpoint:
        for block in console_blocks(DOC.read_text()):
            lines = []
            for index, (command, _) in enumerate(block):
                lines.append(f"{{ {command.replace(DOC_URL, endpoint.url)}\n}} > {tmp_path}/out{index} 2>&1")
            subprocess.run(["bash", "-c", "\n".join(lines)], env=env, check=True, timeout=300, cwd=tmp_path)
            for index, (command, expected) in enumerate(block):
                printed = (tmp_path / f"out{index}").read_text().rstrip("\n").splitlines()
                assert [line.rstrip() for line in printed] == [line.rstrip() for line in expected], command
