"""Demo data for development and load tests: `manage.py seed_demo`.

Demo rows are recognisable by reserved prefixes, so that `--reset` removes them and nothing else:
unit numbers (emp_no) and person numbers (psn_no) start with ``99``, which no province code does.
Every demo login uses `DEMO_PASSWORD`, which satisfies the password rules of every policy profile
(8–16 characters with digits, upper- and lower-case letters).

- `numbers`: USCC, ID-number and mobile-number generation with their check characters.
- `people`: regions, names, addresses and unit names (Faker zh_CN data).
- `plan`: the rows to write, drawn from one seeded random generator.
- `notices`: the 最新公告 the demo publishes.
- `filings`: the 异地就医备案 of the shown units, in every kind and status.
- `contribution_staging`: the temporary tables from which the database makes the contributions.
- `seed`: the load and the reset, through `yibao.core.bulk`'s set-based writes.
"""

DEMO_PASSWORD = "Yibao2026demo"  # noqa: S105 - published on purpose: demo logins only
DEMO_EMP_NO_PREFIX = "99"
DEMO_PSN_NO_PREFIX = "99"
ADMIN_USERNAME = "admin"
REVIEWER_USERNAME = "shenhe01"
SHOWN_UNITS = 6  # units whose logins seed_demo prints; each gets the demo filings
