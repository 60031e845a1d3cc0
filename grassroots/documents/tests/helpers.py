"""Reading a rendered .docx back in the tests."""

import io

from docx import Document


def open_docx(content: bytes):
    return Document(io.BytesIO(content))


def text_of(content: bytes) -> str:
    """All paragraph and table text of a .docx, one paragraph a line."""
    document = open_docx(content)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    lines.append(cell.text)
    return "\n".join(lines)
