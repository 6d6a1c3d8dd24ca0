"""Everything o11yshop does not emulate itself is moto's: S3, SNS, SQS, EventBridge, ... on the same port."""

from __future__ import annotations

import secrets

from .conftest import ClientFactory


def test_s3_objects_keep_their_body_and_metadata(aws: ClientFactory) -> None:
    s3 = aws("s3")
    bucket = f"o11yshop-{secrets.token_hex(4)}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="products/1.png", Body=b"\x89PNG", Metadata={"product_id": "1"})
    got = s3.get_object(Bucket=bucket, Key="products/1.png")
    assert got["Body"].read() == b"\x89PNG"
    assert got["Metadata"] == {"product_id": "1"}


def test_eventbridge_and_sqs(aws: ClientFactory) -> None:
    events, sqs = aws("events"), aws("sqs")
    queue_url = sqs.create_queue(QueueName=f"stock-{secrets.token_hex(4)}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rule = f"low-stock-{secrets.token_hex(4)}"
    events.put_rule(Name=rule, EventPattern='{"source": ["o11yshop.inventory"]}')
    events.put_targets(Rule=rule, Targets=[{"Id": "queue", "Arn": queue_arn}])
    result = events.put_events(
        Entries=[{"Source": "o11yshop.inventory", "DetailType": "LowStock", "Detail": '{"sku": "A-1"}'}]
    )
    assert result["FailedEntryCount"] == 0
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", [])
    assert len(messages) == 1
    assert '"sku": "A-1"' in messages[0]["Body"]
