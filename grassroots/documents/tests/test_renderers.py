"""Templates 1–9 of seed 004 and the roster rendered from plain data (samples.py): the
generated .docx opened again with python-docx — text, page setup, fonts and sizes, document
number and dates."""

import dataclasses
import datetime

import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from grassroots.documents import layout, renderers, samples
from grassroots.documents.data import (
    Attendance,
    GeneralElectionRequest,
    MeetingAgenda,
    VacatedPost,
    Vote,
)

from .helpers import open_docx, text_of

ALL = {
    "establishment_request": (
        renderers.render_establishment_request,
        samples.establishment_request,
    ),
    "filing_form": (renderers.render_filing_form, samples.filing_form),
    "roster": (renderers.render_roster, samples.roster),
    "general_election_request": (
        renderers.render_general_election_request,
        samples.general_election_request,
    ),
    "candidate_form": (renderers.render_candidate_form, samples.candidate_form),
    "general_election_result": (
        renderers.render_general_election_result,
        samples.general_election_result,
    ),
    "by_election_request": (renderers.render_by_election_request, samples.by_election_request),
    "by_election_candidate_form": (
        renderers.render_by_election_candidate_form,
        samples.candidate_form,
    ),
    "by_election_result": (renderers.render_by_election_result, samples.by_election_result),
}
LETTERS = [
    "establishment_request",
    "general_election_request",
    "general_election_result",
    "by_election_request",
    "by_election_result",
]


def rendered(name, **changes):
    render, sample = ALL[name]
    data = sample()
    return render(dataclasses.replace(data, **changes) if changes else data)


def mm(length):
    return round(Length(length).mm, 1)


def east_asian_font(style):
    """The w:eastAsia font a style sets (or inherits)."""
    while style is not None:
        rpr = style.element.rPr
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def size_of(style):
    while style is not None:
        if style.font.size is not None:
            return style.font.size
        style = style.base_style
    return None


@pytest.mark.parametrize("name", list(ALL))
def test_every_document_opens_on_a4_with_gbt_9704_margins(name):
    document = open_docx(rendered(name))
    (section,) = document.sections
    if name == "roster":
        # Landscape: the portrait page turned, binding margin (28 mm) at the top.
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert (mm(section.page_width), mm(section.page_height)) == (297, 210)
        assert (mm(section.top_margin), mm(section.right_margin)) == (28, 37)
        assert mm(section.page_width - section.left_margin - section.right_margin) == 225
    else:
        assert section.orientation == WD_ORIENT.PORTRAIT
        assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
        assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
        # The text block: 156 × 225 mm.
        assert mm(section.page_width - section.left_margin - section.right_margin) == 156
        assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    # 22 lines a page: exact 28.95 pt lines on a line grid.
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"


@pytest.mark.parametrize("name", LETTERS)
def test_letters_title_body_number_and_date(name):
    document = open_docx(rendered(name))
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    title = next(p for p in paragraphs if p.style.name == layout.STYLE_TITLE)
    assert title.text.startswith("关于") and title.text.endswith("的请示")
    assert east_asian_font(title.style) == "方正小标宋简体"
    assert size_of(title.style) == Pt(22)  # 2号
    body = [p for p in paragraphs if p.style.name == layout.STYLE_BODY]
    assert body and all(east_asian_font(p.style) == "仿宋_GB2312" for p in body)
    assert all(size_of(p.style) == Pt(16) for p in body)  # 3号
    # First-line indent of two characters.
    assert body[0].style.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    issuer = paragraphs[0]
    assert issuer.text == "青海省化学化工学会文件"
    assert issuer.style.name == layout.STYLE_ISSUER
    number = next(p for p in paragraphs if p.style.name == layout.STYLE_NUMBER)
    assert "青化学〔2026〕" in number.text and "号" in number.text
    assert paragraphs[-1].text == "2026年8月1日"
    assert "中国共产党青海省科技社团委员会：" in [p.text for p in paragraphs]
    text = text_of(rendered(name))
    assert "×" not in text and "None" not in text


