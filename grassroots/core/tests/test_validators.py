from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.validators import BIDI_CONTROLS, text_error

# Letters, digits, punctuation and spaces of any script: what names and free text are made of.
PLAIN = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), max_size=30)
FORBIDDEN_ANYWHERE = sorted(BIDI_CONTROLS) + ["\x00", "\x1b", "\x7f", "\x85", "\x9f", "\u2028"]


@given(PLAIN)
def test_plain_text_is_accepted_in_both_kinds_of_field(text):
    assert text_error(text, "名称") is None
    assert text_error(text, "会议记录", multiline=True) is None


@given(PLAIN, st.sampled_from(FORBIDDEN_ANYWHERE), PLAIN)
def test_control_and_bidirectional_characters_are_refused_anywhere(head, char, tail):
    for multiline in (False, True):
        message = text_error(head + char + tail, "名称", multiline=multiline)
        assert message and message.startswith("名称")


@given(PLAIN, st.sampled_from(["\r", "\n", "\r\n", "\t"]), PLAIN)
def test_line_breaks_and_tabs_only_in_multiline_text(head, char, tail):
    assert text_error(head + char + tail, "名称") is not None
    assert text_error(head + char + tail, "会议记录", multiline=True) is None


def test_messages_name_the_field_and_the_character():
    assert text_error("党支部\u202e", "名称") == (
        "名称含有不可见的文字方向控制字符（U+202E），会使显示的文字与实际内容不符，请删除后重新填写"
    )
    assert text_error("第一\n第二", "主题") == "主题不能换行：请删除其中的回车或换行符"
    assert text_error("a\x00b", "姓名") == "姓名含有不可见的控制字符（U+0000），请删除后重新填写"
    assert text_error("a\tb", "姓名") == "姓名含有不可见的制表符，请删除后重新填写"
    assert text_error(None, "姓名") is None
