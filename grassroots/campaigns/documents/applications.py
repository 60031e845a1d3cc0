"""The 申报表 (seed 000 附件2) of an application with its review opinions filled in, as .docx
and, where LibreOffice is installed, PDF."""

from grassroots.core.formats import chinese_date
from grassroots.documents import layout
from grassroots.documents.layout import Cell, Row
from grassroots.documents.pdf import docx_to_pdf

from ..choices import ChainStep
from ..services.applications import BASIC_COMMITTEE_KINDS

WIDTHS = (30, 48, 30, 48)  # the 156 mm text block
SELF_COMMITTEE = "（申报对象即为基层党委，此栏不填写）"
REASON_HINT = "（对照示范建设标准，从工作举措、主要成效等方面进行填报，1000字以内。）"
NOTE = (
    "填表说明：“基层党委意见”由基层党组织所在镇（街道）党（工）委，部门机关党委、"
    "事业单位党委、学校党委、国资国企党委填写；若上述基层党委即为申报对象，此栏不填写。"
    "“上级党委（党组）意见”由推荐单位填写。"
)
UNSIGNED = "\n\n签\u3000\u3000字：\n（盖章）\n年\u3000\u3000月\u3000\u3000日"


def filename(application):
    return f"{application.org_name}{application.level.name}申报表.docx"


def signer(user):
    return user.get_full_name() or user.get_username()


def opinion_text(opinion):
    return (
        f"{opinion.get_opinion_display()}。{opinion.text}\n\n"
        f"签\u3000\u3000字：{signer(opinion.signed_by)}\n（盖章）\n{chinese_date(opinion.signed_on)}"
    )


def opinion_cell(application, step, latest):
    """The latest opinion of a step; a step the chain skips is blank, or says why when the
    applicant is itself the basic committee (填表说明)."""
    steps = [s for s, _ in application.chain]
    if step not in steps:
        skipped_self = (
            step == ChainStep.BASIC_COMMITTEE and application.org.kind in BASIC_COMMITTEE_KINDS
        )
        return Cell(SELF_COMMITTEE if skipped_self else "", 3, "left")
    if step in latest:
        return Cell(opinion_text(latest[step]), 3, "left", "top")
    return Cell(UNSIGNED, 3, "right")


def render(application) -> bytes:
    """The form of seed 000 附件2: the applicant's four facts, the reason, and the three
    opinions (the last labelled with the organiser's name)."""
    campaign = application.campaign
    title = f"“{application.level.name}”申报表"
    document = layout.new_document(title=title)
    layout.paragraph(document, title, layout.STYLE_TITLE)
    layout.paragraph(document, f"（{campaign.year}年）", layout.STYLE_TITLE)
    layout.blank_lines(document, 1)
    latest = {}
    for opinion in application.opinions.select_related("signed_by").order_by("pk"):
        latest[opinion.step] = opinion
    reason = application.reason or REASON_HINT
    rows = [
        Row(
            (
                Cell("基层党组织名称"),
                Cell(application.org_name),
                Cell("党组织负责人"),
                Cell(application.leader),
            ),
            12,
        ),
        Row(
            (
                Cell("所属类别"),
                Cell(application.category),
                Cell("所在地或上级单位"),
                Cell(application.location),
            ),
            12,
        ),
        Row((Cell("申报理由"), Cell(reason, 3, "left", "top")), 90),
    ]
    labels = {
        ChainStep.BASIC_COMMITTEE: "基层党委意见",
        ChainStep.UPPER_COMMITTEE: "上级党委（党组）意见",
        ChainStep.ORGANISER: f"{campaign.organiser.name}意见",
    }
    rows.append(Row((Cell("审　核　意　见", 4, bold=True),), 10))
    for step, label in labels.items():
        rows.append(Row((Cell(label), opinion_cell(application, step, latest)), 40))
    layout.add_table(document, WIDTHS, rows)
    layout.paragraph(document, NOTE, "Normal")
    return layout.to_bytes(document)


def render_pdf(application) -> bytes:
    """The same as PDF; raises documents.pdf.PdfUnavailable without LibreOffice."""
    return docx_to_pdf(render(application))
