"""X-Ray through boto3 over HTTP. Expected values follow the X-Ray developer guide and API reference."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import ClientFactory

NOW = int(time.time()) - 60


def trace_id(offset: int = 0) -> str:
    return f"1-{NOW + offset:08x}-{secrets.token_hex(12)}"


def seg_id() -> str:
    return secrets.token_hex(8)


def segment(trace: str, name: str, start: float, end: float, **extra: Any) -> dict[str, Any]:
    return {"trace_id": trace, "id": seg_id(), "name": name, "start_time": start, "end_time": end, **extra}


def put(xray: Any, *docs: dict[str, Any]) -> None:
    response = xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in docs])
    assert response["UnprocessedTraceSegments"] == []


def window() -> dict[str, float]:
    return {"StartTime": NOW - 600, "EndTime": NOW + 600}


def test_put_trace_segments_rejects_what_xray_rejects(aws: ClientFactory) -> None:
    xray = aws("xray")
    good = segment(trace_id(), "api", NOW, NOW + 0.1)
    bad_trace = segment("1-xyz-123", "api", NOW, NOW + 0.1)
    no_end = segment(trace_id(), "api", NOW, NOW + 0.1)
    del no_end["end_time"]
    bad_id = {**segment(trace_id(), "api", NOW, NOW + 0.1), "id": "nothex"}
    no_name = segment(trace_id(), "api", NOW, NOW + 0.1)
    del no_name["name"]
    orphan = {**segment(trace_id(), "db", NOW, NOW + 0.1), "type": "subsegment"}
    in_progress = {**segment(trace_id(), "api", NOW, NOW + 0.1), "in_progress": True}
    del in_progress["end_time"]
    too_big = {**segment(trace_id(), "api", NOW, NOW + 0.1), "metadata": {"default": {"blob": "x" * 70_000}}}
    docs = [good, bad_trace, no_end, bad_id, no_name, orphan, in_progress, too_big]
    response = xray.put_trace_segments(TraceSegmentDocuments=[json.dumps(d) for d in docs] + ["{not json"])
    rejected = response["UnprocessedTraceSegments"]
    assert len(rejected) == 7  # all but the good one and the one in progress
    assert {r.get("Id") for r in rejected} >= {bad_trace["id"], no_end["id"], no_name["id"], orphan["id"]}
    assert all(r["ErrorCode"] and r["Message"] for r in rejected)


def test_trace_summary_has_durations_http_annotations_users_and_services(aws: ClientFactory) -> None:
    xray = aws("xray")
    tid = trace_id()
    call = {
        "id": seg_id(),
        "name": "inventory",
        "start_time": NOW + 0.1,
        "end_time": NOW + 0.4,
        "namespace": "remote",
    }
    api = segment(
        tid,
        "api",
        NOW,
        NOW + 0.5,
        user="alice",
        annotations={"order_id": "o-1", "items": 3, "premium": True},
        http={
            "request": {
                "method": "POST",
                "url": "http://shop/api/orders",
                "user_agent": "curl",
                "client_ip": "10.0.0.1",
            },
            "response": {"status": 201},
        },
        subsegments=[call],
    )
    inventory = segment(tid, "inventory", NOW + 0.15, NOW + 0.35, parent_id=call["id"])
    put(xray, api, inventory)

    summaries = xray.get_trace_summaries(**window())["TraceSummaries"]
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary["Id"] == tid
    assert summary["Duration"] == pytest.approx(0.5)
    assert summary["ResponseTime"] == pytest.approx(0.5)
    assert (summary["HasFault"], summary["HasError"], summary["HasThrottle"]) == (False, False, False)
    assert summary["Http"] == {
        "HttpURL": "http://shop/api/orders",
        "HttpMethod": "POST",
        "UserAgent": "curl",
        "ClientIp": "10.0.0.1",
        "HttpStatus": 201,
    }
    assert summary["Annotations"]["order_id"][0]["AnnotationValue"] == {"StringValue": "o-1"}
    assert summary["Annotations"]["items"][0]["AnnotationValue"] == {"NumberValue": 3.0}
    assert summary["Annotations"]["premium"][0]["AnnotationValue"] == {"BooleanValue": True}
    assert summary["Users"][0]["UserName"] == "alice"
    assert {s["Name"] for s in summary["ServiceIds"]} == {"api", "inventory"}
    assert summary["EntryPoint"]["Name"] == "api"


def _shop_traces(xray: Any) -> dict[str, str]:
    """Four hand-written traces with known properties; returns label -> trace ID."""
    ids = {label: trace_id() for label in "ABCD"}
    # A: fast and fine, annotated order, user alice
    put(
        xray,
        segment(
            ids["A"],
            "api",
            NOW,
            NOW + 0.2,
            user="alice",
            annotations={"order_id": "A1"},
            http={"response": {"status": 200}},
        ),
    )
    # B: api calls inventory, inventory faults, 1.5 s
    call_b = {
        "id": seg_id(),
        "name": "inventory",
        "start_time": NOW + 0.1,
        "end_time": NOW + 1.4,
        "fault": True,
    }
    put(
        xray,
        segment(
            ids["B"],
            "api",
            NOW,
            NOW + 1.5,
            fault=True,
            http={"response": {"status": 500}},
            subsegments=[call_b],
        ),
        segment(ids["B"], "inventory", NOW + 0.2, NOW + 1.3, fault=True, parent_id=call_b["id"]),
    )
    # C: client error (429 is a throttle in X-Ray's terms and also an error), premium customer
    put(
        xray,
        segment(
            ids["C"],
            "api",
            NOW,
            NOW + 0.3,
            error=True,
            throttle=True,
            annotations={"premium": True},
            http={"response": {"status": 429}},
        ),
    )
    # D: slow but fine, api calls inventory
    call_d = {"id": seg_id(), "name": "inventory", "start_time": NOW + 0.5, "end_time": NOW + 2.5}
    put(
        xray,
        segment(ids["D"], "api", NOW, NOW + 3.0, http={"response": {"status": 200}}, subsegments=[call_d]),
        segment(ids["D"], "inventory", NOW + 0.6, NOW + 2.4, parent_id=call_d["id"]),
    )
    return ids


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('service("inventory")', "BD"),
        ('annotation.order_id = "A1"', "A"),
        ("annotation.premium = true", "C"),
        ("responsetime > 1", "BD"),
        ("duration >= 3", "D"),
        ("fault", "B"),
        ("error", "C"),
        ("throttle", "C"),
        ("ok", "AD"),
        ("http.status = 500", "B"),
        ("http.status >= 400", "BC"),
        ('user = "alice"', "A"),
        ('service("inventory") AND responsetime > 2', "D"),
        ("fault OR error", "BC"),
        ("!fault and !error", "AD"),
        ('edge("api", "inventory")', "BD"),
        ('service("inventory") { fault }', "B"),
        ("(responsetime < 1 or fault) and !error", "AB"),
    ],
)
def test_filter_expressions_return_exactly_the_intended_traces(
    aws: ClientFactory, expression: str, expected: str
) -> None:
    xray = aws("xray")
    ids = _shop_traces(xray)
    found = {
        s["Id"] for s in xray.get_trace_summaries(**window(), FilterExpression=expression)["TraceSummaries"]
    }
    assert found == {ids[label] for label in expected}


@pytest.mark.parametrize(
    "expression", ['rootcause.fault.service { name = "x" }', "responsetime >", 'id(name: "x")']
)
def test_unsupported_or_broken_filter_expressions_are_refused(aws: ClientFactory, expression: str) -> None:
    with pytest.raises(ClientError) as caught:
        aws("xray").get_trace_summaries(**window(), FilterExpression=expression)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_batch_get_traces_returns_the_documents_sent(aws: ClientFactory) -> None:
    xray = aws("xray")
    tid = trace_id()
    doc = segment(tid, "api", NOW, NOW + 0.25, annotations={"k": "v"})
    put(xray, doc)
    response = xray.batch_get_traces(TraceIds=[tid, trace_id()])
    assert len(response["Traces"]) == 1
    trace = response["Traces"][0]
    assert trace["Id"] == tid
    assert trace["Duration"] == pytest.approx(0.25)
    assert [json.loads(s["Document"]) for s in trace["Segments"]] == [doc]
    assert len(response["UnprocessedTraceIds"]) == 1


def test_service_graph_of_three_services_from_hand_written_segments(aws: ClientFactory) -> None:
    xray = aws("xray")
    for outcome in ("ok", "inventory-fault", "dynamodb"):
        tid = trace_id()
        to_catalog = {"id": seg_id(), "name": "catalog", "start_time": NOW + 0.01, "end_time": NOW + 0.09}
        if outcome == "inventory-fault":
            to_catalog["error"] = True
        api = segment(tid, "api", NOW, NOW + 0.1, subsegments=[to_catalog])
        catalog = segment(tid, "catalog", NOW + 0.02, NOW + 0.08, parent_id=to_catalog["id"])
        docs = [api, catalog]
        if outcome == "dynamodb":
            catalog["subsegments"] = [
                {
                    "id": seg_id(),
                    "name": "DynamoDB",
                    "namespace": "aws",
                    "start_time": NOW + 0.03,
                    "end_time": NOW + 0.04,
                }
            ]
        else:
            to_inventory = {
                "id": seg_id(),
                "name": "inventory",
                "start_time": NOW + 0.03,
                "end_time": NOW + 0.07,
            }
            catalog["subsegments"] = [to_inventory]
            inventory = segment(tid, "inventory", NOW + 0.04, NOW + 0.06, parent_id=to_inventory["id"])
            if outcome == "inventory-fault":
                to_inventory["fault"] = True
                inventory["fault"] = True
                catalog["error"] = True
            docs.append(inventory)
        put(xray, *docs)

    services = xray.get_service_graph(**window())["Services"]
    by_ref = {s["ReferenceId"]: s for s in services}
    named = {(s["Name"], s.get("Type")): s for s in services}
    assert set(named) == {
        ("api", "client"),
        ("api", None),
        ("catalog", None),
        ("inventory", None),
        ("DynamoDB", "AWS::DynamoDB::Table"),
    }

    def edges_of(name: str, kind: str | None = None) -> dict[str, dict[str, Any]]:
        return {
            by_ref[e["ReferenceId"]]["Name"]: e["SummaryStatistics"] for e in named[(name, kind)]["Edges"]
        }

    assert edges_of("api", "client")["api"]["TotalCount"] == 3
    api_edges = edges_of("api")
    assert set(api_edges) == {"catalog"}
    assert api_edges["catalog"]["TotalCount"] == 3
    assert api_edges["catalog"]["ErrorStatistics"]["TotalCount"] == 1
    assert api_edges["catalog"]["OkCount"] == 2
    catalog_edges = edges_of("catalog")
    assert set(catalog_edges) == {"inventory", "DynamoDB"}
    assert catalog_edges["inventory"]["TotalCount"] == 2
    assert catalog_edges["inventory"]["FaultStatistics"]["TotalCount"] == 1
    assert catalog_edges["DynamoDB"]["TotalCount"] == 1
    assert named[("inventory", None)]["Edges"] == []
    assert named[("inventory", None)]["SummaryStatistics"]["FaultStatistics"]["TotalCount"] == 1
    assert named[("catalog", None)]["SummaryStatistics"]["ErrorStatistics"]["TotalCount"] == 1
    assert named[("api", None)]["Root"] is True
    assert named[("catalog", None)]["Root"] is False


def test_trace_graph_of_one_trace(aws: ClientFactory) -> None:
    xray = aws("xray")
    ids = _shop_traces(xray)
    services = xray.get_trace_graph(TraceIds=[ids["B"]])["Services"]
    assert {(s["Name"], s.get("Type")) for s in services} == {
        ("api", "client"),
        ("api", None),
        ("inventory", None),
    }


def test_groups_filter_the_service_graph(aws: ClientFactory) -> None:
    xray = aws("xray")
    ids = _shop_traces(xray)
    assert ids
    group = xray.create_group(GroupName="faults", FilterExpression="fault")["Group"]
    assert group["GroupARN"].startswith("arn:aws:xray:us-east-1:")
    assert {g["GroupName"] for g in xray.get_groups()["Groups"]} == {"Default", "faults"}
    services = xray.get_service_graph(**window(), GroupName="faults")["Services"]
    api = next(s for s in services if s["Name"] == "api" and s.get("Type") != "client")
    assert api["SummaryStatistics"]["TotalCount"] == 1  # only trace B faults
    with pytest.raises(ClientError):
        xray.create_group(GroupName="broken", FilterExpression="responsetime >")


def test_sampling_rules_and_targets(aws: ClientFactory) -> None:
    xray = aws("xray")
    records = xray.get_sampling_rules()["SamplingRuleRecords"]
    default = next(r["SamplingRule"] for r in records if r["SamplingRule"]["RuleName"] == "Default")
    assert (default["Priority"], default["FixedRate"], default["ReservoirSize"]) == (10000, 0.05, 1)

    rule = {
        "RuleName": "checkout",
        "ResourceARN": "*",
        "Priority": 100,
        "FixedRate": 0.1,
        "ReservoirSize": 10,
        "ServiceName": "api",
        "ServiceType": "*",
        "Host": "*",
        "HTTPMethod": "POST",
        "URLPath": "/api/orders*",
        "Version": 1,
    }
    created = xray.create_sampling_rule(SamplingRule=rule)["SamplingRuleRecord"]["SamplingRule"]
    assert created["RuleARN"].endswith(":sampling-rule/checkout")
    names = [r["SamplingRule"]["RuleName"] for r in xray.get_sampling_rules()["SamplingRuleRecords"]]
    assert names == ["checkout", "Default"]  # ordered by priority

    def report(client: str) -> dict[str, Any]:
        stats = {
            "RuleName": "checkout",
            "ClientID": client,
            "Timestamp": time.time(),
            "RequestCount": 10,
            "SampledCount": 2,
            "BorrowCount": 0,
        }
        return xray.get_sampling_targets(SamplingStatisticsDocuments=[stats])

    alone = report("a" * 24)["SamplingTargetDocuments"]
    assert alone[0]["RuleName"] == "checkout"
    assert alone[0]["FixedRate"] == 0.1
    assert alone[0]["ReservoirQuota"] == 10  # one client gets the whole reservoir
    shared = report("b" * 24)["SamplingTargetDocuments"]
    assert 0 < shared[0]["ReservoirQuota"] <= 5  # two clients share it

    with pytest.raises(ClientError):
        xray.create_sampling_rule(SamplingRule={**rule, "RuleName": "bad", "FixedRate": 2})

    xray.tag_resource(ResourceARN=created["RuleARN"], Tags=[{"Key": "team", "Value": "shop"}])
    assert xray.list_tags_for_resource(ResourceARN=created["RuleARN"])["Tags"] == [
        {"Key": "team", "Value": "shop"}
    ]


def test_operations_not_emulated_are_refused_by_name(aws: ClientFactory) -> None:
    with pytest.raises(ClientError) as caught:
        aws("xray").get_insight_summaries(StartTime=NOW - 60, EndTime=NOW)
    assert "GetInsightSummaries" in str(caught.value)