def test_the_number_is_exact_and_unnumbered_letters_leave_it_blank():
    text = text_of(rendered("general_election_request"))
    assert "青化学〔2026〕7号" in text
    unnumbered = dataclasses.replace(samples.issue(), document_number="")
    text = text_of(rendered("general_election_request", issue=unnumbered))
    assert "\u3000\u3000〔2026〕\u3000\u3000号" in text


def test_template_1_establishment_request():
    text = text_of(rendered("establishment_request"))
    assert "签发：王建国" in text  # 上行文: 签发人 beside the number
    assert "关于成立“青海省化学化工学会党支部”的请示" in text
    assert "7月15日经第三届理事会第五次理事会议研究决定，拟成立青海省化学化工学会党支部。" in text
    assert "青海省化学化工学会理事会现有党员12名，党支部由5人组成，" in text
    assert "其中：书记1人，副书记1人，委员3人。" in text
    assert (
        "书记：王建国\n副书记：李秀英\n纪检委员：陈文博\n宣传委员：刘海燕\n组织委员：张志强" in text
    )
    assert "办公室负责人：杨晓梅" in text
    assert "附件：学会党组织人员备案表" in text
    assert text.rstrip().endswith("青海省化学化工学会\n2026年8月1日")


def test_template_1_for_an_undated_decision_leaves_the_day_blank():
    text = text_of(rendered("establishment_request", decided_on=None, decided_by=""))
    assert (
        "\u3000\u3000月\u3000\u3000日经第\u3000\u3000届理事会第\u3000\u3000次理事会议研究决定"
        in text
    )


@pytest.mark.parametrize("name", ["filing_form", "candidate_form", "by_election_candidate_form"])
def test_templates_2_5_8_filing_forms(name):
    content = rendered(name)
    text = text_of(content)
    person = samples.person(0)
    for value in (
        "王建国",
        "1970年1月1日",
        "男",
        "汉族",
        "青海西宁",
        "1995年7月1日",
        "1992年9月1日",
        "正高级工程师",
        "分析化学",
        "研究生",
        "青海大学",
        person.job_title,
        "常务理事",
        "工作简历",
        "1992年9月参加工作",
        "（盖章）",
    ):
        assert value in text, value
    # No identifiers on the forms.
    assert person.id_number not in text and person.phone not in text
    document = open_docx(content)
    (table,) = document.tables
    assert len(table.columns) == 6
    title = document.paragraphs[0]
    assert title.style.name == layout.STYLE_TITLE
    if name == "filing_form":
        assert title.text == "学会党组织人员备案表"
        assert "学会名称" in text and "青海省化学化工学会" in text and "学会任职" in text
        assert "省科技社团意见" in text
    else:
        assert title.text == "青海省化学化工学会党支部委员会候选人\n预备人选备案表"
        assert "所在单位职务" in text and "学会担任职务" in text
        assert "省科技社团党委意见" in text


def test_template_3_roster_with_a_row_per_member():
    content = rendered("roster")
    document = open_docx(content)
    (table,) = document.tables
    assert len(table.rows) == 21  # header + 20 members
    header = [c.text for c in table.rows[0].cells]
    assert header == [label for label, _ in renderers.ROSTER_COLUMNS]
    first = [c.text for c in table.rows[1].cells]
    person = samples.person(0)
    assert first[:7] == ["1", "王建国", "男", "汉族", "青海西宁", "1970.01.01", person.id_number]
    assert first[13] == person.phone
    assert document.paragraphs[0].text == "青海省化学化工学会党支部党员名册"
    assert "（截至2026年8月1日，共20名）" in text_of(content)
    # The column widths fill the landscape text block.
    assert sum(width for _, width in renderers.ROSTER_COLUMNS) == 225


