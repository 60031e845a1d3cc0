"""One zip of a workflow's documents."""

import io
import zipfile


def dossier_zip(documents: dict[str, bytes]) -> bytes:
    """Zip `documents` ({file name: bytes}); names are stored as UTF-8 (zipfile flags
    non-ASCII names so archive tools show the Chinese names)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in documents.items():
            if not name or "/" in name or "\\" in name or name in (".", ".."):
                raise ValueError(f"文件名无效：{name!r}")
            archive.writestr(name, content)
    return buffer.getvalue()
