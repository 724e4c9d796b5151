"""缴费明细导出: the detail rows of a range as an xlsx, written row by row into a temporary file
(xlsxwriter constant_memory) from a streamed query, so memory stays flat for any unit size."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter

from yibao.contributions.models import Contribution
from yibao.contributions.periods import period_text
from yibao.core.masking import mask_id_number
from yibao.core.reference import code_choices
from yibao.enrollment.workbooks import neutralise

SHEET = "缴费明细"
TITLES = ("费款所属期", "姓名", "证件号码", "险种", "缴费基数", "单位缴费", "个人缴费", "到账状态")
WIDTHS = (12, 12, 22, 22, 14, 14, 14, 10)


def detail_xlsx(rows: Iterable[tuple[Any, ...]]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, positioned at its start (ID numbers masked)."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet(SHEET)
    for index, width in enumerate(WIDTHS):
        sheet.set_column(index, index, width)
    for index, title in enumerate(TITLES):
        sheet.write_string(0, index, title, header)
    insutypes = dict(code_choices("insutype", include_inactive=True))
    arrivals = dict(Contribution.Arrival.choices)
    for number, (period, name, cert_no, insutype, base, unit_amount, personal, arrival) in enumerate(
        rows, start=1
    ):
        sheet.write_string(number, 0, period_text(period))
        sheet.write_string(number, 1, neutralise(name))
        sheet.write_string(number, 2, mask_id_number(cert_no))
        sheet.write_string(number, 3, insutypes.get(insutype, insutype))
        sheet.write_number(number, 4, float(base), money)
        sheet.write_number(number, 5, float(unit_amount), money)
        sheet.write_number(number, 6, float(personal), money)
        sheet.write_string(number, 7, arrivals.get(arrival, arrival))
    book.close()
    target.seek(0)
    return target
