"""Name search over the catalogues: Chinese substrings and pinyin initials.

Each row stores `search_key` = ``initials|name[|variant…]`` in lower case, for example
``amxljn|阿莫西林胶囊``. A query matches when it is a substring of that key, so «西林胶», «amxl»
and «jn» all find 阿莫西林胶囊. Starting with the initials makes the key a pinyin sort key too:
search results are listed in pinyin order (阿莫西林… before 布洛芬…). Variants cover polyphonic characters: for each character with
another reading, one extra initials string with that single character changed (at most
`MAX_VARIANTS`), so 复方甘草片 is found by «ffgcp» and by «fpgcp».

How the substring test is made fast:

* PostgreSQL: a GIN index with ``gin_trgm_ops`` on ``search_key`` (extension pg_trgm), which
  serves ``LIKE '%…%'``; the planner picks it once the pattern has a trigram (three characters).
* SQLite: an FTS5 table with ``tokenize='trigram'`` (SQLite ≥ 3.34) holding ``search_key``, kept in
  sync by triggers on the catalogue table; queries of three characters or more use
  ``MATCH '"…"'`` on it, shorter ones scan the table with LIKE.

Both are created by migration 0002 with the functions at the end of this module.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from django.db import OperationalError, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from pypinyin import Style, lazy_pinyin, pinyin

SEPARATOR = "|"
MAX_VARIANTS = 3
MAX_QUERY_LENGTH = 40
FTS_MIN_LENGTH = 3  # the trigram tokenizer needs three characters to use its index

# Catalogue tables that carry search_key and get an index in migration 0002.
SEARCH_TABLES = ("catalog_institution", "catalog_agency", "catalog_drug", "catalog_serviceitem")

M = TypeVar("M", bound=Model)

_SPACES = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """Full-width letters and digits to ASCII (NFKC), lower case, single spaces, no separators."""
    text = unicodedata.normalize("NFKC", value or "").lower().replace(SEPARATOR, " ")
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)  # catalogues repeat names (one drug, many makers)
def pinyin_initials(name: str) -> tuple[str, ...]:
    """The initials of `name`, most likely reading first, then single-character variants.

    Letters and digits in the name are kept as they are («维生素B6片» → «wssb6p»); other
    characters (brackets, punctuation) are dropped.
    """
    text = normalise_text(name)
    if not text:
        return ()
    default = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    tokens = [_keep_alnum(token) for token in default]
    primary = "".join(tokens)
    readings = pinyin(text, style=Style.FIRST_LETTER, heteronym=True, errors="default")
    variants: list[str] = []
    # lazy_pinyin and pinyin split the text into the same segments (characters or non-Chinese runs).
    if len(readings) == len(tokens):
        for index, options in enumerate(readings):
            for option in options:
                letter = _keep_alnum(option)
                if letter and letter != tokens[index]:
                    variant = "".join([*tokens[:index], letter, *tokens[index + 1 :]])
                    if variant != primary and variant not in variants:
                        variants.append(variant)
    return tuple(key for key in (primary, *variants[:MAX_VARIANTS]) if key)


def _keep_alnum(token: str) -> str:
    return "".join(char for char in token.lower() if char.isascii() and char.isalnum())


def search_key_for(name: str, *extra: str) -> str:
    """The stored search key of a row named `name` (extra texts, such as a short name, appended)."""
    initials = pinyin_initials(name)
    parts = [*initials[:1], normalise_text(name)]
    parts += [normalise_text(text) for text in extra if text]
    parts += initials[1:]
    return SEPARATOR.join(dict.fromkeys(part for part in parts if part))


def normalise_query(value: str) -> str:
    """What a query box holds, ready to match `search_key` (empty when nothing to search)."""
    return normalise_text(value)[:MAX_QUERY_LENGTH]


def search_filter(queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """Narrow `queryset` to rows whose search key contains `text`."""
    needle = normalise_query(text)
    if not needle:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite" and len(needle) >= FTS_MIN_LENGTH:
        # The table name is the model's own; only the phrase comes from the user, as a parameter.
        fts = fts_table(queryset.model._meta.db_table)
        matches = f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s'  # noqa: S608
        return queryset.filter(pk__in=RawSQL(matches, [fts_phrase(needle)]))  # noqa: S611
    return queryset.filter(search_key__contains=needle)


@contextmanager
def search_planning(using: str = "default") -> Iterator[None]:
    """Run the queries of a list page with planner costs that suit the trigram index.

    PostgreSQL's default random_page_cost (4, for spinning disks) together with its low price for
    LIKE on multi-byte text makes the planner scan 100,000 drugs sequentially (~30 ms) rather
    than use the GIN index (~5 ms) for a name that matches a few percent of them. SSD storage is
    priced at about 1.1; set for this transaction only. Other databases need nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        yield


