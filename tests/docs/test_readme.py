"""The README's configuration table lists every setting, and docs/features.md points at files that exist."""

from __future__ import annotations

import re
from pathlib import Path

from o11yshop.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `(O11YSHOP_[A-Z_]+)` \|", readme, re.MULTILINE))
    assert documented == {f"O11YSHOP_{name.upper()}" for name in Settings.model_fields}


def test_features_map_points_at_real_files():
    features = (ROOT / "docs/features.md").read_text()
    paths = re.findall(r"`((?:src/o11yshop|tests)/[^`:]+?)(?:::[^`]*)?`", features)
    assert paths
    for path in paths:
        assert (ROOT / path).exists(), path
    for link in re.findall(r"\]\(([a-z-]+\.md)", features):
        assert (ROOT / "docs" / link).exists(), link


def test_queries_doc_shows_the_installed_text():
    from o11yshop.telemetry.queries import SAVED_QUERIES

    doc = (ROOT / "docs/queries.md").read_text()
    for saved in SAVED_QUERIES:
        assert f"## `{saved.name}`" in doc
        assert f"```\n{saved.query}\n```" in doc
