"""Seed 004's templates 1–9 as .docx, one function per document, filled from the plain data
of `data.py`. The fixed text is the seed's, with its blanks (×, ×××) filled and its choices
(党委/党总支/党支部, 学会（协会/研究会）, 理事会议（常务理事会议）) resolved from the data.
What only the signatories can fill (盖章, the approvals' 年 月 日, an empty 工作表现) or
what the records do not hold yet (a draft's meeting date) stays a blank. Each function
returns the file's bytes."""

from docx.enum.text import WD_ALIGN_PARAGRAPH

from grassroots.core.formats import chinese_date

from . import layout
from .data import (
    ESTABLISHMENT_ORDER,
    OFFICE_HEAD,
    ORG_KINDS,
    PREPARATION_REPORT,
    Attendance,
    ByElectionRequest,
    ByElectionResult,
    CandidateForm,
    EstablishmentRequest,
    FilingForm,
    GeneralElectionRequest,
    GeneralElectionResult,
    MeetingAgenda,
    Person,
    Roster,
    VacatedPost,
    general_meeting_agenda,
)
from .formats import (
    BLANK,
    chinese_numeral,
    committee_name,
    committee_word,
    date_or_blank,
    exceeds_four_fifths,
    joined,
    number_or_blank,
    percent,
    society_word,
    surplus,
)
from .layout import Cell, Row

POSTS = ESTABLISHMENT_ORDER
SECRETARY, DEPUTY = POSTS[0], POSTS[1]


def _check_kind(kind):
    if kind not in ORG_KINDS:
        raise ValueError(f"党组织类型应为{'、'.join(ORG_KINDS)}之一：{kind!r}")


def _date(day):
    return chinese_date(day) if day else ""


def _attendance_sentence(att: Attendance) -> str:
    if not 0 <= att.present_voters <= att.expected_voters:
        raise ValueError("到会人数不合理：实到不能多于应到")
    share = percent(att.present_voters, att.expected_voters)
    # The template states the quorum; it is stated only where it holds.
    met = exceeds_four_fifths(att.present_voters, att.expected_voters)
    quorum = "（五分之四以上）" if met else ""
    if att.expected_members is None or att.present_members is None:
        numbers = (
            f"应到会有选举权党员{att.expected_voters}名，实到会有选举权党员{att.present_voters}名，"
        )
    else:
        numbers = (
            f"应到党员{att.expected_members}名（其中有选举权党员{att.expected_voters}名），"
            f"实到党员{att.present_members}名（其中有选举权党员{att.present_voters}名），"
        )
    return f"{numbers}实到会有选举权党员占应到会有选举权党员{share}{quorum}。"


def _votes(votes) -> str:
    return "，".join(f"{v.name}同志得票{v.votes}票" for v in votes)


def _runoffs(runoffs) -> str:
    """The further rounds after the first: 经第二轮投票，×××同志得票×票。"""
    return "".join(
        f"经第{chinese_numeral(i)}轮投票，{_votes(votes)}。" for i, votes in enumerate(runoffs, 2)
    )


def _comrades(names) -> str:
    """张三、李四等2位同志 — or 张三同志 alone."""
    if not names:
        raise ValueError("无人当选，不能出具选举结果请示")
    return f"{joined(names)}等{len(names)}位同志" if len(names) > 1 else f"{names[0]}同志"


def _divisions(divisions) -> str:
    return "，".join(f"{d.name}同志任{d.post}" for d in divisions)


def _same_day(meeting_on, committee_met_on):
    if committee_met_on is None or committee_met_on == meeting_on:
        return "同日"
    return chinese_date(committee_met_on)