def fts_phrase(needle: str) -> str:
    """An FTS5 phrase matching `needle` as a substring (trigram tokenizer)."""
    return '"' + needle.replace('"', '""') + '"'


def search_plan() -> str:
    """One line saying how the search runs on the default database (for benchmarks and docs)."""
    vendor = connections["default"].vendor
    if vendor == "postgresql":
        return "PostgreSQL：search_key 上的 pg_trgm GIN 索引（gin_trgm_ops），LIKE '%…%'"
    if vendor == "sqlite":
        return "SQLite：FTS5 trigram 虚表（外部内容表 + 触发器），MATCH 短语；少于3字时 LIKE 扫描"
    return f"{vendor}：LIKE '%…%' 扫描"


# --- Index objects, used by migrations ------------------------------------------------------


def fts_table(table: str) -> str:
    return f"{table}_fts"


def sqlite_supports_trigram(connection: Any) -> bool:
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.yibao_trigram_probe USING fts5(a, tokenize='trigram')")
        except OperationalError:  # no FTS5, or no trigram tokenizer
            return False
        cursor.execute("DROP TABLE temp.yibao_trigram_probe")
    return True


# SQL templates over a catalogue table (one of SEARCH_TABLES, never user input): <fts>, <table>.
_SQLITE_INDEX_SQL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS <fts> USING fts5("
    "search_key, content='<table>', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS <fts>_ai AFTER INSERT ON <table> BEGIN "
    "INSERT INTO <fts>(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS <fts>_ad AFTER DELETE ON <table> BEGIN "
    "INSERT INTO <fts>(<fts>, rowid, search_key) VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS <fts>_au AFTER UPDATE OF search_key ON <table> BEGIN "
    "INSERT INTO <fts>(<fts>, rowid, search_key) VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO <fts>(rowid, search_key) VALUES (new.id, new.search_key); END",
    "INSERT INTO <fts>(<fts>) VALUES ('rebuild')",
)


def _sql(template: str, table: str) -> str:
    return template.replace("<fts>", fts_table(table)).replace("<table>", table)


def sqlite_search_index_statements(table: str) -> list[str]:
    """FTS5 table over `table`.search_key and the triggers that keep it in sync (idempotent)."""
    return [_sql(template, table) for template in _SQLITE_INDEX_SQL]


def sqlite_search_index_drop_statements(table: str) -> list[str]:
    fts = fts_table(table)
    return [
        f'DROP TRIGGER IF EXISTS "{fts}_ai"',
        f'DROP TRIGGER IF EXISTS "{fts}_ad"',
        f'DROP TRIGGER IF EXISTS "{fts}_au"',
        f'DROP TABLE IF EXISTS "{fts}"',
    ]


def postgres_search_index_statements(table: str) -> list[str]:
    return [
        f'CREATE INDEX IF NOT EXISTS "{table}_search_trgm" ON "{table}" USING gin (search_key gin_trgm_ops)'
    ]


def postgres_search_index_drop_statements(table: str) -> list[str]:
    return [f'DROP INDEX IF EXISTS "{table}_search_trgm"']


def search_index_install(schema_editor: Any, tables: tuple[str, ...] = SEARCH_TABLES) -> None:
    """Create the search index of each table for the database being migrated.

    Safe to run again: a later migration that rebuilds a catalogue table on SQLite (which drops
    its triggers) should call this once more.
    """
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        if not sqlite_supports_trigram(connection):
            raise RuntimeError(
                "目录检索需要 SQLite 3.34 及以上版本的 FTS5 trigram 分词器，"
                f"当前 SQLite 为 {connection.Database.sqlite_version}"
            )
        statements = itertools.chain.from_iterable(sqlite_search_index_statements(t) for t in tables)
    elif connection.vendor == "postgresql":
        statements = itertools.chain.from_iterable(postgres_search_index_statements(t) for t in tables)
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def search_index_remove(schema_editor: Any, tables: tuple[str, ...] = SEARCH_TABLES) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = itertools.chain.from_iterable(sqlite_search_index_drop_statements(t) for t in tables)
    elif connection.vendor == "postgresql":
        statements = itertools.chain.from_iterable(postgres_search_index_drop_statements(t) for t in tables)
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def search_index_rebuild(*, using: str = "default", tables: tuple[str, ...] = SEARCH_TABLES) -> None:
    """Rebuild the SQLite FTS tables from their content tables (after raw bulk changes)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in tables:
            fts = fts_table(table)
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [fts])
            if cursor.fetchone():
                cursor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')  # noqa: S608
