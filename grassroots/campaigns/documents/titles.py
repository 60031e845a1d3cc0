"""The naming notice (命名通知), the certificates (one page a title: the plaque's text) and
the filing register (seed 000 附件3) as .docx in the GB/T 9704 layout of the other
documents (`grassroots.documents.layout`), and as PDF where LibreOffice is installed."""

import io
import re
from itertools import groupby

from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from grassroots.core.formats import chinese_date
from grassroots.documents import layout
from grassroots.documents.data import Issue
from grassroots.documents.layout import Cell, Letter, Row

SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# (header, width mm) of seed 000 附件3, across a landscape page's 225 mm.
FILING_COLUMNS = [
    ("序号", 12),
    ("党组织名称", 55),
    ("类型", 22),
    ("党员\n人数", 16),
    ("覆盖\n群众", 18),
    ("党组织\n负责人", 22),
    ("联系电话", 32),
    ("地\u3000址", 48),
]


def notice_title(campaign, levels):
    names = "和".join(f"“{level.name}”" for level in levels)
    return f"关于命名{campaign.year}年度{names}的通知"


def naming_notice(decision, titles, addressees):
    """关于命名…的通知: under the organiser's letterhead with the decision's document number,
    addressed to the recommending units, the list grouped by level, signed by the organiser
    on the naming date. `titles`: the decision's titles with their levels, in level order."""
    campaign = decision.campaign
    by_level = [(level, list(group)) for level, group in groupby(titles, key=lambda t: t.level)]
    levels = [level for level, _ in by_level]
    issue = Issue(
        issuer=campaign.organiser.name,
        document_number=decision.document_number,
        date=decision.named_on,
        addressee="，".join(addressees) or "各有关党组织",
    )
    letter = Letter(issue, notice_title(campaign, levels))
    counts = "、".join(f"“{level.name}”{len(group)}个" for level, group in by_level)
    letter.body(
        f"根据{campaign.title}安排，经{decision.body}审定（{chinese_date(decision.decided_on)}），"
        f"决定命名{counts}。名单如下："
    )
    numerals = "一二三四五六七八九十"
    for index, (level, group) in enumerate(by_level):
        letter.heading(f"{numerals[index % 10]}、{level.name}（{len(group)}个）")
        letter.body("、".join(title.org_name for title in group))
    valid_until = titles[0].valid_until if titles else decision.named_on
    terms = (
        f"称号有效期为{campaign.validity_years}年，自{chinese_date(decision.named_on)}"
        f"至{chinese_date(valid_until)}。"
    )
    if campaign.review_every_years:
        terms += f"每{campaign.review_every_years}年复查一次，"
    terms += (
        "对示范效应弱化、达不到标准的，发出预警提示，限期整改；整改效果仍达不到标准的，撤销称号。"
    )
    letter.body(terms)
    if decision.note:
        letter.body(decision.note)
    letter.body("希望受到命名的党组织珍惜荣誉，发挥示范带动作用。")
    letter.sign(campaign.organiser.name)
    return letter.render()


def certificates(titles):
    """One page a title: the certificate (plaque) text with its number and term."""
    document = layout.new_document(title="称号证书")
    for index, title in enumerate(titles):
        if index:
            document.add_page_break()
        layout.blank_lines(document, 3)
        layout.paragraph(document, "荣 誉 证 书", layout.STYLE_TITLE)
        layout.blank_lines(document, 2)
        layout.paragraph(document, f"{title.org_name}：", "Normal")
        layout.paragraph(
            document,
            f"经{title.campaign.organiser.name}审定，你单位被命名为“{title.level.name}”。",
        )
        layout.paragraph(document, "特发此证。")
        layout.blank_lines(document, 1)
        layout.paragraph(document, f"命名日期：{chinese_date(title.named_on)}")
        layout.paragraph(document, f"有效期至：{chinese_date(title.valid_until)}")
        layout.paragraph(document, f"证书编号：{title.certificate_number}")
        layout.blank_lines(document, 2)
        for text in (title.campaign.organiser.name, chinese_date(title.named_on)):
            line = layout.paragraph(document, text, "Normal")
            line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return layout.to_bytes(document)


def filing_register(heading, tables):
    """Seed 000 附件3 per unit: `tables` [(unit name, rows)], each row the eight cells of
    `FILING_COLUMNS` as text, one page each."""
    document = layout.new_document(landscape=True, title=heading)
    widths = [width for _, width in FILING_COLUMNS]
    for index, (unit_name, rows) in enumerate(tables):
        if index:
            document.add_page_break()
        layout.paragraph(document, heading, layout.STYLE_TITLE)
        layout.paragraph(document, f"填报单位：{unit_name}", "Normal")
        body = [Row(tuple(Cell(label, bold=True) for label, _ in FILING_COLUMNS), header=True)]
        body += [Row(tuple(Cell(str(text)) for text in row), height_mm=9) for row in rows]
        layout.add_table(document, widths, body)
    return layout.to_bytes(document)


def filing_workbook(heading, tables):
    """The same tables as an Excel workbook, a sheet a unit: the heading, 填报单位, the
    seed's header row, the rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, (unit_name, rows) in enumerate(tables or [("", [])], 1):
        name = SHEET_UNSAFE.sub("", unit_name)[:25] or "备案登记表"
        sheet = workbook.create_sheet(f"{index}.{name}")
        sheet.append([heading])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FILING_COLUMNS))
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet.append([f"填报单位：{unit_name}"])
        sheet.append([label for label, _ in FILING_COLUMNS])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in rows:
            sheet.append([_clean(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        for column, (_, width) in enumerate(FILING_COLUMNS, 1):
            sheet.column_dimensions[get_column_letter(column)].width = max(6, width // 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _clean(value):
    """Characters a worksheet cannot hold are left out."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
