"""Uploaded PDFs are parsed (qpdf, through pikepdf) and written anew, never kept as sent.

A byte search cannot see a name written with hex escapes (`/J#61vaScript`), a dictionary inside
a compressed object stream, or a ZIP or HTML document appended after the PDF. Parsing resolves
all of them: every object, direct or indirect, is walked, and a file that can act on its own
(scripts, launch and submit actions, actions run on opening or on events, embedded files,
forms, rich media) is refused. What passes is saved again from the parsed objects only, so
anything outside them (an appended archive, a second document) is gone, and streams are copied
without being decompressed (no decompression bomb is expanded here).
"""

from __future__ import annotations

import io

import pikepdf

# Keys that make a document act or carry other files, wherever they appear.
FORBIDDEN_KEYS = frozenset(
    {
        "/JS", "/JavaScript", "/OpenAction", "/AA", "/AcroForm", "/XFA", "/EmbeddedFile",
        "/EmbeddedFiles", "/RichMedia", "/RichMediaContent", "/Launch",
    }
)  # fmt: skip
# Action types (the /S of an action dictionary) other than moving within the document or
# opening a web address.
FORBIDDEN_ACTIONS = frozenset(
    {
        "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE",
        "/Rendition", "/Movie", "/Sound", "/RichMediaExecute", "/Hide", "/Trans", "/GoTo3DView",
    }
)  # fmt: skip
FORBIDDEN_SUBTYPES = frozenset(
    {"/FileAttachment", "/Widget", "/Screen", "/Movie", "/Sound", "/3D", "/RichMedia"}
)
MAX_OBJECTS = 200_000  # a scan of a few pages has hundreds


class PdfRefused(Exception):
    """The file is a PDF that may not be kept; `reason` says why in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PdfUnreadable(Exception):
    """The file does not parse as a PDF (damaged, truncated or encrypted)."""


def _name(value: object) -> str:
    return str(value) if isinstance(value, pikepdf.Name) else ""


def _check_dictionary(dictionary: pikepdf.Dictionary | pikepdf.Stream) -> None:
    keys = set(dictionary.keys())
    if keys & FORBIDDEN_KEYS:
        raise PdfRefused("PDF 文件含有脚本、自动执行的动作、表单或嵌入文件")
    if _name(dictionary.get("/S")) in FORBIDDEN_ACTIONS:
        raise PdfRefused("PDF 文件含有脚本或会打开其他文件的动作")
    if (
        _name(dictionary.get("/Subtype")) in FORBIDDEN_SUBTYPES
        or _name(dictionary.get("/Type")) == "/EmbeddedFile"
    ):
        raise PdfRefused("PDF 文件含有附件、表单或多媒体内容")


def _walk(root: pikepdf.Object, seen: set[tuple[int, int]]) -> None:
    """Every dictionary reachable from `root`, each indirect object once (iteratively: a deep
    nesting cannot exhaust the stack)."""
    stack: list[object] = [root]
    while stack:
        current = stack.pop()
        if not isinstance(current, pikepdf.Dictionary | pikepdf.Stream | pikepdf.Array):
            continue  # numbers, names, strings: nothing below them
        if current.is_indirect:
            key = current.objgen
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_OBJECTS:
                raise PdfRefused("PDF 文件结构过于复杂")
        if isinstance(current, pikepdf.Dictionary | pikepdf.Stream):
            _check_dictionary(current)
            stack.extend(current.values())
        elif isinstance(current, pikepdf.Array):
            stack.extend(current)


def pdf_rewrite(data: bytes) -> bytes:
    """The document saved anew from its parsed objects; PdfRefused or PdfUnreadable otherwise."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise PdfUnreadable("encrypted") from exc
    except pikepdf.PdfError as exc:
        raise PdfUnreadable(str(exc)) from exc
    with pdf:
        if pdf.is_encrypted:
            raise PdfUnreadable("encrypted")
        if len(pdf.pages) == 0:
            raise PdfUnreadable("no pages")
        seen: set[tuple[int, int]] = set()
        _walk(pdf.trailer, seen)
        for candidate in pdf.objects:  # also objects no longer reachable (old revisions)
            _walk(candidate, seen)
        out = io.BytesIO()
        pdf.save(
            out,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
            deterministic_id=True,
        )
    return out.getvalue()
