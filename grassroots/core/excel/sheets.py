"""Columns of import templates, reading an uploaded sheet against them, and writing
workbooks (templates with a 说明 sheet, streamed exports)."""

import io
import posixpath
import re
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, iterparse

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from grassroots.core.uploads import bounded_rows, check_archive

from . import cells

NOTES_SHEET = "说明"


# --- what a column holds -----------------------------------------------------------------------


class Text:
    def __init__(self, max_length=None, upper=False):
        self.max_length, self.upper = max_length, upper
        self.format = f"文本，不超过{max_length}字" if max_length else "文本"
        self.allowed = ""

    def read(self, value, today):
        text = cells.read_text(value)
        return text.upper() if self.upper else text


class Date:
    format = f"日期，如 {cells.DATE_FORMATS}；不早于1900年、不晚于今天"
    allowed = ""

    def read(self, value, today):
        return cells.read_date(value, today)


class WholeNumber:
    """A count: a whole number, 0 or more; blank is not known."""

    format = "不小于0的整数"
    allowed = ""

    def read(self, value, today):
        if cells.is_blank(value):
            return None
        number = cells.whole_number(value)
        if number is not None and number >= 0:
            return number
        raise cells.CellError("请填写不小于0的整数")


class Flag:
    format = "是/否，空白为否"
    allowed = "是、否"

    def read(self, value, today):
        return cells.read_flag(value)


class Choice:
    """One of a field's choices: its Chinese label, its code, or an alias."""

    format = "从可选值中选择"

    def __init__(self, choices, aliases=None):
        self.labels = [str(label) for value, label in choices]
        self.allowed = "、".join(self.labels)
        self.lookup = {}
        for value, label in choices:
            self.lookup[str(label).upper()] = value
            if value:
                self.lookup[value.upper()] = value
        for alias, value in (aliases or {}).items():
            self.lookup[alias.upper()] = value
        if aliases:
            self.allowed += f"（也可填写：{'、'.join(aliases)}）"

    def read(self, value, today):
        return cells.read_choice(value, self.lookup, self.labels)


class Ignored:
    format = "仅供查看，不导入"
    allowed = ""

    def read(self, value, today):
        return None


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # model attribute it fills; None: read and ignored
    reader: object
    required: bool = False  # a value in every row
    present: bool = False  # the column must be in the sheet even where values may be blank
    note: str = ""  # extra text for the 说明 sheet
    aliases: tuple = ()
    width: int = 14
    text_cells: bool = False  # format the template column as text (ID numbers, phones)


def field_column(model, name, header=None, required=None, reader=None, value_aliases=None, **extra):
    """A column for model field `name`: header, reader and whether it is required follow from
    the field unless given; `value_aliases` maps other spellings to choice codes."""
    model_field = model._meta.get_field(name)
    if reader is None:
        internal = model_field.get_internal_type()
        if model_field.choices:
            reader = Choice(model_field.choices, value_aliases)
        elif internal == "DateField":
            reader = Date()
        elif internal == "BooleanField":
            reader = Flag()
        elif internal in ("PositiveIntegerField", "PositiveSmallIntegerField"):
            reader = WholeNumber()
        else:
            reader = Text(model_field.max_length)
    if required is None:
        required = not model_field.blank and not model_field.has_default()
    return Column(
        header=header or str(model_field.verbose_name),
        field=name,
        reader=reader,
        required=required,
        **extra,
    )


# --- reading an uploaded sheet -----------------------------------------------------------------


class WorkbookError(Exception):
    """The upload is not a readable .xlsx workbook."""


MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a 100,000-member workbook is about 7 MB
TOO_LARGE = "文件超过50MB，请分成几个文件导入"
BAD_FILE = (
    "无法读取该文件：请上传 Excel 2007 及以上版本的 .xlsx 文件（.xls 或 .csv 请先另存为 .xlsx）"
)
_HINT = re.compile(r"[（(][^（）()]*[）)]$")


def normalise_header(value) -> str:
    """ "公民身份号码*", " 所在党组织（编号或名称） " and "参加工作\n时间" name their columns."""
    text = re.sub(r"\s+", "", str(value or ""))
    text = text.rstrip("*＊")
    return _HINT.sub("", text).rstrip("*＊")


