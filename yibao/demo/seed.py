"""The demo load as one service: `demo_seed` (used by `manage.py seed_demo`), `demo_reset`,
`demo_accounts`.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases.models import Application, Material, ReviewerRegion
from yibao.certificates.models import Certificate
from yibao.contributions.models import Contribution
from yibao.contributions.summaries import contribution_summaries_rebuild
from yibao.core.bulk import BulkWriter, qn
from yibao.core.cache_versions import Scope, version_key, versions_bump_now
from yibao.core.models import CodeItem, Division
from yibao.core.profiles import get_profile
from yibao.core.storage import private_storage
from yibao.demo import (
    ADMIN_USERNAME,
    DEMO_EMP_NO_PREFIX,
    DEMO_PASSWORD,
    DEMO_PSN_NO_PREFIX,
    REVIEWER_USERNAME,
    SHOWN_UNITS,
)
from yibao.demo.contribution_staging import (
    MONTH_COLUMNS,
    MONTH_TABLE,
    SOURCE_COLUMNS,
    SOURCE_TABLE,
    contributions_insert_sql,
    staging_tables_create,
    staging_tables_drop,
)
from yibao.demo.filings import demo_filings, filings_write
from yibao.demo.institution_units import demo_institution_units, institution_units
from yibao.demo.institutions import demo_institutions_load
from yibao.demo.notices import DEMO_NOTICES
from yibao.demo.people import REGIONS
from yibao.demo.plan import DemoPlan, Generator, UnitPlan, Window, default_unit_count, ym_add
from yibao.enrollment.models import Insurance, Person
from yibao.filings.models import Filing
from yibao.notices.models import Notice
from yibao.operators.models import Binding, BusinessItem, Grant, Operator
from yibao.units.models import Population, RoleCertification, Unit, UnitRole

PERSON_TABLE = Person._meta.db_table
INSURANCE_TABLE = Insurance._meta.db_table
CONTRIBUTION_TABLE = Contribution._meta.db_table
PERSON_COLUMNS = (
    "id", "created_at", "updated_at", "psn_no", "cert_type", "cert_no", "name", "gender", "birth_date",
    "nation", "nationality", "mobile", "address", "first_work_date", "survival",
)  # fmt: skip
INSURANCE_COLUMNS = (
    "id", "created_at", "updated_at", "person_id", "unit_id", "insutype", "status", "psn_type", "emp_form",
    "start_date", "pause_date", "first_insured_ym", "base",
)  # fmt: skip
# Loads at least this large drop and rebuild secondary indexes (when the tables are not bigger).
DEFER_INDEXES_FROM = 50_000
CONTRIBUTION_SLICE = 100_000  # persons per INSERT … SELECT

DeferMode = Literal["auto", "always", "never"]


class DemoSeedError(Exception):
    pass


@dataclass(frozen=True)
class SeedOptions:
    persons: int = 2000
    units: int | None = None
    months: int = 24
    seed: int = 42
    reset: bool = False
    chunk_size: int = 50_000
    defer_indexes: DeferMode = "auto"
    today: date | None = None
    showcase_persons: int | None = None  # exact size of the first demo unit (benchmarks)


@dataclass(frozen=True)
class Stage:
    name: str
    seconds: float
    rows: int
    detail: str = ""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class DemoAccount:
    role: str
    account: str
    password: str
    unit: str


@dataclass
class SeedResult:
    created: bool
    stages: list[Stage] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    accounts: list[DemoAccount] = field(default_factory=list)
    more_units: int = 0


Report = Callable[[str], None]


def demo_exists() -> bool:
    return Unit.objects.filter(emp_no__startswith=DEMO_EMP_NO_PREFIX).exists()


def demo_seed(options: SeedOptions, *, report: Report = lambda _: None) -> SeedResult:
    """Create the demo data, or leave existing demo data alone unless `options.reset`."""
    if options.persons < 0 or options.months < 1:
        raise DemoSeedError("--persons must be ≥ 0 and --months ≥ 1")
    if not options.reset and demo_exists():
        result = SeedResult(created=False)
        result.counts = _demo_counts()
        result.accounts, result.more_units = demo_accounts()
        return result

    connection = connections[DEFAULT_DB_ALIAS]
    writer = BulkWriter.for_connection(connection)
    result = SeedResult(created=True)
    timer = _StageTimer(result, report)
    today = options.today or timezone.localdate()
    units_wanted = options.units if options.units is not None else default_unit_count(options.persons)
    if units_wanted < 1:
        raise DemoSeedError("--units must be ≥ 1")

    files: list[str] = []  # the demo materials' files, removed again if the load fails
    try:
        with writer.load_session():
            _load(options, writer, timer, result, units_wanted, today, report, files)
            if writer.vendor == "sqlite":
                with timer.stage("checkpoint"):
                    writer.checkpoint()
    except BaseException:
        storage = private_storage()
        for name in files:
            storage.delete(name)
        raise
    # The loader writes every app's tables itself: every cached page and hall frame is stale.
    versions_bump_now([version_key(scope) for scope in (Scope.HALL, Scope.NOTICES, Scope.CATALOG)])
    result.accounts, result.more_units = demo_accounts()
    return result


def _load(
    options: SeedOptions,
    writer: BulkWriter,
    timer: _StageTimer,
    result: SeedResult,
    units_wanted: int,
    today: date,
    report: Report,
    files: list[str],
) -> None:
    """The load itself, in one transaction: a failure leaves the database as it was (and the
    files it wrote are listed in `files`)."""
    connection = writer.connection
    with transaction.atomic():
        if options.reset:
            with timer.stage("reset") as counter:
                counter.rows = demo_reset(writer)
        hashed = make_password(DEMO_PASSWORD)  # once: argon2 takes ~150 ms per hash
        generator = Generator(seed=options.seed, today=today, months=options.months, counties=_counties())
        with timer.stage("units, operators, accounts") as counter:
            _staff_users(hashed, reset=options.reset)
            _reviewer_regions()
            plan = generator.plan_units(
                count=units_wanted,
                persons=options.persons,
                showcase_persons=options.showcase_persons,
                taken_accounts=set(
                    User.objects.filter(username__startswith="dw").values_list("username", flat=True)
                ),
                taken_mobiles=_taken_mobiles(),
            )
            unit_ids, counter.rows = _write_units(plan, hashed)

        tables = [PERSON_TABLE, INSURANCE_TABLE, CONTRIBUTION_TABLE]
        writer.lock(tables)
        rebuild: list[str] = []
        if _should_defer(writer, options):
            rebuild = writer.drop_secondary_indexes(tables)
        staging_tables_create(writer)

        stamp = str(connection.ops.adapt_datetimefield_value(timezone.now()))
        first_person = writer.next_id(PERSON_TABLE)
        persons = insurances = sources = expected_contributions = 0
        with timer.stage("persons + insurance") as counter:
            chunks = generator.person_chunks(
                plan.units,
                unit_ids,
                first_person_id=first_person,
                first_insurance_id=writer.next_id(INSURANCE_TABLE),
                chunk_size=options.chunk_size,
                stamp=stamp,
                emp_forms=_emp_forms(),
            )
            started = time.perf_counter()
            writing = 0.0
            for chunk in chunks:
                write_started = time.perf_counter()
                writer.write(PERSON_TABLE, PERSON_COLUMNS, chunk.persons)
                writer.write(INSURANCE_TABLE, INSURANCE_COLUMNS, chunk.insurances)
                writer.write(SOURCE_TABLE, SOURCE_COLUMNS, chunk.sources)
                writing += time.perf_counter() - write_started
                persons += len(chunk.persons)
                insurances += len(chunk.insurances)
                sources += len(chunk.sources)
                expected_contributions += chunk.contribution_rows
                elapsed = time.perf_counter() - started
                report(
                    f"  persons {persons:,}/{options.persons:,}, insurance rows {insurances:,} "
                    f"({persons / elapsed:,.0f} persons/s)"
                )
            counter.rows = persons + insurances
            counter.detail = f"database writes {writing:.1f} s, the rest is generating rows in Python"

        with timer.stage("contributions") as counter:
            writer.write(
                MONTH_TABLE, MONTH_COLUMNS, _month_rows(generator.window, random.Random(options.seed))
            )
            last_person = first_person + persons - 1
            started = time.perf_counter()
            for low in range(first_person, last_person + 1, CONTRIBUTION_SLICE):
                high = min(low + CONTRIBUTION_SLICE - 1, last_person)
                counter.rows += writer.execute(contributions_insert_sql(CONTRIBUTION_TABLE), [low, high])
                elapsed = time.perf_counter() - started
                report(
                    f"  contributions {counter.rows:,}/{expected_contributions:,} "
                    f"({counter.rows / elapsed:,.0f} rows/s)"
                )
        if counter.rows != expected_contributions:
            raise DemoSeedError(f"made {counter.rows} contribution rows, expected {expected_contributions}")

        if rebuild:
            with timer.stage("rebuild indexes") as counter:
                writer.restore(rebuild)
                counter.rows = persons + insurances + expected_contributions
        staging_tables_drop(writer)
        writer.after_explicit_ids([Person, Insurance])

        with timer.stage("contribution summaries") as counter:
            counter.rows = contribution_summaries_rebuild()
        with timer.stage("notices") as counter:
            counter.rows = _write_notices()
        with timer.stage("filings") as counter:
            shown = list(Unit.objects.filter(pk__in=unit_ids[:SHOWN_UNITS]).order_by("id"))
            rows = demo_filings(
                writer,
                shown,
                reviewer=User.objects.get(username=REVIEWER_USERNAME),
                today=today,
                seed=options.seed,
            )
            counter.rows = filings_write(writer, rows, files)
            filings = len(rows.filings)
        with timer.stage("institutions") as counter:
            counter.rows = demo_institutions_load()
        with timer.stage("institution units") as counter:
            counter.rows = demo_institution_units(hashed=hashed, seed=options.seed)
        with timer.stage("analyze") as counter:
            writer.analyze(tables)
        # The rows written here reference only what the load made; the reset may have removed
        # something another table still points at.
        writer.check_references(trusted=tables)
        commit_started = time.perf_counter()
    timer.record("commit", time.perf_counter() - commit_started, 0)

    result.counts = {
        "units": len(plan.units),
        "operators": len(plan.operators),
        "persons": persons,
        "insurance": insurances,
        "contributions": expected_contributions,
        "filings": filings,
    }


def demo_reset(writer: BulkWriter) -> int:
    """Delete the demo rows (recognised by their prefixes) and return how many went.

    The staff users `admin` and `shenhe01` stay; the load resets their password.
    """
    demo_person = Q(psn_no__startswith=DEMO_PSN_NO_PREFIX)
    demo_unit = Q(emp_no__startswith=DEMO_EMP_NO_PREFIX)
    deleted = _applications_delete(writer, Unit.objects.filter(demo_unit))
    only_demo = (
        not Person.objects.exclude(demo_person).exists() and not Unit.objects.exclude(demo_unit).exists()
    )
    big_tables = [CONTRIBUTION_TABLE, INSURANCE_TABLE]
    if only_demo:
        # Emptying whole tables is much faster than deleting row by row. Truncating reports no
        # row count, so count the persons instead (cheap, and the bulk of what goes).
        deleted += Person.objects.filter(demo_person).count()
        if not writer.truncate([*big_tables, PERSON_TABLE]):
            if not writer.truncate(big_tables):
                # SQLite empties a table that has no WHERE clause and no triggers page by page.
                for table in big_tables:
                    writer.execute(f"DELETE FROM {qn(table)}")  # noqa: S608
            writer.execute(f"DELETE FROM {qn(PERSON_TABLE)} WHERE psn_no LIKE %s", [DEMO_PSN_NO_PREFIX + "%"])  # noqa: S608
    else:
        for table in big_tables:
            deleted += writer.execute(
                f"DELETE FROM {qn(table)} WHERE person_id IN "  # noqa: S608
                f"(SELECT id FROM {qn(PERSON_TABLE)} WHERE psn_no LIKE %s) "
                f"OR unit_id IN (SELECT id FROM {qn(Unit._meta.db_table)} WHERE emp_no LIKE %s)",
                [DEMO_PSN_NO_PREFIX + "%", DEMO_EMP_NO_PREFIX + "%"],
            )
        deleted += writer.execute(
            f"DELETE FROM {qn(PERSON_TABLE)} WHERE psn_no LIKE %s",  # noqa: S608
            [DEMO_PSN_NO_PREFIX + "%"],
        )

    units = Unit.objects.filter(demo_unit)
    bindings = Binding.objects.filter(unit__in=units)
    operator_ids = set(bindings.values_list("operator_id", flat=True))
    deleted += bindings.delete()[0]
    operators = Operator.objects.filter(id__in=operator_ids, bindings__isnull=True)
    user_ids = set(units.exclude(account=None).values_list("account_id", flat=True))
    user_ids |= set(operators.values_list("user_id", flat=True))
    deleted += operators.delete()[0]
    deleted += units.delete()[0]
    deleted += User.objects.filter(id__in=user_ids).delete()[0]
    deleted += Notice.objects.filter(title__in=[n.title for n in DEMO_NOTICES]).delete()[0]
    return deleted


def _applications_delete(writer: BulkWriter, units: QuerySet[Unit]) -> int:
    """The demo units' printed certificates (参保证明 and 备案凭证 protect what they name), filings
    (every version at once: one refers to the one it replaced) and applications with their
    timelines, materials and lines; the materials' files after the commit."""
    deleted = Certificate.objects.filter(unit__in=units).delete()[0]
    filings = Filing.objects.filter(unit__in=units)
    sql, params = filings.values("pk").query.sql_with_params()
    deleted += writer.execute(
        f"DELETE FROM {qn(Filing._meta.db_table)} WHERE id IN ({sql})",  # noqa: S608
        params,
    )
    applications = Application.objects.filter(unit__in=units)
    names = list(Material.objects.filter(application__in=applications).values_list("file", flat=True))
    deleted += applications.delete()[0]
    transaction.on_commit(lambda: _files_delete(names))
    return deleted


