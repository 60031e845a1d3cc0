"""The public notice (公示) as a document in GB/T 9704's style: title “关于…拟命名对象的公示”,
the body with the period and how to object, the list (name, title, where), the organiser
and the date of publication. Only what the notice publishes: no one's personal data."""

from types import SimpleNamespace

from grassroots.core.formats import chinese_date
from grassroots.documents.layout import (
    STYLE_BODY,
    STYLE_HEADING,
    STYLE_TITLE,
    Cell,
    Letter,
    Row,
    add_table,
    blank_lines,
    new_document,
    paragraph,
    to_bytes,
)

from ..services.notices import listed

WIDTHS_MM = (14, 70, 36, 36)


def notice_title(notice):
    return f"关于{notice.campaign.title}拟命名对象的公示"


def notice_filename(notice):
    return f"{notice_title(notice)}.docx"


def notice_text(notice, candidates):
    """The paragraphs of the body, shared by the document and the printable page."""
    organiser = notice.campaign.organiser.name
    levels = "、".join(dict.fromkeys(f"“{a.level.name}”" for a in candidates))
    period = (
        f"{chinese_date(notice.published_on)}至{chinese_date(notice.ends_on)}"
        f"（{notice.working_days}个工作日）"
    )
    contact = f"联系方式：{notice.contact}。" if notice.contact else ""
    return [
        f"经层层推荐、审核和考察，{organiser}拟命名以下{len(candidates)}个党组织为"
        f"{levels or '示范'}。现予以公示，接受党员群众监督。",
        f"公示时间：{period}。",
        "公示期间，如对公示对象有异议，可通过来电、来信、来访或在线方式向"
        f"{organiser}反映。反映情况应实事求是，请提供具体事实和联系方式，以便核实。{contact}",
    ]


def render_notice(notice) -> bytes:
    candidates = list(listed(notice))
    title = notice_title(notice)
    document = new_document(title=title)
    paragraph(document, title, STYLE_TITLE)
    blank_lines(document, 1)
    for text in notice_text(notice, candidates):
        paragraph(document, text, STYLE_BODY)
    paragraph(document, "附：拟命名对象名单", STYLE_HEADING)
    header = Row(
        tuple(Cell(t, bold=True) for t in ("序号", "党组织名称", "称号", "所在地或上级单位")),
        header=True,
    )
    rows = [
        Row(
            (
                Cell(str(number)),
                Cell(a.org_name, align="left"),
                Cell(a.level.name),
                Cell(a.location, align="left"),
            )
        )
        for number, a in enumerate(candidates, start=1)
    ]
    add_table(document, WIDTHS_MM, [header, *rows])
    # The organiser and the date set as a letter's 署名 and 成文日期 are.
    Letter.sign(
        SimpleNamespace(document=document, issue=SimpleNamespace(date=notice.published_on)),
        notice.campaign.organiser.name,
    )
    return to_bytes(document)
