"""Files an attacker would upload, made by code (nothing binary is kept in the repository).

Each PDF is a real, parseable document of one blank page with one trick added; a clean one is
there to show what passes.
"""

from __future__ import annotations

import io
import zipfile

import pikepdf


def _save(pdf: pikepdf.Pdf, *, object_streams: bool = False) -> bytes:
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode, compress_streams=object_streams)
    return out.getvalue()


def _blank() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    return pdf


def clean_pdf() -> bytes:
    return _save(_blank())


def _with_open_action(action: pikepdf.Dictionary, *, object_streams: bool = False) -> bytes:
    pdf = _blank()
    pdf.Root.OpenAction = pdf.make_indirect(action)
    return _save(pdf, object_streams=object_streams)


def pdf_javascript_open_action() -> bytes:
    return _with_open_action(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))


def pdf_javascript_in_object_stream() -> bytes:
    """The action sits compressed inside an object stream: no byte of `/JavaScript` in the file."""
    action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    return _with_open_action(action, object_streams=True)


def _hex_escape(data: bytes, name: bytes, escaped: bytes) -> bytes:
    assert name in data
    return data.replace(name, escaped)


def pdf_hex_escaped_javascript() -> bytes:
    """`/J#61vaScript` is the name /JavaScript written with a hex escape (ISO 32000 §7.3.5)."""
    data = pdf_javascript_open_action()
    return _hex_escape(data, b"/JavaScript", b"/J#61vaScript")


def pdf_js_as_hex_string() -> bytes:
    """/JS given as a hex string: no `/JS (` or `/JS ` in the bytes."""
    data = pdf_javascript_open_action()
    return data.replace(b"/JS (app.alert(1))", b"/JS<6170702e616c657274283129>")


def pdf_hex_escaped_launch() -> bytes:
    data = _with_open_action(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")))
    return _hex_escape(data, b"/Launch", b"/L#61unch")


def pdf_embedded_file() -> bytes:
    pdf = _blank()
    stream = pikepdf.Stream(pdf, b"MZ payload")
    stream.Type = pikepdf.Name("/EmbeddedFile")
    spec = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"), EF=pikepdf.Dictionary(F=stream)
    )
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array(["a.exe", spec]))
    )
    data = _save(pdf)
    return _hex_escape(data, b"/EmbeddedFile", b"/Embedded#46ile")


def pdf_form() -> bytes:
    pdf = _blank()
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array())
    return _save(pdf)


def pdf_annotation_action() -> bytes:
    """A link whose action submits a form to another site, on the page rather than the catalog."""
    pdf = _blank()
    action = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("http://127.0.0.1:9/x"))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100], A=action
    )
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link]))
    return _save(pdf)


def pdf_zip_polyglot() -> bytes:
    """A clean PDF with a ZIP archive (holding an HTML page) appended: both readers accept it."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.html", "<html><script>alert(document.cookie)</script></html>")
    return clean_pdf() + archive.getvalue()


def pdf_html_polyglot() -> bytes:
    return clean_pdf() + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def pdf_encrypted() -> bytes:
    pdf = _blank()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    return out.getvalue()


HOSTILE_PDFS = {
    "javascript open action": pdf_javascript_open_action,
    "javascript in an object stream": pdf_javascript_in_object_stream,
    "hex-escaped /JavaScript": pdf_hex_escaped_javascript,
    "/JS as a hex string": pdf_js_as_hex_string,
    "hex-escaped /Launch": pdf_hex_escaped_launch,
    "hex-escaped /EmbeddedFile": pdf_embedded_file,
    "form": pdf_form,
    "submit action on a link": pdf_annotation_action,
}
