"""Set-based writes of many rows, on PostgreSQL and SQLite: the demo load, 批量参保登记 and the
contribution feed.

PostgreSQL: rows stream through ``COPY … FROM STDIN`` (psycopg 3). SQLite: ``executemany`` of
one prepared INSERT on the raw sqlite3 connection.

A large load may first drop the secondary indexes of the tables it fills (on PostgreSQL also their
unique and foreign-key constraints, and a primary key nothing refers to) and build them again at
the end: one sorted build is much cheaper than millions of index insertions and deferred
foreign-key checks. On SQLite a load session runs without fsync and with foreign keys off, and
checks the references of every other table before it commits. Everything runs in the caller's
transaction, so a failure leaves tables and indexes as they were.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper


def qn(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class BulkWriter:
    """Backend-neutral interface; `for_connection` picks the implementation."""

    vendor = ""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    @staticmethod
    def for_connection(connection: BaseDatabaseWrapper) -> BulkWriter:
        if connection.vendor == "postgresql":
            return PostgresWriter(connection)
        if connection.vendor == "sqlite":
            return SqliteWriter(connection)
        raise NotImplementedError(f"seed_demo supports PostgreSQL and SQLite, not {connection.vendor}")

    # --- plain statements ----------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else row[0]

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(r) for r in cursor.fetchall()]

    def next_id(self, table: str) -> int:
        """The first id of a block the load assigns itself: above every id the table ever gave,
        so that a reset never hands a deleted row's id to a new row."""
        raise NotImplementedError

    # --- to be provided per backend --------------------------------------------------------------
    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    @contextmanager
    def load_session(self) -> Iterator[None]:
        """Settings for the whole load; entered outside the transaction."""
        yield

    def lock(self, tables: Sequence[str]) -> None:
        """Keep other writers out of `tables` until the transaction ends."""

    def checkpoint(self) -> None:
        """Finishing work after the commit."""

    def check_references(self, trusted: Sequence[str]) -> None:
        """Before the commit: check the foreign keys of every table but `trusted` when the load
        turned the database's own checks off."""

    def drop_secondary_indexes(self, tables: Sequence[str]) -> list[str]:
        """Drop what slows a bulk load down; return the statements that build it again."""
        raise NotImplementedError

    def restore(self, statements: Sequence[str]) -> None:
        for sql in statements:
            self.execute(sql)

    def after_explicit_ids(self, model_list: Sequence[type[models.Model]]) -> None:
        for sql in self.connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            self.execute(sql)

    def analyze(self, tables: Sequence[str]) -> None:
        raise NotImplementedError

    def truncate(self, tables: Sequence[str]) -> bool:
        """Empty `tables` at once if the backend can; False when it has to fall back to DELETE."""
        return False


class SqliteWriter(BulkWriter):
    vendor = "sqlite"
    references_unchecked = False

    def _raw(self) -> Any:
        self.connection.ensure_connection()
        return self.connection.connection

    def next_id(self, table: str) -> int:
        # AUTOINCREMENT keeps its high-water mark in sqlite_sequence, and moves it on by itself
        # when rows arrive with larger explicit ids.
        used = self.scalar(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {qn(table)}), 0), "  # noqa: S608
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        return int(used) + 1

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(qn(c) for c in columns)
        self._raw().executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)  # noqa: S608

    @contextmanager
    def load_session(self) -> Iterator[None]:
        # No fsync during the load (a crash loses only the load, which is one transaction) and a
        # page cache large enough for the B-trees being filled. SQLite refuses to change the
        # safety level inside a transaction (as in a test case); then the load runs as it is.
        #
        # Foreign keys are off too: with them on, SQLite looks up the parent of every inserted
        # row, and it cannot empty a table at once on reset (it deletes row by row). The load
        # makes its own references valid; `check_references` checks the other tables before the
        # commit. `secure_delete` (on in Debian's build) would zero every page a reset frees.
        raw = self._raw()
        if raw.in_transaction:
            yield
            return
        names = ("synchronous", "cache_size", "foreign_keys", "secure_delete")
        previous = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in names}
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-524288")  # 512 MiB
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute("PRAGMA secure_delete=OFF")
        self.references_unchecked = True
        try:
            yield
        finally:
            self.references_unchecked = False
            raw = self._raw()
            for name, value in previous.items():
                raw.execute(f"PRAGMA {name}={int(value)}")

    def check_references(self, trusted: Sequence[str]) -> None:
        if self.references_unchecked:
            tables = self.connection.introspection.table_names()
            self.connection.check_constraints(table_names=[t for t in tables if t not in trusted])

    def checkpoint(self) -> None:
        # Fold the write-ahead log back into the database file now and shrink it, rather than
        # leave a log as large as the load to the next writer.
        raw = self._raw()
        if not raw.in_transaction:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def drop_secondary_indexes(self, tables: Sequence[str]) -> list[str]:
        # Indexes that SQLite made for UNIQUE table constraints have no SQL and cannot be dropped.
        saved: list[tuple[str, str]] = []
        for table in tables:
            saved += [
                (str(name), str(sql))
                for name, sql in self.rows(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                    "AND sql IS NOT NULL ORDER BY name",
                    [table],
                )
            ]
        for name, _ in saved:
            self.execute(f"DROP INDEX {qn(name)}")
        return [sql for _, sql in saved]

    def analyze(self, tables: Sequence[str]) -> None:
        # A sampled ANALYZE: enough for the planner, seconds instead of minutes at 10^7 rows.
        self.execute("PRAGMA analysis_limit=1000")
        for table in tables:
            self.execute(f"ANALYZE {qn(table)}")


