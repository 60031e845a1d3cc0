"""GB/T 9704-2012 page setup, styles and the building blocks of a 请示 and of a form.

A4 portrait, margins 37 mm top, 28 mm left (binding), text block 156 × 225 mm; 22 lines
of 28 characters: exact line spacing 225 mm / 22 = 28.95 pt on a line grid, and characters
condensed by 0.25 pt so that 28 of 3号 fit the 156 mm line (a character grid would do it in
Word, but LibreOffice reads its negative pitch as far wider spacing). Body 3号仿宋, title
2号小标宋, first-level headings 黑体; page numbers "— 1 —" in 4号宋体, outside edge
(right on odd pages, left on even). A table too wide for portrait (the roster) goes on a
landscape page: the portrait page turned so its binding edge is at the top (GB/T 9704
§10.2: the table's head on the binding side).

The styled empty document is built once per orientation and reopened from bytes for each
rendering (building styles every time would cost more than rendering the text).
"""

import datetime
import functools
import io
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from grassroots.core.formats import chinese_date

from .formats import BLANK, text_width

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26  # text block 156 × 225 mm
TEXT_WIDTH_MM = PAGE_WIDTH_MM - LEFT_MM - RIGHT_MM
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# Font-table alternates: what a word processor without the GB2312-era fonts should use.
FONT_FALLBACKS = {
    BODY_FONT: ("仿宋", "02010609060101010101"),
    TITLE_FONT: ("宋体", "02010600030101010101"),
    HEADING_FONT: ("SimHei", "02010609060101010101"),
    KAI_FONT: ("楷体", "02010609060101010101"),
    PAGE_NUMBER_FONT: ("SimSun", "02010600030101010101"),
}

BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
PAGE_NUMBER_SIZE = Pt(14)  # 4号
FORM_SIZE = Pt(12)  # 小四, the filing forms' cells
ROSTER_SIZE = Pt(8)  # fifteen roster columns across 225 mm, each row on one line
ISSUER_MAX_PT = 42  # 发文机关标志: at most about 15 mm a character (初号)
RED = RGBColor(0xFF, 0x00, 0x00)

POINTS_PER_MM = Decimal(72) / Decimal("25.4")
# 225 mm / 22 = 28.99 pt; the customary 28.95 pt leaves Word's rounding room for all 22.
LINE_PT = 28.95
CHAR_PT = float(TEXT_WIDTH_MM * POINTS_PER_MM / CHARS_PER_LINE)  # 15.79
CONDENSE_TWENTIETHS = -5  # 16 pt − 0.25 pt: 28 × 15.75 pt = 441 pt ≤ 442.2 pt
LINE = Pt(LINE_PT)

STYLE_BODY = "公文正文"
STYLE_TITLE = "公文标题"
STYLE_ISSUER = "发文机关标志"
STYLE_NUMBER = "发文字号"
STYLE_HEADING = "一级标题"
STYLE_FORM = "表格文字"
STYLE_ROSTER = "名册文字"
STYLE_PAGE_NUMBER = "公文页码"