def render_establishment_request(data: EstablishmentRequest) -> bytes:
    """Template 1: 关于成立“××党支部”的请示."""
    _check_kind(data.org_kind)
    kind = data.org_kind
    by_post = {post: [a.name for a in data.committee if a.post == post] for post in POSTS}
    unknown = {a.post for a in data.committee} - set(POSTS)
    if unknown:
        raise ValueError(f"组成人员职务无效：{sorted(unknown)}")
    members = [a for a in data.committee if a.post != OFFICE_HEAD]
    secretaries, deputies = len(by_post[SECRETARY]), len(by_post[DEPUTY])
    counts = [f"书记{secretaries}人"]
    if deputies:
        counts.append(f"副书记{deputies}人")
    if len(members) - secretaries - deputies:
        counts.append(f"委员{len(members) - secretaries - deputies}人")
    if data.decided_on is None:
        decided = f"{BLANK}月{BLANK}日"
    elif data.decided_on.year == data.issue.date.year:
        decided = f"{data.decided_on.month}月{data.decided_on.day}日"
    else:
        decided = chinese_date(data.decided_on)
    if data.is_society:
        meeting = data.decided_by or f"第{BLANK}届理事会第{BLANK}次理事会议"
        council = f"{data.society_name}理事会"
    else:
        meeting, council = data.decided_by or f"{BLANK}会议", data.society_name
    word = society_word(data.society_name) if data.is_society else ""
    letter = layout.Letter(data.issue, f"关于成立“{data.org_name}”的请示", signer_line=True)
    letter.body(
        f"{data.basis}，{decided}经{meeting}研究决定，拟成立{data.org_name}。"
        f"{council}现有党员{data.member_count}名，"
        f"{kind}由{len(members)}人组成，其中：{'，'.join(counts)}。"
        f"{kind}日常工作由下设办公室专人负责，{kind}组成人员如下：",
        *(f"{post}：{joined(names)}" for post, names in by_post.items() if names),
        "妥否，请批示。",
    )
    letter.attachment(f"{word}党组织人员备案表")
    letter.sign(data.society_name)
    return letter.render()


def _person_form(title, rows, person: Person, post_rows, performance, approver):
    """The filing form of templates 2, 5 and 8: six columns (label, value, …), the long
    items across the row; `rows` lead the form as (label, value) pairs, `post_rows`
    (label, value) follow the personal data, one a row."""
    document = layout.new_document(title=title.replace("\n", ""))
    heading = layout.paragraph(document, "", layout.STYLE_TITLE)
    for i, line in enumerate(title.split("\n")):
        if i:
            heading.add_run().add_break()
        heading.add_run(line)
    layout.blank_lines(document, 1)
    birth = _date_or_year(person.birth_date, person.birth_year, _date)
    joined = _date_or_year(person.joined_on, person.joined_year, _date)
    pairs = [
        *rows,
        [("姓名", person.name), ("出生日期", birth)],
        [("性别", person.gender), ("民族", person.ethnicity), ("籍贯", person.native_place)],
        [("入党时间", joined), ("参加工作时间", _date(person.work_started_on))],
        [("专业技术职务", person.professional_title), ("熟悉专业有何专长", person.expertise)],
        [("学历", person.education), ("毕业院校", person.graduated_from)],
    ]
    spans = {1: (1, 5), 2: (1, 2, 1, 2), 3: (1, 1, 1, 1, 1, 1)}
    table = []
    for items in pairs:
        texts = [text for item in items for text in item]
        cells = tuple(Cell(t, span) for t, span in zip(texts, spans[len(items)], strict=True))
        table.append(Row(cells, 10))
    long_rows = [
        *[(label, value, 10) for label, value in post_rows],
        ("工作简历", person.resume, 32),
        ("工作表现\n（德能勤绩廉）", performance, 22),
    ]
    for label, value, height in long_rows:
        long = "\n" in value or len(value) > 20
        value_cell = Cell(value, 5, "left", "top") if long else Cell(value, 5)
        table.append(Row((Cell(label), value_cell), height))
    for label in ("呈报单位", approver):
        # Seal and date are written by hand when the unit signs.
        stamp = Cell("\n\n（盖章）\n年\u3000\u3000月\u3000\u3000日", 5, "right")
        table.append(Row((Cell(label), stamp), 18))
    layout.add_table(document, (24, 30, 24, 26, 22, 30), table)
    return layout.to_bytes(document)


def _unit_word(society_name, is_society):
    """学会（协会/研究会） for a society, 单位 for any other unit."""
    return society_word(society_name) if is_society else "单位"


