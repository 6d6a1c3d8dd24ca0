"""CloudWatch alarms: metric alarms evaluated on a clock, composite alarms, history, SNS actions.

Evaluation follows the CloudWatch user guide ("Evaluating an alarm", "Configuring how CloudWatch
alarms treat missing data"): each tick looks at the last ``EvaluationPeriods`` complete periods;
``DatapointsToAlarm`` (M) breaching datapoints put the alarm in ALARM; with fewer datapoints present
than M, the alarm goes to ALARM when all present ones breach. Missing datapoints are treated as
``TreatMissingData`` says (missing, ignore, breaching, notBreaching). Every state change runs the
state's actions: SNS topics get the JSON message CloudWatch sends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from o11yshop.localaws import statistics
from o11yshop.localaws.protocol import ACCOUNT_ID, AwsError, not_emulated, require, to_epoch

if TYPE_CHECKING:
    from o11yshop.localaws.cloudwatch import CloudWatchRegion

STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
OPERATORS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "GreaterThanOrEqualToThreshold": ("greater than or equal to", lambda v, t: v >= t),
    "GreaterThanThreshold": ("greater than", lambda v, t: v > t),
    "LessThanThreshold": ("less than", lambda v, t: v < t),
    "LessThanOrEqualToThreshold": ("less than or equal to", lambda v, t: v <= t),
}
MISSING_TREATMENTS = ("missing", "ignore", "breaching", "notBreaching")
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-central-1": "EU (Frankfurt)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
}


def _iso(moment: float) -> str:
    stamp = datetime.fromtimestamp(moment, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}+0000"


def _short(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%d/%m/%y %H:%M:%S")


def _invalid(message: str) -> AwsError:
    return AwsError("ValidationError", message)


class Alarms:
    def __init__(self, region: CloudWatchRegion) -> None:
        self.region = region
        self.metric_alarms: dict[str, dict[str, Any]] = {}
        self.composite_alarms: dict[str, dict[str, Any]] = {}
        self.history: list[dict[str, Any]] = []
        self._transitions: list[dict[str, Any]] = []

    def take_transitions(self) -> list[dict[str, Any]]:
        """State changes since the last call, for the journal (evaluation on the clock is not a request)."""
        taken, self._transitions = self._transitions, []
        return taken

    def restore_alarm_state(self, params: dict[str, Any]) -> dict[str, Any]:
        """Replay of a journalled state change: the state and history come back, no action runs again."""
        alarm = self.metric_alarms.get(params["AlarmName"]) or self.composite_alarms.get(params["AlarmName"])
        if alarm is not None:
            self._transition(
                alarm, params["StateValue"], params["StateReason"], params.get("StateReasonData")
            )
        return {}

    def _arn(self, name: str) -> str:
        return f"arn:aws:cloudwatch:{self.region.region}:{ACCOUNT_ID}:alarm:{name}"

    def _check_actions(self, params: dict[str, Any]) -> None:
        for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
            for action in params.get(key) or []:
                if not re.match(r"^arn:aws:sns:[\w-]+:\d{12}:[\w.-]+$", action):
                    raise not_emulated(
                        "CloudWatch", f"alarm action {action} (only SNS topic actions are emulated)"
                    )

    def _tag(self, arn: str, tags: list[dict[str, str]] | None) -> None:
        if tags:
            self.region.tags.setdefault(arn, {}).update({t["Key"]: t["Value"] for t in tags})

    def _history(self, alarm: dict[str, Any], kind: str, summary: str, data: dict[str, Any]) -> None:
        self.history.append(
            {
                "AlarmName": alarm["AlarmName"],
                "AlarmType": alarm["_type"],
                "Timestamp": self.region.now(),
                "HistoryItemType": kind,
                "HistorySummary": summary,
                "HistoryData": json.dumps(data),
            }
        )

    # --- configuration ------------------------------------------------------------------------------

    def put_metric_alarm(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "AlarmName")
        operator = require(params, "ComparisonOperator")
        if operator not in OPERATORS:
            raise not_emulated("CloudWatch", f"ComparisonOperator {operator} (anomaly detection)")
        evaluation_periods = require(params, "EvaluationPeriods")
        to_alarm = params.get("DatapointsToAlarm") or evaluation_periods
        if not 1 <= to_alarm <= evaluation_periods:
            raise _invalid("DatapointsToAlarm must be between 1 and EvaluationPeriods")
        treat = params.get("TreatMissingData") or "missing"
        if treat not in MISSING_TREATMENTS:
            raise _invalid(f"TreatMissingData must be one of {', '.join(MISSING_TREATMENTS)}")
        if params.get("EvaluateLowSampleCountPercentile") == "ignore":
            raise not_emulated("CloudWatch", "EvaluateLowSampleCountPercentile=ignore")
        if params.get("ThresholdMetricId"):
            raise not_emulated("CloudWatch", "ThresholdMetricId (anomaly detection bands)")
        if "Threshold" not in params:
            raise _invalid("Threshold is required")
        self._check_actions(params)
        if params.get("Metrics"):
            if any(params.get(k) for k in ("MetricName", "Namespace", "Statistic", "ExtendedStatistic")):
                raise AwsError(
                    "InvalidParameterCombination",
                    "Use either Metrics or MetricName/Namespace/Statistic, not both",
                )
            returned = [q for q in params["Metrics"] if q.get("ReturnData", True)]
            if len(returned) != 1:
                raise _invalid("Exactly one of the alarm's Metrics must have ReturnData true")
        else:
            for key in ("MetricName", "Namespace", "Period"):
                require(params, key)
            if bool(params.get("Statistic")) == bool(params.get("ExtendedStatistic")):
                raise AwsError(
                    "InvalidParameterCombination", "Give exactly one of Statistic or ExtendedStatistic"
                )
            if params.get("Statistic"):
                statistics.validate_statistic(params["Statistic"], extended=False)
            else:
                statistics.validate_statistic(params["ExtendedStatistic"], extended=True)
        now = self.region.now()
        existing = self.metric_alarms.get(name)
        alarm = {
            "_type": "MetricAlarm",
            "AlarmName": name,
            "AlarmArn": self._arn(name),
            "AlarmDescription": params.get("AlarmDescription"),
            "AlarmConfigurationUpdatedTimestamp": now,
            "ActionsEnabled": params.get("ActionsEnabled", True),
            "OKActions": params.get("OKActions") or [],
            "AlarmActions": params.get("AlarmActions") or [],
            "InsufficientDataActions": params.get("InsufficientDataActions") or [],
            "StateValue": existing["StateValue"] if existing else "INSUFFICIENT_DATA",
            "StateReason": existing["StateReason"] if existing else "Unchecked: Initial alarm creation",
            "StateUpdatedTimestamp": existing["StateUpdatedTimestamp"] if existing else now,
            "StateTransitionedTimestamp": existing["StateTransitionedTimestamp"] if existing else now,
            "MetricName": params.get("MetricName"),
            "Namespace": params.get("Namespace"),
            "Statistic": params.get("Statistic"),
            "ExtendedStatistic": params.get("ExtendedStatistic"),
            "Dimensions": params.get("Dimensions") or [],
            "Period": params.get("Period"),
            "Unit": params.get("Unit"),
            "EvaluationPeriods": evaluation_periods,
            "DatapointsToAlarm": to_alarm,
            "Threshold": float(params["Threshold"]),
            "ComparisonOperator": operator,
            "TreatMissingData": treat,
            "EvaluateLowSampleCountPercentile": params.get("EvaluateLowSampleCountPercentile") or "",
            "Metrics": params.get("Metrics"),
        }
        self.metric_alarms[name] = {k: v for k, v in alarm.items() if v is not None}
        self._tag(alarm["AlarmArn"], params.get("Tags"))
        self._history(
            alarm,
            "ConfigurationUpdate",
            f'Alarm "{name}" {"updated" if existing else "created"}',
            {"type": "Update" if existing else "Create", "version": "1.0"},
        )
        return {}

    def put_composite_alarm(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "AlarmName")
        rule = require(params, "AlarmRule")
        _CompositeRule(rule)  # validates
        self._check_actions(params)
        if params.get("ActionsSuppressor"):
            raise not_emulated("CloudWatch", "ActionsSuppressor on composite alarms")
        now = self.region.now()
        existing = self.composite_alarms.get(name)
        self.composite_alarms[name] = {
            "_type": "CompositeAlarm",
            "AlarmName": name,
            "AlarmArn": self._arn(name),
            "AlarmDescription": params.get("AlarmDescription") or "",
            "AlarmRule": rule,
            "AlarmConfigurationUpdatedTimestamp": now,
            "ActionsEnabled": params.get("ActionsEnabled", True),
            "OKActions": params.get("OKActions") or [],
            "AlarmActions": params.get("AlarmActions") or [],
            "InsufficientDataActions": params.get("InsufficientDataActions") or [],
            "StateValue": existing["StateValue"] if existing else "INSUFFICIENT_DATA",
            "StateReason": existing["StateReason"] if existing else "Unchecked: Initial alarm creation",
            "StateUpdatedTimestamp": existing["StateUpdatedTimestamp"] if existing else now,
            "StateTransitionedTimestamp": existing["StateTransitionedTimestamp"] if existing else now,
        }
        self._history(self.composite_alarms[name], "ConfigurationUpdate", f'Alarm "{name}" created', {})
        self._tag(self._arn(name), params.get("Tags"))
        return {}

    def delete_alarms(self, params: dict[str, Any]) -> dict[str, Any]:
        names = require(params, "AlarmNames")
        missing = [n for n in names if n not in self.metric_alarms and n not in self.composite_alarms]
        if missing:
            raise AwsError("ResourceNotFound", f"Alarms not found: {', '.join(missing)}", 404)
        for name in names:
            self.metric_alarms.pop(name, None)
            self.composite_alarms.pop(name, None)
            self.region.tags.pop(self._arn(name), None)
        return {}

    def _set_actions_enabled(self, params: dict[str, Any], enabled: bool) -> dict[str, Any]:
        for name in require(params, "AlarmNames"):
            alarm = self.metric_alarms.get(name) or self.composite_alarms.get(name)
            if alarm is not None:
                alarm["ActionsEnabled"] = enabled
        return {}

    def enable_alarm_actions(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._set_actions_enabled(params, True)

    def disable_alarm_actions(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._set_actions_enabled(params, False)

    # --- reading ------------------------------------------------------------------------------------

    @staticmethod
    def _public(alarm: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in alarm.items() if not k.startswith("_")}

    def describe_alarms(self, params: dict[str, Any]) -> dict[str, Any]:
        names = params.get("AlarmNames")
        prefix = params.get("AlarmNamePrefix")
        state = params.get("StateValue")
        action_prefix = params.get("ActionPrefix")
        types = params.get("AlarmTypes") or ["MetricAlarm"]
        if params.get("ChildrenOfAlarmName") or params.get("ParentsOfAlarmName"):
            raise not_emulated("CloudWatch", "DescribeAlarms ChildrenOfAlarmName/ParentsOfAlarmName")

        def keep(alarm: dict[str, Any]) -> bool:
            if names and alarm["AlarmName"] not in names:
                return False
            if prefix and not alarm["AlarmName"].startswith(prefix):
                return False
            if state and alarm["StateValue"] != state:
                return False
            actions = alarm["AlarmActions"] + alarm["OKActions"] + alarm["InsufficientDataActions"]
            return not (action_prefix and not any(a.startswith(action_prefix) for a in actions))

        result: dict[str, Any] = {"MetricAlarms": [], "CompositeAlarms": []}
        if "MetricAlarm" in types:
            result["MetricAlarms"] = [self._public(a) for a in self.metric_alarms.values() if keep(a)]
        if "CompositeAlarm" in types:
            result["CompositeAlarms"] = [self._public(a) for a in self.composite_alarms.values() if keep(a)]
        return result

    def describe_alarms_for_metric(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = sorted((d["Name"], d["Value"]) for d in params.get("Dimensions") or [])
        found = [
            self._public(a)
            for a in self.metric_alarms.values()
            if a.get("MetricName") == require(params, "MetricName")
            and a.get("Namespace") == require(params, "Namespace")
            and sorted((d["Name"], d["Value"]) for d in a.get("Dimensions", [])) == wanted
        ]
        return {"MetricAlarms": found}

    def describe_alarm_history(self, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("AlarmName")
        kind = params.get("HistoryItemType")
        types = params.get("AlarmTypes") or ["MetricAlarm", "CompositeAlarm"]
        start = to_epoch(params["StartDate"]) if params.get("StartDate") else None
        end = to_epoch(params["EndDate"]) if params.get("EndDate") else None
        items = [
            item
            for item in self.history
            if (not name or item["AlarmName"] == name)
            and (not kind or item["HistoryItemType"] == kind)
            and item["AlarmType"] in types
            and (start is None or item["Timestamp"] >= start)
            and (end is None or item["Timestamp"] <= end)
        ]
        if (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending":
            items = items[::-1]
        limit = params.get("MaxRecords") or 100
        return {"AlarmHistoryItems": items[:limit]}

    # --- state --------------------------------------------------------------------------------------

    def set_alarm_state(self, params: dict[str, Any]) -> dict[str, Any]:
        name = require(params, "AlarmName")
        state = require(params, "StateValue")
        if state not in STATES:
            raise _invalid(f"StateValue must be one of {', '.join(STATES)}")
        alarm = self.metric_alarms.get(name) or self.composite_alarms.get(name)
        if alarm is None:
            raise AwsError("ResourceNotFound", f"Alarm {name} not found", 404)
        if params.get("StateReasonData"):
            try:
                json.loads(params["StateReasonData"])
            except ValueError as exc:
                raise AwsError("InvalidFormat", "StateReasonData is not JSON") from exc
        deliveries = self._transition(
            alarm, state, require(params, "StateReason"), params.get("StateReasonData")
        )
        deliveries += self._evaluate_composites()
        self.region.hub.defer(deliveries)
        return {}

    def _transition(
        self, alarm: dict[str, Any], state: str, reason: str, reason_data: str | None = None
    ) -> list[Callable[[], None]]:
        old = alarm["StateValue"]
        now = self.region.now()
        if old == state:
            return []
        alarm.update(
            StateValue=state, StateReason=reason, StateUpdatedTimestamp=now, StateTransitionedTimestamp=now
        )
        if reason_data:
            alarm["StateReasonData"] = reason_data
        self._transitions.append(
            {
                "AlarmName": alarm["AlarmName"],
                "StateValue": state,
                "StateReason": reason,
                "StateReasonData": reason_data,
            }
        )
        self._history(
            alarm,
            "StateUpdate",
            f"Alarm updated from {old} to {state}",
            {
                "version": "1.0",
                "oldState": {"stateValue": old},
                "newState": {"stateValue": state, "stateReason": reason},
            },
        )
        if not alarm["ActionsEnabled"]:
            return []
        actions = {"OK": "OKActions", "ALARM": "AlarmActions", "INSUFFICIENT_DATA": "InsufficientDataActions"}
        topics = alarm[actions[state]]
        if not topics:
            return []
        subject = (
            f'{state}: "{alarm["AlarmName"]}" in {REGION_NAMES.get(self.region.region, self.region.region)}'
        )
        message = json.dumps(self._message(alarm, old, now))
        return [self._deliver(alarm, topic, subject, message) for topic in topics]

    def _message(self, alarm: dict[str, Any], old: str, now: float) -> dict[str, Any]:
        message: dict[str, Any] = {
            "AlarmName": alarm["AlarmName"],
            "AlarmDescription": alarm.get("AlarmDescription"),
            "AWSAccountId": ACCOUNT_ID,
            "AlarmConfigurationUpdatedTimestamp": _iso(alarm["AlarmConfigurationUpdatedTimestamp"]),
            "NewStateValue": alarm["StateValue"],
            "NewStateReason": alarm["StateReason"],
            "StateChangeTime": _iso(now),
            "Region": REGION_NAMES.get(self.region.region, self.region.region),
            "AlarmArn": alarm["AlarmArn"],
            "OldStateValue": old,
            "OKActions": alarm["OKActions"],
            "AlarmActions": alarm["AlarmActions"],
            "InsufficientDataActions": alarm["InsufficientDataActions"],
        }
        if alarm["_type"] == "CompositeAlarm":
            message["AlarmRule"] = alarm["AlarmRule"]
            return message
        trigger: dict[str, Any] = {}
        if alarm.get("Metrics"):
            trigger["Metrics"] = alarm["Metrics"]
        else:
            trigger.update(
                MetricName=alarm["MetricName"],
                Namespace=alarm["Namespace"],
                StatisticType="ExtendedStatistic" if alarm.get("ExtendedStatistic") else "Statistic",
                Unit=alarm.get("Unit"),
                Dimensions=[{"value": d["Value"], "name": d["Name"]} for d in alarm["Dimensions"]],
                Period=alarm["Period"],
            )
            if alarm.get("ExtendedStatistic"):
                trigger["ExtendedStatistic"] = alarm["ExtendedStatistic"]
            else:
                trigger["Statistic"] = alarm["Statistic"].upper()
        trigger.update(
            EvaluationPeriods=alarm["EvaluationPeriods"],
            DatapointsToAlarm=alarm["DatapointsToAlarm"],
            ComparisonOperator=alarm["ComparisonOperator"],
            Threshold=alarm["Threshold"],
            TreatMissingData=alarm["TreatMissingData"],
            EvaluateLowSampleCountPercentile=alarm["EvaluateLowSampleCountPercentile"],
        )
        message["Trigger"] = trigger
        return message

    def _deliver(self, alarm: dict[str, Any], topic: str, subject: str, message: str) -> Callable[[], None]:
        region_name = topic.split(":")[3]

        def deliver() -> None:
            from moto.sns.models import sns_backends

            try:
                sns_backends[ACCOUNT_ID][region_name].publish(message, arn=topic, subject=subject)
                summary = f"Successfully executed action {topic}"
            except Exception as exc:
                summary = f"Failed to execute action {topic}. Received error: {exc}"
            with self.region.hub.lock:
                self._history(
                    alarm,
                    "Action",
                    summary,
                    {"actionState": "Succeeded" if "Success" in summary else "Failed"},
                )

        return deliver

    # --- evaluation ---------------------------------------------------------------------------------

    def evaluate_all(self) -> list[Callable[[], None]]:
        deliveries: list[Callable[[], None]] = []
        for alarm in list(self.metric_alarms.values()):
            deliveries += self._evaluate(alarm)
        deliveries += self._evaluate_composites()
        return deliveries

    def _datapoints(self, alarm: dict[str, Any], start: float, end: float) -> dict[float, float]:
        if alarm.get("Metrics"):
            results = self.region.evaluate_queries(alarm["Metrics"], start, end)
            return next(series for query, series in results if query.get("ReturnData", True))
        stat = {
            "Metric": {
                "Namespace": alarm["Namespace"],
                "MetricName": alarm["MetricName"],
                "Dimensions": alarm["Dimensions"],
            },
            "Period": alarm["Period"],
            "Stat": alarm.get("Statistic") or alarm["ExtendedStatistic"],
            "Unit": alarm.get("Unit"),
        }
        series, _ = self.region.series(stat, start, end)
        return series

    def _period(self, alarm: dict[str, Any]) -> int:
        if alarm.get("Metrics"):
            periods = [q["MetricStat"]["Period"] for q in alarm["Metrics"] if q.get("MetricStat")]
            periods += [q["Period"] for q in alarm["Metrics"] if q.get("Period")]
            return int(min(periods)) if periods else 60
        return int(alarm["Period"])

    def _evaluate(self, alarm: dict[str, Any]) -> list[Callable[[], None]]:
        period = self._period(alarm)
        periods = alarm["EvaluationPeriods"]
        end = (self.region.now() // period) * period  # only complete periods are evaluated
        start = end - periods * period
        try:
            values = self._datapoints(alarm, start, end)
        except AwsError as error:
            return self._transition(alarm, "INSUFFICIENT_DATA", f"Unable to evaluate: {error.message}")
        threshold = alarm["Threshold"]
        words, compare = OPERATORS[alarm["ComparisonOperator"]]
        treat = alarm["TreatMissingData"]
        to_alarm = alarm["DatapointsToAlarm"]
        stamps = [start + i * period for i in range(periods)]
        present = [(t, values[t]) for t in stamps if t in values]
        missing = periods - len(present)
        breaching = [(t, v) for t, v in present if compare(v, threshold)]
        if treat == "breaching":
            breach_count, present_count = len(breaching) + missing, periods
        elif treat == "notBreaching":
            breach_count, present_count = len(breaching), periods
        else:
            breach_count, present_count = len(breaching), len(present)
        if present_count == 0:
            if treat == "ignore":
                return []
            return self._transition(
                alarm,
                "INSUFFICIENT_DATA",
                f"Insufficient Data: {periods} datapoint{'s were' if periods > 1 else ' was'} unknown.",
            )
        if breach_count >= to_alarm or (present_count < to_alarm and breach_count == present_count):
            state = "ALARM"
        else:
            state = "OK"
        shown = ", ".join(f"{v} ({_short(t)})" for t, v in sorted(present, reverse=True)) or "no datapoints"
        counted = breach_count if state == "ALARM" else present_count - breach_count
        relation = words if state == "ALARM" else f"not {words}"
        reason = (
            f"Threshold Crossed: {counted} out of the last {periods} datapoints [{shown}] "
            f"{'was' if counted == 1 else 'were'} {relation} the threshold ({threshold}) "
            f"(minimum {to_alarm} datapoint{'s' if to_alarm > 1 else ''} for "
            f"{alarm['StateValue']} -> {state} transition)."
        )
        reason_data = json.dumps(
            {
                "version": "1.0",
                "queryDate": _iso(self.region.now()),
                "startDate": _iso(start),
                "period": period,
                "recentDatapoints": [v for _, v in sorted(present)],
                "threshold": threshold,
                "evaluatedDatapoints": [
                    {"timestamp": _iso(t), "value": v} for t, v in sorted(present, reverse=True)
                ],
            }
        )
        return self._transition(alarm, state, reason, reason_data)

    def _evaluate_composites(self) -> list[Callable[[], None]]:
        deliveries: list[Callable[[], None]] = []
        for _ in range(len(self.composite_alarms) + 1):  # composites may depend on each other
            changed = False
            for alarm in self.composite_alarms.values():
                states = {a["AlarmName"]: a["StateValue"] for a in self.metric_alarms.values()}
                states |= {a["AlarmName"]: a["StateValue"] for a in self.composite_alarms.values()}
                states |= {a["AlarmArn"]: a["StateValue"] for a in self.metric_alarms.values()}
                states |= {a["AlarmArn"]: a["StateValue"] for a in self.composite_alarms.values()}
                verdict = _CompositeRule(alarm["AlarmRule"]).evaluate(states)
                state = "ALARM" if verdict else "OK"
                if state != alarm["StateValue"]:
                    reason = f"arn rule {alarm['AlarmRule']} evaluated to {'TRUE' if verdict else 'FALSE'}"
                    deliveries += self._transition(alarm, state, reason)
                    changed = True
            if not changed:
                break
        return deliveries


class _CompositeRule:
    """``ALARM("name")``, ``OK(...)``, ``INSUFFICIENT_DATA(...)``, TRUE, FALSE, AND, OR, NOT, parentheses."""

    _TOKEN = re.compile(
        r'\s*(?:(ALARM|OK|INSUFFICIENT_DATA)\s*\(\s*("?)([^")]+)\2\s*\)|(AND|OR|NOT|TRUE|FALSE)\b|([()]))'
    )

    def __init__(self, rule: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        while pos < len(rule):
            if not rule[pos:].strip():
                break
            match = self._TOKEN.match(rule, pos)
            if not match:
                raise _invalid(f"AlarmRule: unexpected text {rule[pos : pos + 20]!r}")
            if match.group(1):
                self.tokens.append((match.group(1), match.group(3).strip()))
            else:
                self.tokens.append(("word", match.group(4) or match.group(5)))
            pos = match.end()
        self.states: dict[str, str] = {}
        self.pos = 0
        self._parse(dry=True)

    def evaluate(self, states: dict[str, str]) -> bool:
        self.states = states
        self.pos = 0
        return self._parse(dry=False)

    def _parse(self, dry: bool) -> bool:
        self.dry = dry
        value = self._or()
        if self.pos != len(self.tokens):
            raise _invalid("AlarmRule: unexpected text after the rule")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def _or(self) -> bool:
        value = self._and()
        while self._peek() == "OR":
            self.pos += 1
            right = self._and()
            value = value or right
        return value

    def _and(self) -> bool:
        value = self._not()
        while self._peek() == "AND":
            self.pos += 1
            right = self._not()
            value = value and right
        return value

    def _not(self) -> bool:
        if self._peek() == "NOT":
            self.pos += 1
            return not self._not()
        return self._primary()

    def _primary(self) -> bool:
        if self.pos >= len(self.tokens):
            raise _invalid("AlarmRule: unexpected end")
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if kind in STATES:
            return self.dry or self.states.get(text) == kind
        if text == "(":
            value = self._or()
            if self._peek() != ")":
                raise _invalid("AlarmRule: missing )")
            self.pos += 1
            return value
        if text in ("TRUE", "FALSE"):
            return text == "TRUE"
        raise _invalid(f"AlarmRule: unexpected {text!r}")