def set_font(element, name: str):
    """Set one font for every script of a run or style (`w:rFonts` ascii, hAnsi, eastAsia,
    cs); theme fonts, which would win over the names, are removed."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


def _set_indent(ppr_owner, first_line, left, right):
    """Indents in characters, written both in grid characters (w:*Chars, which Word uses
    with the document grid) and in twips (for the rest); a negative first line hangs."""
    ppr = ppr_owner.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for name, chars in (("firstLine", first_line), ("left", left), ("right", right)):
        if name == "firstLine" and chars < 0:
            ind.set(qn("w:hanging"), str(round(-chars * CHAR_PT * 20)))
            ind.set(qn("w:hangingChars"), str(round(-chars * 100)))
        elif chars:
            ind.set(qn(f"w:{name}"), str(round(chars * CHAR_PT * 20)))
            ind.set(qn(f"w:{name}Chars"), str(round(chars * 100)))
    _order_ppr(ppr)


# CT_PPr children must keep the schema order or Word refuses the file.
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _order_ppr(ppr):
    rank = {qn(f"w:{tag}"): i for i, tag in enumerate(PPR_ORDER)}
    children = sorted(ppr, key=lambda child: rank.get(child.tag, len(rank)))
    for child in children:
        ppr.append(child)


def _set_on_ppr(style_or_paragraph, tag, **attrs):
    ppr = style_or_paragraph.get_or_add_pPr()
    element = ppr.find(qn(f"w:{tag}"))
    if element is None:
        element = OxmlElement(f"w:{tag}")
        ppr.append(element)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    _order_ppr(ppr)


def _paragraph_style(styles, name, font, size, line_pt=None, base="Normal"):
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    set_font(style.element, font)
    style.font.size = size
    if line_pt is not None:
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        style.paragraph_format.line_spacing = Pt(line_pt)
    return style


def _add_styles(document):
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), BODY_FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), "32")
    rpr.find(qn("w:szCs")).set(qn("w:val"), "32")
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")

    normal = styles["Normal"]
    set_font(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    # w:spacing (character spacing) goes before w:sz in CT_RPr.
    condense = OxmlElement("w:spacing")
    condense.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
    normal.element.rPr.find(qn("w:sz")).addprevious(condense)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False
    # No extra space between Chinese and digits (2026年8月1日 set solid, as printed).
    _set_on_ppr(normal.element, "autoSpaceDE", val="0")
    _set_on_ppr(normal.element, "autoSpaceDN", val="0")

    body = _paragraph_style(styles, STYLE_BODY, BODY_FONT, BODY_SIZE)
    _set_indent(body.element, 2, 0, 0)

    heading = _paragraph_style(styles, STYLE_HEADING, HEADING_FONT, BODY_SIZE)
    _set_indent(heading.element, 2, 0, 0)
    heading.paragraph_format.keep_with_next = True

    title = _paragraph_style(styles, STYLE_TITLE, TITLE_FONT, TITLE_SIZE, LINE_PT * 1.2)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_on_ppr(title.element, "snapToGrid", val="0")

    issuer = _paragraph_style(styles, STYLE_ISSUER, TITLE_FONT, Pt(ISSUER_MAX_PT))
    issuer.font.color.rgb = RED
    issuer.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issuer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    issuer.paragraph_format.space_before = Mm(35)  # 上边缘至版心上边缘 35 mm
    _set_on_ppr(issuer.element, "snapToGrid", val="0")

    number = _paragraph_style(styles, STYLE_NUMBER, BODY_FONT, BODY_SIZE)
    number.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    # The red separator: 4 mm under the document number, as wide as the text block.
    number.element.get_or_add_pPr().append(
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="12" w:space="11"'
            ' w:color="FF0000"/></w:pBdr>'
        )
    )
    _order_ppr(number.element.pPr)

    for name, size, line_pt in ((STYLE_FORM, FORM_SIZE, 16), (STYLE_ROSTER, ROSTER_SIZE, 10)):
        style = _paragraph_style(styles, name, BODY_FONT, size, line_pt)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_on_ppr(style.element, "snapToGrid", val="0")

    page_number = _paragraph_style(
        styles, STYLE_PAGE_NUMBER, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, PAGE_NUMBER_SIZE.pt
    )
    _set_on_ppr(page_number.element, "snapToGrid", val="0")


def _set_page(section, landscape):
    if landscape:
        # The portrait page turned a quarter clockwise: binding edge (28 mm) at the top.
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
        section.top_margin, section.right_margin = Mm(LEFT_MM), Mm(TOP_MM)
        section.bottom_margin, section.left_margin = Mm(RIGHT_MM), Mm(BOTTOM_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    section.gutter = 0
    section.header_distance = Mm(15)
    # The page number's dash sits 7 mm under the text block (a 14 pt line is about 5 mm).
    section.footer_distance = Mm(BOTTOM_MM - 7) - Pt(PAGE_NUMBER_SIZE.pt / 2)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:linePitch"), str(round(LINE_PT * 20)))
    grid.set(qn("w:type"), "lines")


def _page_number(paragraph, odd):
    paragraph.style = STYLE_PAGE_NUMBER
    if odd:  # 单页码居右空一字，双页码居左空一字
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _set_indent(paragraph._p, 0, 0, 1)
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _set_indent(paragraph._p, 0, 1, 0)
    paragraph.add_run("— ")
    field = f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    paragraph._p.append(parse_xml(field))
    paragraph.add_run(" —")


def _font_table(document):
    parts = document.part.package.iter_parts()
    part = next(p for p in parts if p.partname == "/word/fontTable.xml")
    fonts = parse_xml(part.blob)
    for name, (alternate, panose) in FONT_FALLBACKS.items():
        font = parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternate}"/>'
            f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
            '<w:family w:val="modern"/><w:pitch w:val="variable"/></w:font>'
        )
        fonts.append(font)
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_legacy_parts(document):
    """python-docx's template carries a Word 2010 styles copy and an English thumbnail."""
    rels = document.part.rels
    for rid, rel in list(rels.items()):
        if (
            rel.reltype
            == "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
        ):
            del rels[rid]
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package_rels[rid]