def render_filing_form(data: FilingForm) -> bytes:
    """Template 2: 学会党组织人员备案表."""
    word = _unit_word(data.society_name, data.is_society)
    return _person_form(
        f"{word if data.is_society else ''}党组织人员备案表",
        [[(f"{word}名称", data.society_name)]],
        data.person,
        [
            ("现任职务", data.person.job_title),
            (f"{word}任职", data.person.society_title),
            ("党组织拟任职务", data.proposed_post),
        ],
        data.performance,
        f"{data.approver}意见",
    )


ROSTER_COLUMNS = (
    ("序号", 6),
    ("姓名", 12),
    ("性别", 5),
    ("民族", 8),
    ("籍贯", 12),
    ("出生日期", 17),
    ("公民身份号码", 30),
    ("学历", 12.5),
    ("入党时间", 17),
    ("转正时间", 17),
    ("党员类别", 12.5),
    ("参加工作时间", 17),
    ("现任职务", 19),
    ("联系电话", 20),
    ("所在党组织", 20),
)
# 225 mm, the text block of a landscape page: dates (as 1970.01.01, the roster's usual form),
# ID numbers and phones keep to one line at 8 pt.
# ID numbers and phones never break, whatever font stands in (layout.Cell.one_line).
ONE_LINE_COLUMNS = frozenset(
    index
    for index, (label, _) in enumerate(ROSTER_COLUMNS)
    if label in ("公民身份号码", "联系电话")
)


def _table_date(day):
    return f"{day.year}.{day.month:02d}.{day.day:02d}" if day else ""


def _date_or_year(day, year, date_format):
    """A date, or its year only where it is masked (orgs/personal_data.py)."""
    if day:
        return date_format(day)
    return f"{year}年" if year else ""


def _roster_row(index, p: Person):
    return (
        str(index),
        p.name,
        p.gender,
        p.ethnicity,
        p.native_place,
        _date_or_year(p.birth_date, p.birth_year, _table_date),
        p.id_number,
        p.education,
        _date_or_year(p.joined_on, p.joined_year, _table_date),
        _date_or_year(p.confirmed_on, p.confirmed_year, _table_date),
        p.status,
        _table_date(p.work_started_on),
        p.job_title,
        p.phone,
        p.org_name,
    )


def render_roster(data: Roster) -> bytes:
    """Template 3: 党员名册 (columns: docs/decisions/0006-member-roster.md), landscape."""
    title = f"{data.unit_name}党员名册"
    document = layout.new_document(landscape=True, title=title)
    layout.paragraph(document, title, layout.STYLE_TITLE)
    if data.as_of:
        note = layout.paragraph(
            document, f"（截至{chinese_date(data.as_of)}，共{len(data.members)}名）", "Normal"
        )
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.blank_lines(document, 1)
    rows = [Row(tuple(Cell(label, bold=True) for label, _ in ROSTER_COLUMNS), header=True)]
    rows += [
        Row(
            tuple(
                Cell(text, one_line=column in ONE_LINE_COLUMNS)
                for column, text in enumerate(_roster_row(i, person))
            )
        )
        for i, person in enumerate(data.members, 1)
    ]
    widths = [width for _, width in ROSTER_COLUMNS]
    layout.add_table(document, widths, rows, layout.STYLE_ROSTER, cell_margin_mm=0.5)
    return layout.to_bytes(document)


def _general_request_with_committee(data, letter, kind):
    body = committee_word(kind)
    names, count = joined(data.candidates) or BLANK, len(data.candidates)
    if data.seats and count >= data.seats:
        extra, ratio = surplus(data.seats, count)
        margin = f"差额{extra}名，差额比例{ratio}"
    else:
        margin = f"差额{BLANK}名，差额比例{BLANK}%"
    nominees = ""
    if data.secretary_candidate:
        nominees = f"，其中，{data.secretary_candidate}同志为书记候选人预备人选"
        if data.deputy_candidates:
            nominees += f"，{joined(data.deputy_candidates)}同志为副书记候选人预备人选"
    letter.heading(f"二、{body}组成人员名额及候选人名额")
    letter.body(
        f"{body}由{number_or_blank(data.seats)}人组成，按照差额不低于20%的要求，我们提出"
        f"{names}等{count}位同志为下届{body}组成人员候选人预备人员（{margin}）{nominees}。"
    )
    letter.heading("三、选举办法")
    letter.body(
        f"1.下届{body}委员，由{kind}党员大会直接采取候选人数多于应选人数的差额选举"
        "办法选举产生，差额不小于应选人数的20%。",
        f"2.{kind}书记、副书记均实行等额选举，由下届{body}第一次全体会议选举产生。",
    )