def test_roster_id_numbers_and_phones_never_break_over_two_lines():
    document = open_docx(rendered("roster"))
    (table,) = document.tables
    one_line = {
        i
        for i, (label, _) in enumerate(renderers.ROSTER_COLUMNS)
        if label
        in (
            "公民身份号码",
            "联系电话",
        )
    }
    assert one_line == renderers.ONE_LINE_COLUMNS and len(one_line) == 2
    for row in table.rows[1:]:
        for index, cell in enumerate(row.cells):
            properties = cell._tc.tcPr
            fitted = properties.find(qn("w:noWrap")) is not None
            assert fitted == (index in one_line)
            assert (properties.find(qn("w:tcFitText")) is not None) == fitted
    # And they fit anyway at 8 pt in a half-width font: 18 digits of half an em each, with
    # the cell's margins.
    widths = dict(renderers.ROSTER_COLUMNS)
    digit_mm = 8 / 2 * 25.4 / 72
    assert 18 * digit_mm + 2 * 0.5 < widths["公民身份号码"]
    assert 13 * digit_mm + 2 * 0.5 < widths["联系电话"]  # 0971-12345678


def test_template_4_general_election_request():
    text = text_of(rendered("general_election_request"))
    assert (
        "关于青海省化学化工学会党支部召开党员大会进行换届选举及下届党支部委员会组成人员"
        "候选人预备人选的请示"
    ) in text
    assert (
        "我党支部委员会于2023年8月1日选举产生，到2026年7月31日任期届满，根据党章和有关规定，"
        "经研究，拟于2026年8月20日召开党支部党员大会，进行党支部委员会换届选举。"
    ) in text
    assert "党支部委员会由7人组成，按照差额不低于20%的要求，我们提出王建国、" in text
    assert "等9位同志为下届党支部委员会组成人员候选人预备人员（差额2名，差额比例28.57%）" in text
    assert "其中，王建国同志为书记候选人预备人选，李秀英同志为副书记候选人预备人选。" in text
    assert "附件：青海省化学化工学会党支部委员会候选人预备人选备案表" in text
    assert text.rstrip().endswith("青海省化学化工学会党支部委员会\n2026年8月1日")


SEVEN_STEPS = (
    "1.上届党组织负责同志向全体党员作工作报告；",
    "2.向大会报告委员会换届选举筹备工作情况，包括：",
    "① 宣读大会选举办法（草案）；",
    "② 宣布下届委员会名额，宣读下届委员会委员候选人建议名单；",
    "③ 提出监票人建议名单，指定计票人员等（委员候选人不得担任监计票人员）；",
    "3.讨论、酝酿并审议通过工作报告、选举办法、候选人名单和监票人名单；",
    "4.新一届理事会中党员对提出的党组织委员会委员拟任人选进行正式选举；",
    "5.计票并宣布选举结果；",
    "6.新任党组织委员会成员代表讲话；",
    "7.中国共产党青海省科技社团委员会领导对新任党组织委员会提工作要求。",
)


def test_template_4_prints_the_seeds_seven_step_agenda():
    text = text_of(rendered("general_election_request"))
    lines = text.splitlines()
    start = lines.index("一、党员大会的主要议程") + 1
    assert tuple(lines[start : start + len(SEVEN_STEPS)]) == SEVEN_STEPS
    assert "听取和审查本届" not in text


def test_template_4_outside_a_society_votes_with_the_members():
    text = text_of(rendered("general_election_request", is_society=False))
    assert "4.有选举权的党员对提出的党组织委员会委员拟任人选进行正式选举；" in text
    assert "理事会" not in text


def test_the_meeting_agenda_names_its_scrutineers_and_tellers():
    data = MeetingAgenda(
        org_name=samples.ORG,
        title="换届选举党员大会议程",
        meeting_on=datetime.date(2026, 8, 20),
        steps=tuple(step.split(".", 1)[1] for step in SEVEN_STEPS if step[0] in "1234567"),
        scrutineers=("王建国", "李秀英"),
        tellers=("张志强",),
    )
    lines = text_of(renderers.render_meeting_agenda(data)).splitlines()
    assert lines[0] == "青海省化学化工学会党支部换届选举党员大会议程"
    assert "（2026年8月20日）" in lines
    assert [line for line in lines if line and line[0] in "1234567①②③"] == list(SEVEN_STEPS)
    assert "监票人：王建国、李秀英" in lines and "计票人：张志强" in lines