class PostgresWriter(BulkWriter):
    vendor = "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        names = ", ".join(qn(c) for c in columns)
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    @contextmanager
    def load_session(self) -> Iterator[None]:
        yield

    def next_id(self, table: str) -> int:
        # Take the next value of the identity sequence; `after_explicit_ids` moves the sequence
        # past the block once the rows are in.
        return int(self.scalar("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table]))

    def lock(self, tables: Sequence[str]) -> None:
        self.execute(f"LOCK TABLE {', '.join(qn(t) for t in tables)} IN SHARE ROW EXCLUSIVE MODE")

    def drop_secondary_indexes(self, tables: Sequence[str]) -> list[str]:
        # Memory for the sorted index builds at the end, for this transaction only.
        self.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Run the foreign-key checks queued so far (the units just written): a table with pending
        # trigger events cannot be altered, and dropping a foreign key alters both of its tables.
        self.execute("SET CONSTRAINTS ALL IMMEDIATE")
        drops: list[str] = []
        # Rebuilt in this order: keys that others refer to first, the foreign keys last.
        primary: list[str] = []
        unique: list[str] = []
        indexes: list[str] = []
        foreign: list[str] = []
        for table in tables:
            for name, definition in self.rows(
                "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class c ON c.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid "
                "AND k.conrelid = x.indrelid) ORDER BY c.relname",
                [table],
            ):
                drops.append(f"DROP INDEX {qn(str(name))}")
                indexes.append(str(definition))
            # The table's own foreign keys (adding one back checks every row in one join, where
            # a load with the key in place queues a deferred check per row until commit) and the
            # unique constraints that no foreign key depends on.
            for name, kind, definition in self.rows(
                "SELECT k.conname, k.contype, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                "WHERE k.conrelid = %s::regclass AND (k.contype = 'f' OR (k.contype = 'u' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
                "AND f.conindid = k.conindid))) ORDER BY k.conname",
                [table],
            ):
                drops.append(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(str(name))}")
                add = f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(str(name))} {definition}"
                (foreign if kind == "f" else unique).append(add)
        for sql in drops:
            self.execute(sql)
        # A primary key goes too when no foreign key refers to the table any more.
        for table in tables:
            for name, definition in self.rows(
                "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
                "WHERE k.conrelid = %s::regclass AND k.contype = 'p' AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = k.conrelid)",
                [table],
            ):
                self.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(str(name))}")
                primary.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(str(name))} {definition}")
        return primary + unique + indexes + foreign

    def restore(self, statements: Sequence[str]) -> None:
        super().restore(statements)
        self.execute("SET CONSTRAINTS ALL DEFERRED")

    def analyze(self, tables: Sequence[str]) -> None:
        for table in tables:
            self.execute(f"ANALYZE {qn(table)}")

    def truncate(self, tables: Sequence[str]) -> bool:
        from django.db import DatabaseError, transaction

        try:
            with transaction.atomic(using=self.connection.alias):
                self.execute(f"TRUNCATE {', '.join(qn(t) for t in tables)}")
        except DatabaseError:
            # Another table references one of these (TRUNCATE refuses even when it is empty).
            return False
        return True


# --- rows of one model, as tuples ----------------------------------------------------------

WRITE_BATCH = 5_000  # rows per executemany / COPY slice (bounded memory)


def _columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(name).column) for name in names]  # type: ignore[union-attr]


def _adapter(vendor: str) -> Any:
    ops = connection.ops

    def sqlite(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False)
        return value

    def postgres(value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value

    return sqlite if vendor == "sqlite" else postgres


def bulk_write(
    writer: BulkWriter, model: type[models.Model], names: Sequence[str], rows: Iterable[tuple[Any, ...]]
) -> None:
    """Insert rows of `model` given as tuples of `names` (fields; a foreign key by its id): COPY on
    PostgreSQL, executemany on SQLite. The ORM's bulk_create quotes JSON and arrays on the client,
    which costs more than the insert (30 s for 50,000 line items against under a second)."""
    adapt = _adapter(writer.vendor)
    table = model._meta.db_table
    columns = _columns(model, names)
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(tuple(adapt(value) for value in row))
        if len(batch) >= WRITE_BATCH:
            writer.write(table, columns, batch)
            batch = []
    if batch:
        writer.write(table, columns, batch)