@dataclass
class HeaderMap:
    """Which column of the sheet holds which template column."""

    by_index: dict = field(default_factory=dict)  # sheet column index -> Column
    index_of: dict = field(default_factory=dict)  # template header -> sheet column index
    written: dict = field(default_factory=dict)  # template header -> header as written
    problems: list = field(default_factory=list)  # [(column index or None, message)]

    @classmethod
    def build(cls, header_row, columns):
        mapped = cls()
        known = {}
        for column in columns:
            for name in (column.header, *column.aliases):
                known[name] = column
        for index, value in enumerate(header_row):
            if cells.is_blank(value):
                continue
            column = known.get(normalise_header(value))
            written = str(value).strip()
            if column is None:
                mapped.problems.append(
                    (
                        index,
                        f"无法识别的列名“{written}”，请使用导入模板中的列名（不需要的列可删除）",
                    )
                )
            elif column.header in mapped.index_of:
                mapped.problems.append((index, f"“{column.header}”列出现了不止一次"))
            else:
                mapped.by_index[index] = column
                mapped.index_of[column.header] = index
                mapped.written[column.header] = written
        for column in columns:
            if (column.required or column.present) and column.header not in mapped.index_of:
                mapped.problems.append((None, f"缺少必填列“{column.header}”"))
        return mapped

    def locate(self, header):
        """(header as written, column letter) of a template column, or ("", "")."""
        index = self.index_of.get(header)
        if index is None:
            return "", ""
        return self.written[header], cells.column_letter(index)


# The parts openpyxl's read-only mode reads as a stream; it loads every other part whole.
WORKSHEET_PART = re.compile(r"xl/worksheets/sheet[0-9]+\.xml")
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKSHEET_RELATION = "/worksheet"


@contextmanager
def _first_sheet(fileobj):
    """The first worksheet in streaming mode, after the archive has been checked
    (grassroots/core/uploads.py)."""
    try:
        check_archive(fileobj, extension="xlsx", streamed=WORKSHEET_PART)
        _check_large_worksheets(fileobj)
    except ValidationError as exc:
        raise WorkbookError(BAD_FILE if exc.code == "not_zip" else exc.messages[0]) from exc
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # an untrusted upload: any parser failure means "not an .xlsx"
        raise WorkbookError(BAD_FILE) from exc
    try:
        yield sheet
    finally:
        workbook.close()


@contextmanager
def open_sheet(fileobj):
    """The first worksheet's rows, as tuples of values, read in streaming mode: at most
    UPLOAD_MAX_ROWS rows of UPLOAD_MAX_COLUMNS columns."""
    with _first_sheet(fileobj) as sheet:
        # Files written without a <dimension> element would otherwise be scanned twice.
        sheet.reset_dimensions()
        yield _guarded(sheet.iter_rows(values_only=True))


def declared_rows(fileobj):
    """The data rows (below the header) the first worksheet declares in its <dimension>,
    read without reading the rows: whether an import runs as a background job. None when
    the sheet declares none; 0 when the file cannot be opened (the import says why at once).
    A declaration can be wrong, so the import still reads at most UPLOAD_MAX_ROWS rows."""
    try:
        with _first_sheet(fileobj) as sheet:
            last = sheet.max_row
    except WorkbookError:
        return 0
    except Exception:  # an unreadable <dimension>: read the rows to know
        return None
    finally:
        fileobj.seek(0)
    return None if last is None else max(last - 1, 0)


def _guarded(rows):
    try:
        yield from bounded_rows(rows)
    except ValidationError as exc:
        raise WorkbookError(exc.messages[0]) from exc
    except Exception as exc:  # a corrupt sheet part fails mid-way
        raise WorkbookError(BAD_FILE) from exc