def test_a_meeting_agenda_without_officers_leaves_blanks_to_fill():
    data = MeetingAgenda(
        org_name=samples.ORG, title="补选党员大会议程", meeting_on=None, steps=("补选。",)
    )
    text = text_of(renderers.render_meeting_agenda(data))
    assert "监票人：\u3000\u3000" in text and "计票人：\u3000\u3000" in text
    assert "包括" not in text


def test_template_4_of_a_committee_and_of_a_branch_without_committee():
    committee = text_of(
        rendered("general_election_request", org_name="东区机关党委", org_kind="党委")
    )
    assert "我党委于2023年8月1日选举产生" in committee  # not 党委委员会
    assert "党委由7人组成" in committee
    data = dataclasses.replace(samples.general_election_request(candidates=2, seats=2))
    text = text_of(renderers.render_general_election_request(data, elects_committee=False))
    assert "党支部书记、副书记候选人预备人选的请示" in text
    assert "党支部不设委员会，设书记、副书记2名。" in text
    assert "由党支部党员大会直接采取等额选举办法选举产生" in text
    assert "差额" not in text
    assert text.rstrip().endswith("青海省化学化工学会党支部\n2026年8月1日")


def test_template_4_draft_without_dates_or_seats_leaves_blanks():
    data = GeneralElectionRequest(
        issue=samples.issue(),
        org_name=samples.ORG,
        org_kind="党支部",
        term_started_on=None,
        term_ends_on=None,
        meeting_on=None,
        seats=None,
        candidates=(),
    )
    text = text_of(renderers.render_general_election_request(data))
    assert "我党支部委员会于\u3000\u3000年\u3000\u3000月\u3000\u3000日选举产生" in text
    assert "差额\u3000\u3000名，差额比例\u3000\u3000%" in text


def test_template_6_general_election_result():
    text = text_of(rendered("general_election_result"))
    assert "关于青海省化学化工学会党支部委员会换届选举结果的请示" in text
    assert (
        "青海省化学化工学会党支部于2026年8月20日召开党员大会，应到党员30名（其中有选举权党员28名），"
        "实到党员27名（其中有选举权党员25名），实到会有选举权党员占应到会有选举权党员89.29%"
        "（五分之四以上）。"
    ) in text
    assert "经选举，王建国同志得票25票，李秀英同志得票24票，" in text
    assert "等7位同志当选为新一届党支部委员会委员。" in text
    assert "同日，新一届党支部委员会召开第一次全体会议，应到会7人，实到会7人。" in text
    assert "经选举，王建国同志得7票，当选书记；李秀英同志得6票，当选副书记。" in text
    assert "经协商，张志强同志任组织委员，刘海燕同志任宣传委员，陈文博同志任纪检委员。" in text
    assert "选举产生的委员名单请予以备案，选举产生的书记和副书记请予以批准。" in text


def test_template_6_states_the_quorum_only_where_it_holds_and_reads_runoffs():
    att = Attendance(expected_voters=10, present_voters=8)
    text = text_of(
        rendered(
            "general_election_result",
            attendance=att,
            runoffs=((Vote("赵国华", 6), Vote("孙丽娟", 4)),),
            committee_met_on=datetime.date(2026, 8, 21),
        )
    )
    assert (
        "应到会有选举权党员10名，实到会有选举权党员8名，实到会有选举权党员占应到会有选举权党员80%。"
        in text
    )
    assert "五分之四以上" not in text
    assert "经第二轮投票，赵国华同志得票6票，孙丽娟同志得票4票。" in text
    assert "2026年8月21日，新一届党支部委员会召开第一次全体会议" in text


