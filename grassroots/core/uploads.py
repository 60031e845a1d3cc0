"""Checks of uploaded files and serving them back (docs/security/uploads.md).

Office files (.xlsx, .docx) are checked before a parser opens them, and the rows of an
uploaded sheet are bounded. An Office file is a zip archive, and a few megabytes of it can
declare gigabytes. The archive is judged from its directory alone — number of parts, each
part's declared size and compression ratio, the total — before anything is decompressed. A
declared size is a true upper bound: zipfile (which openpyxl and python-docx read through)
inflates a part no further than its declared size and then fails the CRC check, so a
directory that understates a part yields a broken file, not a bigger one.

Photos and PDFs kept as records (meeting attachments, assessment evidence) are checked by
name, size and first bytes against the limits their app declares (`FileLimits`), stored under
a random name, and served only through `stored_file_response`, never as public media.
"""

import os
import struct
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

MIB = 1024 * 1024
_END_RECORD = struct.Struct("<4s4H2LH")  # end of central directory
_END_SIGNATURE = b"PK\x05\x06"
_MAX_COMMENT = 0xFFFF
_LOCAL_HEADER = 30  # fixed bytes before a part's name in its local header
_DIRECTORY_BYTES_PER_PART = 1024  # a name and extra fields; Office writes far less
_OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")  # .xls/.doc, or an Office file with a password
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}  # what Office and WPS write
_RESAVE = "请用 WPS 或 Office 重新保存后上传"


def size_label(size: int) -> str:
    """50 MB, 1 MB, 512 KB: sizes as the messages show them (binary units, as elsewhere)."""
    if size >= MIB:
        return f"{size / MIB:g}MB"
    return f"{size / 1024:g}KB"


def _refuse(message, code):
    raise ValidationError(message, code=code)


def check_archive(fileobj, *, extension, streamed=None):
    """Raise ValidationError (a Chinese message about the file; `code` says which check)
    unless `fileobj` is a zip archive that is safe to give to a parser of `.{extension}`
    files. Parts whose name `streamed` (a compiled pattern) fully matches are read by the
    parser as a stream and may be as large as UPLOAD_MAX_STREAMED_PART_BYTES; every other
    part is loaded whole and may be only UPLOAD_MAX_PART_BYTES. Leaves the file at its start."""
    try:
        _check(fileobj, extension, streamed)
    finally:
        fileobj.seek(0)


def _check(fileobj, extension, streamed):
    max_parts = settings.UPLOAD_MAX_PARTS
    entries, directory_size = _directory_extent(fileobj, extension)
    # zipfile builds an object per directory entry: bound the directory before it reads it.
    if entries > max_parts or directory_size > max_parts * _DIRECTORY_BYTES_PER_PART:
        _refuse(f"文件结构异常：包含的部件超过{max_parts}个，{_RESAVE}", "too_many_parts")
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        _refuse(f"无法读取该文件：不是有效的 .{extension} 文件，或文件已损坏", "not_zip")
    if len(parts) > max_parts:
        _refuse(f"文件结构异常：包含的部件超过{max_parts}个，{_RESAVE}", "too_many_parts")
    _check_layout(parts)
    total = 0
    for part in parts:
        if part.flag_bits & 0x1:
            _refuse("文件已加密：请取消密码后再上传", "encrypted")
        if part.compress_type not in _METHODS:
            _refuse(f"文件使用了不支持的压缩方式，{_RESAVE}", "compression")
        is_streamed = streamed is not None and streamed.fullmatch(part.filename)
        limit = (
            settings.UPLOAD_MAX_STREAMED_PART_BYTES
            if is_streamed
            else settings.UPLOAD_MAX_PART_BYTES
        )
        if part.file_size > limit:
            _refuse(
                f"文件解压后过大（其中“{part.filename}”超过{size_label(limit)}），"
                "请分成几个文件上传",
                "part_too_large",
            )
        ratio = settings.UPLOAD_MAX_RATIO
        if part.file_size > settings.UPLOAD_RATIO_FROM_BYTES and part.file_size > ratio * max(
            part.compress_size, 1
        ):
            _refuse(
                f"文件压缩比异常（其中“{part.filename}”超过{ratio}:1），可能是恶意构造的文件，"
                "已拒绝；正常导出的文件请重新保存后上传",
                "ratio",
            )
        total += part.file_size
    if total > settings.UPLOAD_MAX_UNPACKED_BYTES:
        limit = size_label(settings.UPLOAD_MAX_UNPACKED_BYTES)
        _refuse(f"文件解压后超过{limit}，请分成几个文件上传", "too_large")