@functools.cache
def _base(landscape: bool) -> bytes:
    document = Document()
    _drop_legacy_parts(document)
    _font_table(document)
    _add_styles(document)
    section = document.sections[0]
    _set_page(section, landscape)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)
    properties = document.core_properties
    properties.language = "zh-CN"
    properties.author = properties.last_modified_by = properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def new_document(landscape=False, title=""):
    document = Document(io.BytesIO(_base(landscape)))
    properties = document.core_properties
    properties.title = title
    properties.created = properties.modified = datetime.datetime.now(datetime.UTC)
    return document


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraph(document, text="", style=STYLE_BODY):
    """A paragraph of `style` (a style name; "Normal" is the default). Our style ids are
    their names, so the id is written directly: python-docx's lookup by name scans every
    style and took most of a letter's rendering time."""
    added = document.add_paragraph(text)
    if style != "Normal":
        added._p.style = style
    return added


def blank_lines(document, count):
    for _ in range(count):
        document.add_paragraph()


class Letter:
    """A 请示 under a red letterhead: 版头 (发文机关标志, 发文字号 and 签发人, red line), title,
    主送机关, body, 附件说明, 署名 and 成文日期, in GB/T 9704's places."""

    def __init__(self, issue, title, signer_line=False):
        self.document = new_document(title=title)
        self.issue = issue
        self._letterhead(signer_line or bool(issue.signer))
        blank_lines(self.document, 2)  # 标题在红色分隔线下空二行
        paragraph(self.document, title, STYLE_TITLE)
        blank_lines(self.document, 1)  # 主送机关在标题下空一行，居左顶格
        paragraph(self.document, f"{issue.addressee}：", "Normal")

    def _letterhead(self, signer_line):
        issuer_text = f"{self.issue.issuer}文件"
        issuer = paragraph(self.document, "", STYLE_ISSUER)
        run = issuer.add_run(issuer_text)
        # As large as fits one line of the text block, at most 初号.
        fit = int(TEXT_WIDTH_MM * POINTS_PER_MM / Decimal(text_width(issuer_text)))
        run.font.size = Pt(max(min(ISSUER_MAX_PT, fit), TITLE_SIZE.pt))
        blank_lines(self.document, 2)  # 发文字号在发文机关标志下空二行
        number = paragraph(self.document, "", STYLE_NUMBER)
        # Not numbered yet: the registry writes the number in by hand; the year is known.
        year = self.issue.date.year
        document_number = self.issue.document_number or f"{BLANK}〔{year}〕{BLANK}号"
        if not signer_line:
            number.add_run(document_number)
            return
        # 上行文：发文字号居左空一字，签发人居右空一字，在同一行；签发人姓名用楷体.
        number.alignment = WD_ALIGN_PARAGRAPH.LEFT
        number.add_run(f"\u3000{document_number}\t签发：")
        set_font(number.add_run(self.issue.signer or "\u3000" * 3)._r, KAI_FONT)
        number.add_run("\u3000")

    def heading(self, text):
        paragraph(self.document, text, STYLE_HEADING)

    def body(self, *texts):
        for text in texts:
            paragraph(self.document, text)

    def attachment(self, name):
        """附件说明：正文下空一行左空二字；回行时与附件名称首字对齐."""
        blank_lines(self.document, 1)
        note = paragraph(self.document, f"附件：{name}", "Normal")
        _set_indent(note._p, -3, 5, 0)

    def sign(self, name):
        """署名 centred over 成文日期, the date 右空四字 (sealed documents); a name too long for
        that is set flush right and the date centred under it."""
        date_text = chinese_date(self.issue.date)
        name_width, date_width = text_width(name), text_width(date_text)
        centre = max(4 + date_width / 2, name_width / 2)
        blank_lines(self.document, 2)
        for text, width in ((name, name_width), (date_text, date_width)):
            line = paragraph(self.document, text, "Normal")
            line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_indent(line._p, 0, 0, centre - width / 2)

    def render(self) -> bytes:
        return to_bytes(self.document)


