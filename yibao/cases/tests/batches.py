"""Batch applications (批量参保登记) for the tests of printing and review, made through the
service the background import uses (`application_lines_store`), without reading a file."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from yibao.cases.models import Application
from yibao.cases.services import Line, application_lines_store
from yibao.demo.numbers import make_id_number
from yibao.enrollment.batch_import import EMPLOYEE_ENROLLMENT_BATCH
from yibao.enrollment.models import BatchImport
from yibao.operators.models import Binding

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉文辉新宇浩然梓涵子轩雨欣思远鹏飞晓东海燕春梅"
)


RARE_SPAN = 3_500  # the middle character cycles through this many code points, as a country's names do


def person_name(n: int) -> str:
    """A distinct name for person n; a large batch draws on thousands of characters."""
    middle = (
        chr(0x4E00 + n * 7_919 % RARE_SPAN)
        if n >= len(SURNAMES) * len(GIVEN)
        else GIVEN[n // len(SURNAMES) % len(GIVEN)]
    )
    return SURNAMES[n % len(SURNAMES)] + middle + GIVEN[n % len(GIVEN)]


def person_cert_no(n: int) -> str:
    return make_id_number("530102", datetime.date(1970, 1, 1) + datetime.timedelta(days=n // 900), n % 900)


def line_data(n: int) -> dict[str, Any]:
    """What the import keeps of a file row (`batch_import.row_to_data`) for person n."""
    start = timezone.localdate().replace(day=1).isoformat()
    return {
        "cert_type": "01", "cert_no": person_cert_no(n), "name": person_name(n), "gender": "12"[n % 2],
        "birth_date": "", "nation": "01", "nationality": "CHN", "mobile": "", "address": "",
        "first_work_date": "", "psn_type": "1101", "emp_form": "1", "insutypes": ["310", "330", "510"],
        "start_date": start, "base": "6000.00", "cells": [], "problems": [],
    }  # fmt: skip


def batch_application(binding: Binding, persons: int, *, name: str = "人员名单.xlsx") -> Application:
    """A 职工参保登记（批量） draft of `persons` persons who all passed (file rows 2, 3, …)."""
    batch = BatchImport.objects.create(
        unit=binding.unit, created_by=binding.operator.user, original_name=name,
        status=BatchImport.Status.DONE, rows_total=persons, rows_done=persons, passed=persons,
    )  # fmt: skip
    batch.file.save("import.xlsx", ContentFile(b"PK"), save=True)
    application = application_lines_store(
        kind=EMPLOYEE_ENROLLMENT_BATCH,
        unit=binding.unit,
        actor=binding.operator.user,
        payload={"batch": batch.pk, "count": persons},
        lines=(Line(row=n + 2, data=line_data(n)) for n in range(persons)),
        failed=0,
    )
    BatchImport.objects.filter(pk=batch.pk).update(application=application)
    return application