def _general_request_without_committee(data, letter, kind):
    """A branch of fewer than 7 full members elects a secretary (and a deputy) in the
    members' meeting, one candidate per post (支部工作条例 Art. 20)."""
    posts = "书记、副书记" if data.deputy_candidates else "书记"
    nominees = f"{data.secretary_candidate or BLANK}同志为书记候选人预备人选"
    if data.deputy_candidates:
        nominees += f"，{joined(data.deputy_candidates)}同志为副书记候选人预备人选"
    letter.heading(f"二、{kind}{posts}名额及候选人")
    letter.body(
        f"{kind}不设委员会，设{posts}{number_or_blank(data.seats)}名。"
        f"按照等额选举的要求，我们提出{nominees}。"
    )
    letter.heading("三、选举办法")
    letter.body(f"{kind}{posts}由{kind}党员大会直接采取等额选举办法选举产生。")


def render_general_election_request(
    data: GeneralElectionRequest, elects_committee: bool = True
) -> bytes:
    """Template 4: 关于××党支部召开党员大会进行换届选举及下届委员会组成人员候选人预备人选的请示.
    Without a committee (`elects_committee` false) the meeting elects the secretary and
    deputy directly and the parts on the committee say so."""
    _check_kind(data.org_kind)
    kind = data.org_kind
    body = committee_word(kind) if elects_committee else kind
    title_body = f"下届{body}组成人员" if elects_committee else f"{kind}书记、副书记"
    letter = layout.Letter(
        data.issue,
        f"关于{data.org_name}召开党员大会进行换届选举及{title_body}候选人预备人选的请示",
    )
    letter.body(
        f"我{body}于{date_or_blank(data.term_started_on)}选举产生，"
        f"到{date_or_blank(data.term_ends_on)}任期届满，根据党章和有关规定，经研究，"
        f"拟于{date_or_blank(data.meeting_on)}召开{kind}党员大会，进行{body}换届选举。"
        "现将有关事项请示如下："
    )
    letter.heading("一、党员大会的主要议程")
    if elects_committee:
        # The seed's 换届大会议程 in seven steps (its template 4 sums them up in two).
        _agenda(letter.body, general_meeting_agenda(data.issue.addressee, data.is_society))
    else:
        letter.body(f"1.听取和审查本届{body}的工作报告；", f"2.选举产生新一届{body}。")
    if elects_committee:
        _general_request_with_committee(data, letter, kind)
    else:
        _general_request_without_committee(data, letter, kind)
    letter.body("以上选举均采用无记名投票方式。", "特此请示。妥否，请批示。")
    letter.attachment(f"{committee_name(data.org_name)}候选人预备人选备案表")
    letter.sign(committee_name(data.org_name) if elects_committee else data.org_name)
    return letter.render()


def _agenda(write, steps):
    """Numbered steps; the second, the report on the preparations, with its parts."""
    for number, step in enumerate(steps, 1):
        write(f"{number}.{step}")
        if number == 2 and step.endswith("包括："):
            write(*PREPARATION_REPORT)


def render_meeting_agenda(data: MeetingAgenda) -> bytes:
    """The election meeting's agenda with its scrutineers and tellers (seed 004: 「提出监票
    人建议名单，指定计票人员等（委员候选人不得担任监计票人员）」); names not yet recorded
    print as blanks."""
    title = f"{data.org_name}{data.title}"
    document = layout.new_document(title=title)
    layout.paragraph(document, title, layout.STYLE_TITLE)
    when = layout.paragraph(document, f"（{date_or_blank(data.meeting_on)}）", "Normal")
    when.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.blank_lines(document, 1)

    def body(*texts):
        for text in texts:
            layout.paragraph(document, text)

    _agenda(body, data.steps)
    layout.blank_lines(document, 1)
    body(
        f"监票人：{joined(data.scrutineers) or BLANK}",
        f"计票人：{joined(data.tellers) or BLANK}",
        "（委员候选人不得担任监票人、计票人。）",
    )
    return layout.to_bytes(document)