@dataclass(frozen=True)
class Cell:
    text: str = ""
    span: int = 1  # grid columns
    align: str = "center"  # w:jc: left, center, right
    valign: str = "center"  # w:vAlign: top, center, bottom
    bold: bool = False
    # On one line whatever the fonts at hand: no wrapping, the text fitted to the cell's
    # width (ID numbers and phones, which a break would misread).
    one_line: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    height_mm: float | None = None  # at least
    header: bool = False  # repeated at the top of each page


def _twips(mm):
    return round(mm * 1440 / 25.4)


def _cell_xml(cell, width_mm, style):
    run_pr = "<w:rPr><w:b/></w:rPr>" if cell.bold else ""
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="{cell.align}"/></w:pPr>'
        + (f'<w:r>{run_pr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else "")
        + "</w:p>"
        for line in cell.text.split("\n")
    )
    span = f'<w:gridSpan w:val="{cell.span}"/>' if cell.span > 1 else ""
    # tcPr's children in the schema's order: tcW, gridSpan, noWrap, tcFitText, vAlign.
    one_line = "<w:noWrap/><w:tcFitText/>" if cell.one_line and cell.text else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{_twips(width_mm)}" w:type="dxa"/>{span}{one_line}'
        f'<w:vAlign w:val="{cell.valign}"/></w:tcPr>{paragraphs}</w:tc>'
    )


def add_table(document, widths_mm, rows, style=STYLE_FORM, cell_margin_mm=1.9):
    """A bordered table of fixed column widths (mm), built as one piece of XML: python-docx's
    cell access is quadratic in the table size, too slow for a roster."""
    grid = "".join(f'<w:gridCol w:w="{_twips(w)}"/>' for w in widths_mm)
    margin = _twips(cell_margin_mm)
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{_twips(sum(widths_mm))}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar>'
        f'<w:left w:w="{margin}" w:type="dxa"/><w:right w:w="{margin}" w:type="dxa"/>'
        f"</w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
    ]
    for row in rows:
        if sum(cell.span for cell in row.cells) != len(widths_mm):
            raise ValueError("表格行的列数与表格不符")
        height = (
            f'<w:trHeight w:val="{_twips(row.height_mm)}" w:hRule="atLeast"/>'
            if row.height_mm
            else ""
        )
        header = "<w:tblHeader/>" if row.header else ""
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{height}{header}</w:trPr>")
        column = 0
        for cell in row.cells:
            width = sum(widths_mm[column : column + cell.span])
            parts.append(_cell_xml(cell, width, style))
            column += cell.span
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    document.element.body._insert_tbl(parse_xml("".join(parts)))
