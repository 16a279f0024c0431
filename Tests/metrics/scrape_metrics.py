"""Fetch a Prometheus endpoint and print what prometheus_client's text parser makes of it, as JSON.

Usage: scrape_metrics.py URL   (AUTH_TOKEN in the environment is sent as a bearer token)

The parser is the reference one Python scrapers use; a body it rejects makes this exit 1 with the
parser's error, which is the point of the test. Counter families are named without `_total` by the
parser (its samples keep the suffix); the output keeps the parser's names.
"""

import json
import os
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    url = sys.argv[1]
    request = urllib.request.Request(url)
    token = os.environ.get("AUTH_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
            content_type = response.headers.get("Content-Type", "")
            body = response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        print(json.dumps({"status": error.code, "content_type": error.headers.get("Content-Type", ""),
                          "families": {}}))
        return 0
    families = {}
    for family in text_string_to_metric_families(body):
        families[family.name] = {
            "type": family.type,
            "help": family.documentation,
            "samples": [
                {"name": sample.name, "labels": sample.labels, "value": sample.value}
                for sample in family.samples
            ],
        }
    print(json.dumps({"status": status, "content_type": content_type, "families": families}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
