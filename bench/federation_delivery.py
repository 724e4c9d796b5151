"""Benchmark of the outbox to the national platform (issue 18): two real halls, each its own
process and SQLite database — the national hall served by gunicorn, a provincial hall whose
outbox is delivered by the same code the task runs (`outbox_deliver`).

    .venv/bin/python bench/federation_delivery.py [--events 10000] [--units 500] [--batch 200]

It queues `--events` events over `--units` units in the provincial hall (as an outage of the
national endpoint would leave them), then measures the catch-up: from the first send to the last
event stored at the national hall, each event once. The baseline, in the same run, delivers
`--baseline-events` events (default 1,000) one per request (batch 1), as a naive sender would.
Figures: events per second, the catch-up time, and the ratio against the baseline.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.instances import HallInstance

MEASURE = """
import json, time
from django.db import transaction
from django.test.utils import override_settings
from yibao.federation.delivery import outbox_deliver
from yibao.federation.models import OutboxEvent
from yibao.federation.outbox import outbox_event_add

def queue(count, units, tag):
    with transaction.atomic():
        for n in range(count):
            outbox_event_add(kind=OutboxEvent.Kind.UNIT_CHANGED, unit_uscc=f"{{tag}}{{n % units:05d}}",
                             payload={{"changed": {{"address": f"地址{{n}}"}}}})
    return OutboxEvent.objects.filter(delivered_at__isnull=True).count()

figures = {{}}
with override_settings(YIBAO_FEDERATION_BATCH=1):
    queued = queue({baseline}, {units}, "B")
    started = time.perf_counter()
    report = outbox_deliver()
    figures["baseline"] = {{"events": report.delivered, "seconds": time.perf_counter() - started}}
with override_settings(YIBAO_FEDERATION_BATCH={batch}):
    started = time.perf_counter()
    queued = queue({events}, {units}, "E")
    figures["queue_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    report = outbox_deliver()
    figures["batched"] = {{"events": report.delivered, "seconds": time.perf_counter() - started,
                          "rounds": report.rounds}}
print("FIGURES" + json.dumps(figures))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--baseline-events", type=int, default=1_000)
    args = parser.parse_args()
    secret = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory(prefix="yibao-federation-bench-") as directory:
        root = Path(directory)
        print("preparing two halls (migrate ×2) …", flush=True)
        national = HallInstance(root, profile="national", env={"YIBAO_FEDERATION_SECRET": secret}).prepare()
        national.start()
        try:
            province = HallInstance(
                root,
                profile="yunnan",
                env={"YIBAO_FEDERATION_SECRET": secret, "YIBAO_NATIONAL_URL": national.url},
            ).prepare()
            code = MEASURE.format(
                events=args.events, units=args.units, batch=args.batch, baseline=args.baseline_events
            )
            output = province.shell(code)
        finally:
            national.kill()
        figures = json.loads(output.split("FIGURES", 1)[1])
        stored = national.query("select count(*), count(distinct key) from federation_receivedevent")[0]
    base, batched = figures["baseline"], figures["batched"]
    base_rate = base["events"] / base["seconds"]
    rate = batched["events"] / batched["seconds"]
    print(f"queued {args.events:,} events over {args.units:,} units in {figures['queue_seconds']:.2f} s")
    print(
        f"baseline, one event per request: {base['events']:,} events in {base['seconds']:.2f} s = {base_rate:,.0f} events/s"
    )
    print(
        f"batched ({args.batch} per request, {batched['rounds']} requests): {batched['events']:,} events "
        f"in {batched['seconds']:.2f} s = {rate:,.0f} events/s"
    )
    print(
        f"catch-up of {args.events:,} queued events: {batched['seconds']:.2f} s; {rate / base_rate:.1f}× the baseline"
    )
    print(f"stored at the national hall: {stored[0]:,} events, {stored[1]:,} distinct keys")
    expected = args.events + args.baseline_events
    if stored != (expected, expected):
        raise SystemExit(f"expected {expected} events stored once each")


if __name__ == "__main__":
    main()