def _candidate_form(data: CandidateForm) -> bytes:
    return _person_form(
        f"{committee_name(data.org_name)}候选人\n预备人选备案表",
        [],
        data.person,
        [
            ("所在单位职务", data.person.job_title),
            (f"{'学会' if data.is_society else '单位'}担任职务", data.person.society_title),
            ("党组织拟任职务", data.proposed_post),
        ],
        data.performance,
        f"{data.approver}意见",
    )


def render_candidate_form(data: CandidateForm) -> bytes:
    """Template 5: 委员会候选人预备人选备案表 (general election), one candidate."""
    return _candidate_form(data)


def render_general_election_result(data: GeneralElectionResult) -> bytes:
    """Template 6: 关于××委员会换届选举结果的请示 (and the founding election's report)."""
    _check_kind(data.org_kind)
    kind = data.org_kind
    new = "首届" if data.founding else "新一届"
    committee = data.committee_expected is not None
    body = committee_word(kind) if committee else kind
    leaders = "书记、副书记" if data.deputies else "书记"
    chosen = []
    if data.secretary:
        chosen.append(f"{data.secretary.name}同志得{data.secretary.votes}票，当选书记")
    chosen += [f"{v.name}同志得{v.votes}票，当选副书记" for v in data.deputies]
    subject = f"{committee_name(data.org_name)}" if committee else data.org_name
    occasion = "首届选举" if data.founding else "换届选举"
    letter = layout.Letter(data.issue, f"关于{subject}{occasion}结果的请示")
    paragraphs = [
        f"{data.org_name}于{chinese_date(data.meeting_on)}召开党员大会，"
        + _attendance_sentence(data.attendance)
    ]
    if committee:
        paragraphs += [
            f"大会采取无记名投票和差额选举的办法，选举产生了{new}{body}。"
            f"经选举，{_votes(data.votes)}。{_runoffs(data.runoffs)}"
            f"根据得票情况，{_comrades(data.elected)}当选为{new}{body}委员。",
            f"{_same_day(data.meeting_on, data.committee_met_on)}，{new}{body}召开第一次全体会议，"
            f"应到会{data.committee_expected}人，实到会{number_or_blank(data.committee_present)}人。"
            f"采取无记名投票和等额选举的办法选举产生了{new}{body}{leaders}。",
        ]
        after_vote = f"经选举，{'；'.join(chosen)}。" if chosen else ""
        if data.divisions:
            after_vote += f"会上，还对其他委员进行了分工，经协商，{_divisions(data.divisions)}。"
        if after_vote:
            paragraphs.append(after_vote)
        paragraphs.append(
            f"选举产生的委员名单请予以备案，选举产生的{leaders.replace('、', '和')}请予以批准。"
        )
    else:
        paragraphs += [
            f"大会采取无记名投票和等额选举的办法，选举产生了{new}{kind}{leaders}。"
            f"经选举，{'；'.join(chosen)}。{_runoffs(data.runoffs)}",
            f"选举产生的{leaders.replace('、', '和')}请予以批准。",
        ]
    letter.body(*paragraphs, "特此请示。妥否，请批示。")
    letter.sign(subject)
    return letter.render()


def _causes(vacated):
    return "、".join(dict.fromkeys(v.cause for v in vacated))


def _vacated_clause(vacated: tuple[VacatedPost, ...]):
    """Who left which post, when and why, e.g. 原书记马永鑫于2026年11月5日因工作变动离任."""
    return "；".join(
        f"原{v.post}{v.name}于{chinese_date(v.left_on)}因{v.cause}离任" for v in vacated
    )


