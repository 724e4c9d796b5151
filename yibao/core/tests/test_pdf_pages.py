"""Pages of an uploaded PDF drawn as PNG images: size, bounds and the pages past the preview."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from yibao.core.pdf_pages import (
    MAX_PIXELS,
    PAGE_WIDTH,
    PREVIEW_PAGES,
    PageMissing,
    pdf_page_count,
    pdf_page_png,
    preview_pages,
)


def pdf_of(*sizes: tuple[float, float]) -> io.BytesIO:
    pdf = pikepdf.new()
    for size in sizes:
        pdf.add_blank_page(page_size=size)
    out = io.BytesIO()
    pdf.save(out)
    out.seek(0)
    return out


def drawn(source: io.BytesIO, number: int) -> Image.Image:
    source.seek(0)
    data = pdf_page_png(source, number)
    assert data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data))


def test_an_a4_page_is_drawn_at_150_dpi() -> None:
    image = drawn(pdf_of((595, 842), (842, 595)), 1)
    assert image.width == PAGE_WIDTH and abs(image.height - 842 * PAGE_WIDTH / 595) <= 1
    assert image.getpixel((10, 10)) == (255, 255, 255)  # a blank page is white, not transparent


def test_each_page_is_drawn_with_its_own_shape() -> None:
    source = pdf_of((595, 842), (842, 595))
    landscape = drawn(source, 2)
    assert landscape.width == PAGE_WIDTH and abs(landscape.height - 595 * PAGE_WIDTH / 842) <= 1


def test_a_very_long_page_is_drawn_smaller_not_larger() -> None:
    image = drawn(pdf_of((595, 14_400)), 1)  # a 5-metre strip
    width, height = image.size
    assert width * height <= MAX_PIXELS * 1.01
    assert width < PAGE_WIDTH


def test_pages_past_the_document_or_the_preview_are_missing() -> None:
    source = pdf_of((595, 842))
    for number in (0, 2, PREVIEW_PAGES + 1):
        source.seek(0)
        with pytest.raises(PageMissing):
            pdf_page_png(source, number)


def test_the_count_and_the_drawn_pages() -> None:
    assert pdf_page_count(pdf_of(*[(595, 842)] * 3)) == 3
    assert pdf_page_count(io.BytesIO(b"%PDF-1.7 not really")) == 0
    assert list(preview_pages(3)) == [1, 2, 3]
    assert list(preview_pages(PREVIEW_PAGES + 40)) == list(range(1, PREVIEW_PAGES + 1))
