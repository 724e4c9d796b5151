"""Excel workbooks (.xlsx) the hall reads and writes.

Reading an upload (a batch file, a feed): `archive` checks the file as a zip archive before any
parser sees it (not a workbook, encrypted, macros, a zip bomb, formulas, too many rows),
`reader` reads the data sheet of a `layout` (header, rows) with the normalising cell helpers of
`cells`. Writing: `template` makes the 下载模板 workbook of a layout and `failures` the
导出失败数据 workbook (xlsxwriter, in memory); `streaming` writes large exports row by row with
flat memory. `cells.neutralise` keeps any written text from being taken for a formula.

Each app keeps its own layouts (the columns of its files and how a row becomes its data).
"""