def _files_delete(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        if name:
            storage.delete(name)


def demo_accounts(limit_units: int = SHOWN_UNITS) -> tuple[list[DemoAccount], int]:
    """Logins to show: the staff users and the first units with their operators."""
    accounts: list[DemoAccount] = []
    units = (
        Unit.objects.filter(emp_no__startswith=DEMO_EMP_NO_PREFIX).select_related("account").order_by("id")
    )
    total = units.count()
    shown = list(units[:limit_units])
    # the certified hospital and pharmacy (医疗机构服务 / 零售药店服务) are always listed
    shown += [unit for unit in institution_units() if unit not in shown]
    # Every demo user got the same hash, so comparing hashes tells whether a staff user still
    # has the demo password without paying for a hash check.
    demo_hash = next((u.account.password for u in shown if u.account is not None), None)
    staff = {u.username: u for u in User.objects.filter(username__in=[ADMIN_USERNAME, REVIEWER_USERNAME])}
    for username, role in ((ADMIN_USERNAME, "系统管理员（后台）"), (REVIEWER_USERNAME, "经办机构审核员")):
        user = staff.get(username)
        if user is not None:
            password = DEMO_PASSWORD if user.password == demo_hash else "（原密码，未修改）"
            accounts.append(DemoAccount(role, username, password, "—"))
    bindings = (
        Binding.objects.filter(unit__in=shown, status=Binding.Status.ACTIVE)
        .select_related("operator", "unit")
        .annotate(grant_count=Count("grants"))
        .order_by("unit_id", "id")
    )
    units_per_operator = Counter(
        Binding.objects.filter(unit__emp_no__startswith=DEMO_EMP_NO_PREFIX).values_list(
            "operator_id", flat=True
        )
    )
    by_unit: dict[int, list[tuple[Binding, bool]]] = {}
    for binding in bindings:
        by_unit.setdefault(binding.unit_id, []).append((binding, bool(binding.grant_count)))
    for unit in shown:
        if unit.account is not None:
            accounts.append(DemoAccount("单位管理账号", unit.account.username, DEMO_PASSWORD, unit.name))
        for bound, granted in by_unit.get(unit.id, []):
            role = "经办人（多单位）" if units_per_operator[bound.operator_id] > 1 else "经办人"
            role += "（已授权）" if granted else "（未授权）"
            accounts.append(
                DemoAccount(f"{role} {bound.operator.name}", bound.operator.mobile, DEMO_PASSWORD, unit.name)
            )
    return accounts, max(0, total - len(shown))


# --- helpers ---------------------------------------------------------------------------------


class _Counter:
    rows = 0
    detail = ""


class _StageTimer:
    def __init__(self, result: SeedResult, report: Report) -> None:
        self.result = result
        self.report = report

    @contextmanager
    def stage(self, name: str) -> Iterator[_Counter]:
        counter = _Counter()
        self.report(f"{name} …")
        started = time.perf_counter()
        yield counter
        self.record(name, time.perf_counter() - started, counter.rows, counter.detail)

    def record(self, name: str, seconds: float, rows: int, detail: str = "") -> None:
        stage = Stage(name, seconds, rows, detail)
        self.result.stages.append(stage)
        rate = f", {stage.rate:,.0f} rows/s" if stage.rows and stage.seconds > 0 else ""
        self.report(
            f"{name}: {stage.rows:,} rows in {stage.seconds:.1f} s{rate}" + (f" ({detail})" if detail else "")
        )


def _should_defer(writer: BulkWriter, options: SeedOptions) -> bool:
    if options.defer_indexes != "auto":
        return options.defer_indexes == "always"
    if options.persons < DEFER_INDEXES_FROM:
        return False
    existing = int(writer.scalar(f"SELECT COUNT(*) FROM {PERSON_TABLE}"))  # noqa: S608
    return existing <= options.persons


def _counties() -> dict[str, list[tuple[str, str]]]:
    cities = [r.city_code for r in REGIONS]
    counties: dict[str, list[tuple[str, str]]] = {c: [] for c in cities}
    for code, name, parent in Division.objects.filter(
        parent_id__in=cities, level=Division.Level.COUNTY, is_active=True
    ).values_list("code", "name", "parent_id"):
        counties[parent].append((code, name))
    missing = [c for c, rows in counties.items() if not rows]
    if missing:
        raise DemoSeedError(
            f"no county-level divisions under {', '.join(missing)}: run `manage.py migrate` "
            "(or `manage.py load_reference`) first"
        )
    return {c: sorted(rows) for c, rows in counties.items()}


def _emp_forms() -> list[str]:
    codes = list(
        CodeItem.objects.filter(table_id="emp_fom", is_active=True)
        .order_by("sort_order")
        .values_list("code", flat=True)
    )
    return codes or ["1"]


def _taken_mobiles() -> set[str]:
    taken = set(Operator.objects.values_list("mobile", flat=True))
    taken |= set(User.objects.filter(username__regex=r"^1[0-9]{10}$").values_list("username", flat=True))
    return taken


def _staff_users(hashed: str, *, reset: bool) -> None:
    for username, superuser, label in (
        (ADMIN_USERNAME, True, "系统管理员"),
        (REVIEWER_USERNAME, False, "审核员"),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            User.objects.create(
                username=username,
                password=hashed,
                kind=User.Kind.STAFF,
                is_staff=True,
                is_superuser=superuser,
                first_name=label,
            )
        elif reset:
            user.password = hashed
            user.kind = User.Kind.STAFF
            user.is_staff = True
            user.is_superuser = superuser
            user.is_active = True
            user.save(update_fields=["password", "kind", "is_staff", "is_superuser", "is_active"])


def _reviewer_regions() -> None:
    """The demo reviewer covers the provinces of the demo regions, so the workbench has work."""
    reviewer = User.objects.get(username=REVIEWER_USERNAME)
    provinces = sorted({f"{region.city_code[:2]}0000" for region in REGIONS})
    for code in Division.objects.filter(code__in=provinces).values_list("code", flat=True):
        ReviewerRegion.objects.get_or_create(reviewer=reviewer, division_id=code)


def _write_units(plan: DemoPlan, hashed: str) -> tuple[list[int], int]:
    """Unit admin users, units, operator users, operators and bindings; returns the unit ids."""
    admins = User.objects.bulk_create(
        [
            User(username=u.account, password=hashed, kind=User.Kind.UNIT, first_name=u.name[:150])
            for u in plan.units
        ]
    )
    units = Unit.objects.bulk_create(
        [_unit(u, admin) for u, admin in zip(plan.units, admins, strict=True)], batch_size=500
    )
    operator_users = User.objects.bulk_create(
        [
            User(username=o.mobile, password=hashed, kind=User.Kind.OPERATOR, first_name=o.name)
            for o in plan.operators
        ],
        batch_size=500,
    )
    operators = Operator.objects.bulk_create(
        [
            Operator(
                user=user,
                name=o.name,
                mobile=o.mobile,
                cert_type="01",
                cert_no=o.cert_no,
                cert_valid_from=o.valid_from,
                cert_valid_to=o.valid_to,
                email=o.email,
            )
            for o, user in zip(plan.operators, operator_users, strict=True)
        ],
        batch_size=500,
    )
    bindings = Binding.objects.bulk_create(
        [
            Binding(unit=units[index], operator=operator, status=Binding.Status.ACTIVE)
            for o, operator in zip(plan.operators, operators, strict=True)
            for index in o.units
        ],
        batch_size=500,
    )
    rows = len(admins) + len(units) + len(operator_users) + len(operators) + len(bindings)
    rows += _write_access(units, bindings)
    return [u.pk for u in units], rows


def _write_access(units: list[Unit], bindings: list[Binding]) -> int:
    """Every demo unit is a certified 参保单位 with the default populations; the first operator
    bound to each unit holds all its insured-unit items, the others hold none yet."""
    populations = list(Population.objects.filter(is_default=True))
    unit_populations = Unit.populations.through
    rows = unit_populations.objects.bulk_create(
        [unit_populations(unit_id=u.pk, population_id=p.pk) for u in units for p in populations],
        batch_size=1000,
    )
    decided = timezone.now()
    roles = RoleCertification.objects.bulk_create(
        [
            RoleCertification(
                unit=u,
                role=UnitRole.INSURED,
                status=RoleCertification.Status.CERTIFIED,
                reason="参保单位信息已由医保经办机构核验",
                decided_at=decided,
            )
            for u in units
        ],
        batch_size=500,
    )
    items = list(BusinessItem.objects.filter(is_active=True, function_role__code="insured"))
    exclusive = get_profile().exclusive_grants
    first: dict[int, Binding] = {}
    for binding in bindings:
        first.setdefault(binding.unit_id, binding)
    grants = Grant.objects.bulk_create(
        [
            Grant(binding=b, unit_id=b.unit_id, item=item, exclusive=exclusive)
            for b in first.values()
            for item in items
        ],
        batch_size=1000,
    )
    binding_populations = Binding.populations.through
    scoped = binding_populations.objects.bulk_create(
        [
            binding_populations(binding_id=b.pk, population_id=p.pk)
            for b in first.values()
            for p in populations
        ],
        batch_size=1000,
    )
    return len(rows) + len(roles) + len(grants) + len(scoped)


def _unit(plan: UnitPlan, admin: User) -> Unit:
    return Unit(
        account=admin,
        emp_no=plan.emp_no,
        name=plan.name,
        uscc=plan.uscc,
        emp_type=plan.emp_type,
        emp_mgt_type="01",
        division_id=plan.admdvs,
        address=plan.address,
        postcode=plan.postcode,
        legal_rep_name=plan.legal_rep_name,
        legal_rep_cert_type="01",
        legal_rep_cert_no=plan.legal_rep_cert_no,
        legal_rep_mobile=plan.legal_rep_mobile,
        qualification=plan.qualification,
    )


def _month_rows(window: Window, rng: random.Random) -> list[tuple[object, ...]]:
    """One row per contribution month: whether it is in the current year, whether it is the last
    month, and the day the month's money arrived (in the next month, never after today)."""
    rows: list[tuple[object, ...]] = []
    for ym in window.months():
        following = ym_add(ym, 1)
        arrival = date(following // 100, following % 100, rng.randint(5, 20))
        arrival = min(arrival, window.today)
        rows.append(
            (
                ym,
                1 if ym // 100 == window.last_ym // 100 else 0,
                1 if ym == window.last_ym else 0,
                arrival.isoformat(),
            )
        )
    return rows


def _write_notices() -> int:
    titles = [n.title for n in DEMO_NOTICES]
    existing = set(Notice.objects.filter(title__in=titles).values_list("title", flat=True))
    now = timezone.localtime()
    morning = now.replace(hour=9, minute=30, second=0, microsecond=0)
    notices = [
        Notice(
            title=n.title,
            body=n.body,
            published_at=min(now, morning - timedelta(days=n.days_ago)),
            is_published=True,
        )
        for n in DEMO_NOTICES
        if n.title not in existing
    ]
    Notice.objects.bulk_create(notices)
    return len(notices)


def _demo_counts() -> dict[str, int]:
    """Counts that stay cheap on a large database (no pass over the contribution table)."""
    units = Unit.objects.filter(emp_no__startswith=DEMO_EMP_NO_PREFIX)
    return {
        "units": units.count(),
        "operators": Operator.objects.filter(bindings__unit__in=units).distinct().count(),
        "persons": Person.objects.filter(psn_no__startswith=DEMO_PSN_NO_PREFIX).count(),
    }
