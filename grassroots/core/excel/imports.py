"""The base of every all-or-nothing Excel import: read the sheet against its template
columns, check each row and then the whole file, and write only if no row has an error, in
one transaction, with history records attributed to the importing user
(docs/decisions/0004-excel-import.md). Errors name their row, column and a Chinese message.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..bulk import create_with_history
from ..validators import text_field_errors
from . import ImportResult, RowError
from .cells import CellError, column_letter, is_blank
from .sheets import MAX_UPLOAD_BYTES, TOO_LARGE, HeaderMap, WorkbookError, open_sheet

MAX_ERRORS = 1000
CHANGE_REASON = "Excel导入"
PROGRESS_ROWS = 500  # a background import reports its progress every so many rows
CHECKING = "已读完全部行，正在核对组织、号码等是否与系统中的记录冲突"
WRITING = "检查无误，正在一次写入全部数据（中断则什么也不写入）"


def _unwatched(done, message=None):
    """No one watches an import run within a request."""


class _TooManyErrors(Exception):
    pass


class _Errors:
    """The errors found so far, kept in sheet order; stops the import after MAX_ERRORS."""

    def __init__(self):
        self.header_map = HeaderMap()
        self.items = []

    def add_at(self, row, index, written, message):
        letter = column_letter(index) if index is not None else ""
        sort_key = (row or 0, -1 if index is None else index)
        self.items.append((sort_key, RowError(row, written, letter, message)))
        if len(self.items) >= MAX_ERRORS:
            raise _TooManyErrors

    def add(self, row, header, message):
        """An error in the cell of template column `header` (or the whole row if "")."""
        index = self.header_map.index_of.get(header)
        self.add_at(row, index, self.header_map.written.get(header, ""), message)

    def add_validation(self, row, exc, header_of):
        """A model ValidationError, each message under its field's column."""
        for name, messages in exc.message_dict.items():
            self.add(row, header_of.get(name, ""), messages[0])

    def sorted(self):
        return [error for _, error in sorted(self.items, key=lambda item: item[0])]

    def __bool__(self):
        return bool(self.items)


@dataclass
class _Row:
    number: int
    values: dict  # template header -> value read from its cell
    failed: set  # template headers whose cell has an error


class Importer:
    """Reads the sheet and checks each row (`check_row`), then the whole file
    (`check_file`); writes (`write`) only if nothing was wrong."""

    columns: list

    def __init__(self, user, today=None):
        self.user = user
        self.today = today or timezone.localdate()
        self.errors = _Errors()
        self.rows_read = 0

    def run(self, fileobj, progress=None) -> ImportResult:
        """`progress(rows read, message=None)`, if given, is told how far the import is (a
        background job's progress bar); nothing is written before every row is checked."""
        self.progress = progress or _unwatched
        if getattr(fileobj, "size", 0) > MAX_UPLOAD_BYTES:
            return ImportResult(errors=[RowError(None, "", "", TOO_LARGE)])
        try:
            if self._read(fileobj):
                self.progress(self.rows_read, CHECKING)
                self.check_file()
            if self.errors:
                return ImportResult(errors=self.errors.sorted())
            self.progress(self.rows_read, WRITING)
            with transaction.atomic():
                created = self.write()
        except WorkbookError as exc:
            return ImportResult(errors=[RowError(None, "", "", str(exc))])
        except _TooManyErrors:
            note = RowError(None, "", "", f"错误超过{MAX_ERRORS}条，其余未列出；请先改正以上错误")
            return ImportResult(errors=[*self.errors.sorted(), note])
        except IntegrityError:
            # Someone registered the same ID number or code between the check and the write.
            message = "导入时数据已被他人修改（如号码已被登记），未导入任何数据，请重新导入"
            return ImportResult(errors=[RowError(None, "", "", message)])
        return ImportResult(created=created)

    def _read(self, fileobj):
        """Check the header and every row; False if the header is unusable."""
        with open_sheet(fileobj) as rows:
            header_row = next(rows, None)
            if header_row is None or all(is_blank(value) for value in header_row):
                self.errors.add_at(1, None, "", "第1行应为列名，请使用导入模板")
                return False
            header_map = self.errors.header_map = HeaderMap.build(header_row, self.columns)
            for index, message in header_map.problems:
                written = str(header_row[index]).strip() if index is not None else ""
                self.errors.add_at(1, index, written, message)
            if header_map.problems:
                return False
            data_columns = [
                (index, column)
                for index, column in sorted(header_map.by_index.items())
                if column.field is not None
            ]
            seen_data = False
            for number, cells in enumerate(rows, start=2):
                self.rows_read = number - 1
                if self.rows_read % PROGRESS_ROWS == 0:
                    self.progress(self.rows_read)
                if all(index >= len(cells) or is_blank(cells[index]) for index, _ in data_columns):
                    continue
                seen_data = True
                self.check_row(self._read_cells(number, cells, data_columns))
        if not seen_data:
            self.errors.add_at(2, None, "", "文件中没有数据：从第2行起每行填写一条记录")
        return seen_data

    def _read_cells(self, number, cells, data_columns):
        row = _Row(number, {}, set())
        for index, column in data_columns:
            raw = cells[index] if index < len(cells) else None
            try:
                value = column.reader.read(raw, self.today)
            except CellError as exc:
                self.errors.add(number, column.header, str(exc))
                row.failed.add(column.header)
                continue
            if column.required and value in (None, ""):
                self.errors.add(number, column.header, "必填，不能为空")
                row.failed.add(column.header)
                continue
            row.values[column.header] = value
        return row

    def instance(self, model, row, columns):
        """A model instance from the row's cells, each value checked by its model field's
        validators (length, ID number, phone, credit code…) and checked to be plain text (no
        queries). The readers have
        checked types, choices and required cells. Blank cells leave the model's defaults."""
        values = {}
        for column in columns:
            value = row.values.get(column.header)
            if value in (None, ""):
                continue
            try:
                model._meta.get_field(column.field).run_validators(value)
            except ValidationError as exc:
                self.errors.add(row.number, column.header, exc.messages[0])
                row.failed.add(column.header)
                continue
            values[column.field] = value
        instance = model(**values)
        # Names and free text without control or bidirectional characters, as in save_by.
        headers = {column.field: column.header for column in columns}
        for name, messages in text_field_errors(instance, set(values)).items():
            self.errors.add(row.number, headers[name], messages[0])
            row.failed.add(headers[name])
        return instance

    def check_row(self, row):
        raise NotImplementedError

    def check_file(self):
        raise NotImplementedError

    def write(self) -> int:
        raise NotImplementedError

    def create(self, model, objects):
        return create_with_history(model, objects, self.user, CHANGE_REASON)