def test_template_6_without_a_committee_and_for_a_founding_election():
    text = text_of(
        rendered(
            "general_election_result",
            votes=(Vote("王建国", 9), Vote("李秀英", 8)),
            elected=("王建国", "李秀英"),
            secretary=Vote("王建国", 9),
            deputies=(Vote("李秀英", 8),),
            divisions=(),
            committee_expected=None,
            committee_present=None,
            founding=True,
        )
    )
    assert "关于青海省化学化工学会党支部首届选举结果的请示" in text
    assert "大会采取无记名投票和等额选举的办法，选举产生了首届党支部书记、副书记。" in text
    assert "经选举，王建国同志得9票，当选书记；李秀英同志得8票，当选副书记。" in text
    assert "第一次全体会议" not in text and "委员名单" not in text
    assert "选举产生的书记和副书记请予以批准。" in text


def test_template_7_by_election_request():
    text = text_of(rendered("by_election_request"))
    assert "关于青海省化学化工学会党支部委员会委员补选的请示" in text
    assert (
        "我党支部委员会于2024年8月1日选举产生，因2位党支部委员工作变动（原组织委员马志强于"
        "2026年5月6日因工作变动离任；原宣传委员朱海燕于2026年6月1日因工作变动离任），"
        "不能继续履行委员职责。"
    ) in text
    assert "1.学会党支部委员变更说明；" in text
    assert "党支部委员会由7人组成，因工作变动，委员出现空缺2人。" in text
    assert "我们提名徐建国、孙秀英等2位同志为补选委员候选人。" in text
    assert "按照参加理事会党员大会有选举权的党员必须超过理事会有选举权的党员人数80%的要求" in text
    assert text.rstrip().endswith("青海省化学化工学会党支部\n2026年8月1日")


LEFT = datetime.date(2026, 11, 5)


@pytest.mark.parametrize(
    ("vacated", "expected"),
    [
        ((), "选举产生，2位党支部委员不能继续履行委员职责。"),
        (
            (VacatedPost("马永鑫", "书记", LEFT, "退休"),),
            "选举产生，因1位党支部委员退休（原书记马永鑫于2026年11月5日因退休离任），"
            "不能继续履行委员职责。",
        ),
        (
            (
                VacatedPost("马永鑫", "书记", LEFT, "退休"),
                VacatedPost("张宁", "委员", LEFT, "工作变动"),
                VacatedPost("李安", "组织委员", LEFT, "退休"),
            ),
            "因3位党支部委员退休、工作变动（原书记马永鑫于2026年11月5日因退休离任；"
            "原委员张宁于2026年11月5日因工作变动离任；原组织委员李安于2026年11月5日因退休离任）",
        ),
    ],
)
def test_template_7_builds_the_reason_from_the_vacated_posts(vacated, expected):
    text = text_of(rendered("by_election_request", vacated=vacated))
    assert expected in text
    if not vacated:
        assert "工作变动" not in text and "因，" not in text


def test_template_7_outside_a_society_drops_the_council():
    text = text_of(rendered("by_election_request", is_society=False))
    assert "理事会" not in text and "学会党支部委员变更" not in text
    assert "按照参加党员大会有选举权的党员必须超过有选举权的党员人数80%的要求" in text


def test_template_9_by_election_result():
    text = text_of(rendered("by_election_result"))
    assert "关于青海省化学化工学会党支部委员会委员补选结果的请示" in text
    assert "青海省化学化工学会党支部于2026年8月20日召开理事会党员大会，应到党员30名" in text
    assert "大会采取无记名投票和等额选举的办法，选举产生了2位党支部委员。" in text
    assert "经选举，徐建国同志得票24票，孙秀英同志得票23票，根据选举办法，" in text
    assert "徐建国、孙秀英等2位同志补选为党支部委员会委员。" in text
    assert "同日，经过补选后的党支部委员会委员召开第一次全体会议，应到会7人，实到会7人。" in text
    assert "会上，对2位新委员进行了分工，徐建国同志任组织委员，孙秀英同志任宣传委员。" in text
    assert "选举产生的委员名单请予以备案。" in text


def test_results_need_someone_elected():
    with pytest.raises(ValueError, match="无人当选"):
        rendered("by_election_result", elected=())
