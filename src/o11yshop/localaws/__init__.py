"""The embedded local AWS endpoint: moto for the API surface, o11yshop's own CloudWatch, Logs and X-Ray.

Start it with ``o11yshop local-aws`` (blocking) or, from tests and other code::

    from o11yshop.localaws.server import running_endpoint

    with running_endpoint() as endpoint:
        boto3.client("xray", endpoint_url=endpoint.url, region_name="us-east-1")
"""
