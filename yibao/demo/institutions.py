"""The demo's 定点医疗机构 and 定点零售药店: the catalogue's demo feed, through the same 贯标平台
sync a real file takes (idempotent: after `seed_catalog` it changes nothing)."""

from __future__ import annotations

from yibao.catalog.demo.feed import demo_feed
from yibao.catalog.sync import institutions_sync


def demo_institutions_load() -> int:
    """Sync the demo institutions; the number of feed rows."""
    report = institutions_sync(feed=demo_feed(), source="seed_demo")
    if not report.ok:  # the demo feed is generated; a problem here is a bug in the generator
        raise RuntimeError("演示定点医药机构数据有误：" + "；".join(str(e) for e in report.errors[:5]))
    return report.rows
