import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from yibao.demo import DEMO_PASSWORD
from yibao.demo.seed import DemoAccount, DemoSeedError, SeedOptions, SeedResult, demo_seed


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Create demo units, operators, persons, insurance, contributions and notices. "
        "Does nothing when demo data exists, unless --reset is given. "
        f"Every demo login uses the password {DEMO_PASSWORD}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=_positive, default=2000, help="insured persons (default 2000)")
        parser.add_argument(
            "--units",
            type=_positive,
            default=None,
            help="units (default: persons / 2000, at least 6, at most 2000)",
        )
        parser.add_argument(
            "--months", type=_positive, default=24, help="contribution months, ending last month"
        )
        parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
        parser.add_argument("--reset", action="store_true", help="delete the previous demo data first")
        parser.add_argument(
            "--chunk-size", type=_positive, default=50_000, help="persons generated and written per batch"
        )
        parser.add_argument(
            "--defer-indexes",
            choices=["auto", "always", "never"],
            default="auto",
            help="drop and rebuild secondary indexes around the load (auto: for 50,000 persons or more)",
        )

        parser.add_argument(
            "--showcase-persons",
            type=_positive,
            default=None,
            help="persons of the first demo unit exactly (e.g. 50000 for the query benchmarks)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_options = SeedOptions(
            persons=options["persons"],
            units=options["units"],
            months=options["months"],
            seed=options["seed"],
            reset=options["reset"],
            chunk_size=max(1, options["chunk_size"]),
            defer_indexes=options["defer_indexes"],
            showcase_persons=options["showcase_persons"],
        )
        verbose = options["verbosity"] >= 1
        try:
            result = demo_seed(seed_options, report=self.stdout.write if verbose else lambda _: None)
        except DemoSeedError as exc:
            raise CommandError(str(exc)) from exc
        except IntegrityError as exc:
            raise CommandError(
                f"The load was rolled back: {str(exc).rstrip('.')}. Another table refers to demo rows "
                "that a reset would delete; remove those rows first."
            ) from exc
        self._summary(result)

    def _summary(self, result: SeedResult) -> None:
        if not result.created:
            self.stdout.write(
                "Demo data already present ("
                + ", ".join(f"{name} {count:,}" for name, count in result.counts.items())
                + "); nothing created. Use --reset to rebuild it."
            )
        else:
            total = sum(s.seconds for s in result.stages)
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo data created: "
                    + ", ".join(f"{name} {count:,}" for name, count in result.counts.items())
                    + f" in {total:.1f} s."
                )
            )
        self.stdout.write("")
        self.stdout.write(_table(result.accounts))
        if result.more_units:
            self.stdout.write(
                f"… and {result.more_units:,} more demo units: unit accounts dw…, operators log in with "
                f"their mobile number, all with password {DEMO_PASSWORD}."
            )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(accounts: list[DemoAccount]) -> str:
    header = ("角色", "账号 / 手机号", "密码", "单位")
    rows = [header] + [(a.role, a.account, a.password, a.unit) for a in accounts]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if number == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
    return "\n".join(lines)