def _directory_extent(fileobj, extension):
    """(number of entries, size in bytes) the end record of the zip directory declares."""
    fileobj.seek(0)
    head = fileobj.read(len(_OLE_SIGNATURE))
    if head == _OLE_SIGNATURE:
        _refuse(
            f"无法读取该文件：它是旧版格式，或设置了打开密码；请另存为 .{extension} "
            "并取消密码后再上传",
            "legacy_or_encrypted",
        )
    size = fileobj.seek(0, 2)
    tail_size = min(size, _END_RECORD.size + _MAX_COMMENT)
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END_RECORD.size:
        _refuse(f"无法读取该文件：不是有效的 .{extension} 文件，或文件已损坏", "not_zip")
    fields = _END_RECORD.unpack_from(tail, at)
    return fields[4], fields[5]  # entries in total, directory size (0xFFFF…: Zip64, refused)


def _check_layout(parts):
    """Each name once, and no two parts stored over the same bytes (a trick that makes a
    small archive declare one part many times)."""
    names = set()
    for part in parts:
        if part.filename in names:
            _refuse(f"文件结构异常：部件“{part.filename}”出现了不止一次，{_RESAVE}", "layout")
        names.add(part.filename)
    ordered = sorted(parts, key=lambda part: part.header_offset)
    for part, following in zip(ordered, ordered[1:], strict=False):
        encoding = "utf-8" if part.flag_bits & 0x800 else "cp437"
        name_size = len(part.orig_filename.encode(encoding, "replace"))
        end = part.header_offset + _LOCAL_HEADER + name_size + part.compress_size
        if end > following.header_offset:
            _refuse(f"文件结构异常：部件相互重叠，{_RESAVE}", "layout")


def bounded_rows(rows, *, first_row=1):
    """The rows (tuples of cell values) of an uploaded sheet, refusing with ValidationError a
    value past UPLOAD_MAX_ROWS rows or UPLOAD_MAX_COLUMNS columns. Blank cells past the
    limits (formatting left by a spreadsheet) are ignored."""
    max_rows, max_columns = settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS
    for number, row in enumerate(rows, start=first_row):
        if len(row) > max_columns and any(_filled(value) for value in row[max_columns:]):
            _refuse(
                f"第{number}行超过{max_columns}列：每行最多读取{max_columns}列，请删除多余的列",
                "too_many_columns",
            )
        if number > max_rows and any(_filled(value) for value in row):
            _refuse(
                f"工作表超过{max_rows}行（第{number}行仍有数据），请分成几个文件导入",
                "too_many_rows",
            )
        yield row[:max_columns]


def _filled(value):
    return value is not None and value != ""


# --- photos and PDFs kept as records ---------------------------------------------------------

# The first bytes of each content type: a file's type is read from its content, not only its
# name.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
SNIFF_BYTES = 8  # the longest signature
NAME_LENGTH = 200  # of the name an uploaded file came with, as its record keeps it


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes of a file show (JPEG, PNG or PDF), or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def file_extension(name: str) -> str:
    """The extension of a file name, in lower case; "" without one."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


@dataclass(frozen=True)
class FileLimits:
    """What an upload accepts: the extensions of `types`, each with the content type its
    first bytes must show; at most `max_bytes`; `refused_type` is the message refusing any
    other extension."""

    types: Mapping[str, str]
    max_bytes: int
    refused_type: str

    def error(self, name, size, head) -> str | None:
        """Why a file of this name, size and first bytes (`head`) is refused, or None."""
        extension = file_extension(name)
        expected = self.types.get(extension)
        if expected is None:
            return self.refused_type
        if size == 0:
            return "文件是空的"
        if size > self.max_bytes:
            return f"文件超过{size_label(self.max_bytes)}，请压缩后再上传"
        if sniff_content_type(head) != expected:
            kind = extension.upper()
            return f"文件内容不是 {kind} 格式（可能只是改了扩展名），请重新导出后上传"
        return None

    def content_type(self, name) -> str:
        """The content type of an accepted file of this name."""
        return self.types.get(file_extension(name), "application/octet-stream")


def receive_upload(upload, limits: FileLimits, field) -> tuple[str, str]:
    """Check an uploaded file (a Django UploadedFile) against `limits`, raising
    ValidationError({field: [message]}), and rename it at random keeping its extension: the
    name it came with is only ever a record, never a path on the server. Returns that name
    and the content type its first bytes show."""
    name = os.path.basename(upload.name or "")[:NAME_LENGTH]
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    message = limits.error(name, upload.size, head)
    if message:
        raise ValidationError({field: [message]})
    upload.name = f"{uuid.uuid4().hex}.{file_extension(name)}"
    return name, sniff_content_type(head)


def stored_file_response(field_file, name, content_type):
    """A stored upload as a download named `name`, for a record the caller has found the
    user may see: files stay under MEDIA_ROOT and are never served as public media; 404
    when there is no file."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