def _check_large_worksheets(fileobj):
    """A worksheet may be larger than a part loaded whole only because openpyxl streams it:
    refuse a file whose content types or relationships give such a part another role
    (shared strings, workbook, chartsheet…), in which openpyxl would load it whole."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            large = {
                part.filename
                for part in archive.infolist()
                if WORKSHEET_PART.fullmatch(part.filename)
                and part.file_size > settings.UPLOAD_MAX_PART_BYTES
            }
            for name in archive.namelist() if large else ():
                if name == "[Content_Types].xml":
                    for item in _elements(archive, name, "Override"):
                        # openpyxl drops the first character of PartName, as here.
                        if item.get("PartName", "")[1:] in large:
                            _worksheet_only(item.get("ContentType", "") == _WORKSHEET_TYPE)
                elif name.endswith(".rels"):
                    parent = posixpath.dirname(posixpath.dirname(name))
                    for item in _elements(archive, name, "Relationship"):
                        target = item.get("Target", "")
                        target = (
                            target[1:]
                            if target.startswith("/")
                            else posixpath.normpath(posixpath.join(parent, target))
                        )
                        if target in large and item.get("TargetMode") != "External":
                            _worksheet_only(item.get("Type", "").endswith(_WORKSHEET_RELATION))
    except (zipfile.BadZipFile, ParseError) as exc:
        raise ValidationError(BAD_FILE, code="not_zip") from exc
    finally:
        fileobj.seek(0)


def _elements(archive, name, tag):
    with archive.open(name) as source:
        for _, element in iterparse(source):
            if element.tag.rsplit("}", 1)[-1] == tag:
                yield element
            element.clear()


def _worksheet_only(is_worksheet):
    if not is_worksheet:
        raise ValidationError(
            "文件结构异常：工作表部件被用作其他用途，请用 WPS 或 Office 重新保存后上传",
            code="layout",
        )


# --- writing workbooks -------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="B71C1C")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
LIST_VALIDATION_LIMIT = 255  # Excel's limit on an inline list


def template_workbook(title, columns, rules, rows=()):
    """An import template: the header row (required columns in red), drop-down lists for
    choices, text format for ID numbers and phones, and a 说明 sheet; `rows` pre-fill what
    is known (e.g. the organisations to report on) so the user types only the rest."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        letter = cells.column_letter(index)
        cell = sheet.cell(row=1, column=index + 1, value=column.header)
        cell.font = REQUIRED_FONT if column.required or column.present else HEADER_FONT
        cell.fill = HEADER_FILL
        sheet.column_dimensions[letter].width = column.width
        if column.text_cells:
            sheet.column_dimensions[letter].number_format = "@"
        options = _dropdown(column.reader)
        if options:
            validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            validation.error = f"请从下拉列表中选择：{options}"
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}10000")
    for row in rows:
        sheet.append(list(row))

    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["列名", "是否必填", "填写格式", "可选值及说明"])
    for cell in notes[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in columns:
        allowed = "；".join(part for part in (column.reader.allowed, column.note) if part)
        notes.append([column.header, _required_text(column), column.reader.format, allowed])
    notes.append([])
    for line in rules:
        notes.append([line])
    for letter, width in zip("ABCD", (16, 10, 48, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _to_bytes(workbook)


def _required_text(column):
    return "必填" if column.required or column.present else "选填"


def _dropdown(reader):
    if isinstance(reader, Flag):
        return "是,否"
    if isinstance(reader, Choice):
        options = ",".join(reader.labels)
        if len(options) <= LIST_VALIDATION_LIMIT:
            return options
    return ""


def export_workbook(title, headers, widths, rows):
    """A streamed (write-only) workbook: bold header row, then `rows` (an iterable of lists)."""
    return export_sheets([(title, headers, widths, rows)])


def export_sheets(sheets):
    """A streamed workbook of several sheets, each (title, headers, widths, rows) laid out
    as `export_workbook` lays out its one."""
    workbook = Workbook(write_only=True)
    for title, headers, widths, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths):
            sheet.column_dimensions[cells.column_letter(index)].width = width
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_as_data(sheet, value) for value in row])
    return _to_bytes(workbook)


def _as_data(sheet, value):
    """openpyxl writes a string starting with "=" as a formula; data never becomes one.
    Control characters, which a worksheet cannot hold, are left out."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