def render_by_election_request(data: ByElectionRequest) -> bytes:
    """Template 7: 关于××委员会委员补选的请示."""
    _check_kind(data.org_kind)
    kind, body = data.org_kind, committee_word(data.org_kind)
    vacancies = number_or_blank(data.vacancies)
    # The seed's 因×位委员工作变动，不能继续履行委员职责 and 因工作变动，委员出现空缺×人, built
    # from the vacated posts; without any, no cause is invented.
    if data.vacated:
        causes = _causes(data.vacated)
        unable = (
            f"因{len(data.vacated)}位{kind}委员{causes}（{_vacated_clause(data.vacated)}），"
            "不能继续履行委员职责"
        )
        cause = f"因{causes}，"
    else:
        unable, cause = f"{vacancies}位{kind}委员不能继续履行委员职责", ""
    meeting = "理事会党员大会" if data.is_society else "党员大会"
    voters = "理事会有选举权的党员人数" if data.is_society else "有选举权的党员人数"
    if data.candidates:
        nominees = (
            f"{joined(data.candidates)}等{len(data.candidates)}位同志"
            if len(data.candidates) > 1
            else f"{data.candidates[0]}同志"
        )
    else:
        nominees = f"{BLANK}位同志"
    letter = layout.Letter(data.issue, f"关于{committee_name(data.org_name)}委员补选的请示")
    letter.body(
        f"我{body}于{date_or_blank(data.term_started_on)}选举产生，"
        f"{unable}。根据党章规定，经研究，"
        f"拟于{date_or_blank(data.meeting_on)}召开党员大会，补选{body}委员。"
        "现将有关事项请示如下："
    )
    letter.heading("一、党员大会的主要议程")
    prefix = "学会" if data.is_society else ""
    letter.body(f"1.{prefix}{kind}委员变更说明；", f"2.补选{body}委员。")
    letter.heading(f"二、拟补选的{body}委员候选人名额")
    letter.body(
        f"{body}由{number_or_blank(data.seats)}人组成，{cause}委员出现空缺{vacancies}人。"
        "按照《中国共产党基层组织选举工作条例》的规定，经研究，"
        f"我们提名{nominees}为补选委员候选人。"
    )
    letter.heading("三、选举办法")
    letter.body(
        f"本次补选{body}委员，按照参加{meeting}有选举权的党员必须超过{voters}80%的要求，"
        f"由{kind}{meeting}直接采取候选人等额选举办法选举产生。",
        "以上选举均采用无记名投票方式。",
        "特此请示。妥否，请批示。",
    )
    letter.attachment(f"{committee_name(data.org_name)}候选人预备人选备案表")
    letter.sign(data.org_name)
    return letter.render()


def render_by_election_candidate_form(data: CandidateForm) -> bytes:
    """Template 8: 委员会候选人预备人选备案表 (by-election), one candidate."""
    return _candidate_form(data)


def render_by_election_result(data: ByElectionResult) -> bytes:
    """Template 9: 关于××委员会委员补选结果的请示."""
    _check_kind(data.org_kind)
    kind, body = data.org_kind, committee_word(data.org_kind)
    meeting = "理事会党员大会" if data.is_society else "党员大会"
    letter = layout.Letter(data.issue, f"关于{committee_name(data.org_name)}委员补选结果的请示")
    paragraphs = [
        f"{data.org_name}于{chinese_date(data.meeting_on)}召开{meeting}，"
        + _attendance_sentence(data.attendance),
        f"大会采取无记名投票和等额选举的办法，选举产生了{len(data.elected)}位{kind}委员。"
        f"经选举，{_votes(data.votes)}{'。' + _runoffs(data.runoffs) if data.runoffs else '，'}"
        f"根据选举办法，{_comrades(data.elected)}补选为{body}委员。",
    ]
    if data.committee_expected is not None:
        committee = (
            f"{_same_day(data.meeting_on, data.committee_met_on)}，"
            f"经过补选后的{body}委员召开第一次全体会议，"
            f"应到会{data.committee_expected}人，实到会{number_or_blank(data.committee_present)}人。"
        )
        if data.divisions:
            committee += (
                f"会上，对{len(data.divisions)}位新委员进行了分工，{_divisions(data.divisions)}。"
            )
        paragraphs.append(committee)
    letter.body(*paragraphs, "选举产生的委员名单请予以备案。", "特此请示。妥否，请批示。")
    letter.sign(data.org_name)
    return letter.render()
