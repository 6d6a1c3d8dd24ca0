"""infra/otel/collector.yaml, the production collector of otel mode: it parses, every pipeline wires
receivers → processors → exporters that are defined, each signal reaches its AWS exporter, and the
names it writes match the shop's (log groups, annotation keys). No collector runs here: the
configuration is checked as a document."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from o11yshop.config import Settings
from o11yshop.telemetry import log_group_name
from o11yshop.telemetry.tracing import ANNOTATED_FIELDS

CONFIG = Path(__file__).resolve().parents[2] / "infra/otel/collector.yaml"
KINDS = ("receivers", "processors", "exporters")


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    loaded = yaml.safe_load(CONFIG.read_text())
    assert isinstance(loaded, dict)
    return loaded


def kind_of(name: str) -> str:
    """A component's type: ``batch/traces`` is a ``batch``."""
    return name.split("/", 1)[0]


def test_every_pipeline_wires_defined_components_in_order(config):
    pipelines = config["service"]["pipelines"]
    assert set(pipelines) == {"traces", "logs", "metrics"}
    used: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for name, pipeline in pipelines.items():
        for kind in KINDS:
            assert pipeline.get(kind), f"{name} has no {kind}"
            for component in pipeline[kind]:
                assert component in (config.get(kind) or {}), f"{name} uses undefined {kind[:-1]} {component}"
                used[kind].add(component)
        processors = pipeline["processors"]
        assert kind_of(processors[0]) == "memory_limiter", name  # refuse data before memory runs out
        assert kind_of(processors[-1]) == "batch", name  # batch what the others produced
    for kind in KINDS:  # nothing defined and left unused
        assert set(config[kind]) == used[kind], kind
    assert set(config["service"]["extensions"]) == set(config["extensions"])


@pytest.mark.parametrize(
    ("signal", "exporter"), [("traces", "awsxray"), ("logs", "awscloudwatchlogs"), ("metrics", "awsemf")]
)
def test_each_signal_reaches_its_aws_exporter_from_otlp(config, signal, exporter):
    pipeline = config["service"]["pipelines"][signal]
    assert [kind_of(r) for r in pipeline["receivers"]] == ["otlp"]
    assert [kind_of(e) for e in pipeline["exporters"]] == [exporter]


def test_the_otlp_receiver_listens_where_the_docs_point_the_shop(config):
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols["http"]["endpoint"].endswith(":4318")
    assert protocols["grpc"]["endpoint"].endswith(":4317")
    doc = (CONFIG.parents[2] / "docs/observability-otel.md").read_text()
    assert "O11YSHOP_OTLP_ENDPOINT=http://127.0.0.1:4318" in doc


def test_names_match_the_shop(config):
    exporters = config["exporters"]
    indexed = set(exporters["awsxray"]["indexed_attributes"])
    assert set(ANNOTATED_FIELDS) | {"route", "checkout_failure"} <= indexed
    values = {"ENV": "production", "SERVICE": "api"}
    retention = Settings.model_fields["log_retention_days"].annotation.__args__
    for name in ("awscloudwatchlogs", "awsemf"):
        group = exporters[name]["log_group_name"]
        filled = re.sub(r"\$\{env:O11YSHOP_(\w+)\}", lambda m: values[m[1]], group)
        assert filled == log_group_name("production", "api"), name
        assert exporters[name]["log_retention"] in retention
    assert exporters["awsemf"]["namespace"] == "o11yshop"
    # batches of X-Ray's PutTraceSegments limit
    assert config["processors"]["batch/traces"]["send_batch_max_size"] <= 50
    # the sampler's proxy: ADOT's default address, which O11YSHOP_XRAY_DAEMON_ADDRESS names
    assert config["extensions"]["awsproxy"]["endpoint"].endswith(":2000")
