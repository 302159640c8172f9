"""Tests of the plan parser: the real plans, their variants, tricky shapes, errors and fuzzing."""

from __future__ import annotations

import json
import unicodedata
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.errors import PlanError
from scheduler.messages import render
from scheduler.plans import parse as plans
from scheduler.plans.parse import CHANNEL_KINDS, LOOKED_FOR, ParsedItem, ParsedPlan, import_json, parse_plan
from tests.plan_fixtures import (
    EXPECTED,
    HAI_PHONG,
    HOANG_MAI,
    MINH_DUC,
    REAL_PLANS,
    outline,
    real_plan,
    to_markdown,
)


def _summary(plan: ParsedPlan) -> tuple[object, ...]:
    """Return everything a parsed plan says, for comparing two readings of one document."""
    return plan.title, plan.year, plan.issuer, plan.channels, plan.items


def _plan(body: str, *, head: str = "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2026\n\n") -> ParsedPlan:
    """Parse a small plan made of a title and the given body."""
    return parse_plan(head + body)


def test_public_names() -> None:
    assert set(plans.__all__) == {
        "CHANNEL_KINDS",
        "LOOKED_FOR",
        "ParsedItem",
        "ParsedPlan",
        "import_json",
        "parse_plan",
        "plan_fingerprint",
    }


# -- the real plans ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_PLANS)
def test_real_plan_is_read_as_a_person_reads_it(name: str) -> None:
    expected = EXPECTED[name]
    plan = parse_plan(real_plan(name), source=name)

    assert plan.title == expected["title"]
    assert plan.year == expected["year"]
    assert plan.issuer == expected["issuer"]
    assert plan.channels == expected["channels"]
    assert outline(plan.items) == expected["outline"]
    texts = {item.ref: item.text for item in plan.items}
    for ref, text in expected["texts"].items():  # type: ignore[attr-defined]
        assert texts[ref] == text, ref
    for ref, pieces in expected.get("contains", {}).items():  # type: ignore[attr-defined]
        for piece in pieces:
            assert piece in texts[ref], (ref, piece)


@pytest.mark.parametrize("name", REAL_PLANS)
def test_real_plan_texts_are_clean(name: str) -> None:
    for item in parse_plan(real_plan(name)).items:
        assert item.text == item.text.strip()
        assert "  " not in item.text and "\n" not in item.text and "\u00a0" not in item.text
        assert "**" not in item.text and "#" not in item.text
        assert unicodedata.is_normalized("NFC", item.text)
        assert item.text[0].isupper(), item


def test_hoang_mai_item_wrapped_over_a_blank_line_is_whole() -> None:
    texts = {item.ref: item.text for item in parse_plan(real_plan(HOANG_MAI)).items}
    assert "cán bộ, công chức, viên chức trong thực thi công vụ" in texts["6.5"]
    assert texts["6.8"].startswith("Việc triển khai thực hiện Đề án “Phát triển ứng dụng dữ liệu về dân cư")


def test_minh_duc_activities_after_the_forms_are_not_items() -> None:
    texts = " ".join(item.text for item in parse_plan(real_plan(MINH_DUC)).items)
    assert "Cơ quan chủ trì" not in texts and "Facebook" not in texts and "Hình thức" not in texts


def test_hai_phong_has_d_stroke_between_d_and_e() -> None:
    labels = [item.label for item in parse_plan(real_plan(HAI_PHONG)).items if item.parent is None]
    assert labels[3:6] == ["d)", "đ)", "e)"]


# -- the same plans in other clothes ----------------------------------------------------------------


def _with_noise(text: str, name: str) -> str:
    """Insert page numbers and a repeated letterhead in the middle of wrapped content items."""
    furniture = {
        HOANG_MAI: "\n\n- 2 -\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nĐộc lập - Tự do - Hạnh phúc\n\n",
        MINH_DUC: "\n3\nỦY BAN NHÂN DÂN\nXÃ MINH ĐỨC\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: /KH-UBND Minh Đức, ngày tháng năm 2023\n",
        HAI_PHONG: "\n\nTrang 2/4\n\n",
    }[name]
    cut = {
        HOANG_MAI: "đạo đức của cán bộ, công\n",
        MINH_DUC: "phát triển kinh tế - xã hội của tỉnh; tuyên\n",
        HAI_PHONG: "nâng cao năng lực cạnh tranh,\n",
    }[name]
    marker = {HOANG_MAI: "+ Các quy định về quyền", MINH_DUC: "- Tuyên truyền, phổ biến sâu rộng", HAI_PHONG: "d) Tầm"}[
        name
    ]
    at = text.index(cut, text.index(marker)) + len(cut)
    return text[:at].rstrip("\n") + furniture + text[at:]


def _odd_spacing(text: str) -> str:
    """Scatter non-breaking spaces, tabs, runs of spaces and trailing blanks over a text."""
    out = []
    for n, line in enumerate(text.split("\n")):
        words = line.split(" ")
        line = "".join(
            word + ("\u00a0" if i % 3 == 1 else "  \t " if i % 5 == 2 else " ") for i, word in enumerate(words)
        )
        out.append(("   " if n % 4 == 0 else "") + line.rstrip(" ") + (" \t" if n % 2 else ""))
    return "\n".join(out)


VARIANTS = {
    "markdown": lambda text, name: to_markdown(text),
    "crlf": lambda text, name: text.replace("\n", "\r\n"),
    "old mac cr": lambda text, name: text.replace("\n", "\r"),
    "nfd": lambda text, name: unicodedata.normalize("NFD", text),
    "odd spacing": lambda text, name: _odd_spacing(text),
    "page numbers and letterhead mid-text": _with_noise,
    "hoà spelling": lambda text, name: text.replace("CỘNG HÒA", "CỘNG HOÀ").replace("CỘNG HOÀ", "CỘNG HÒA"),
    "bom and zero-width": lambda text, name: "\ufeff" + text.replace("cải cách", "cải\u200b cách", 3),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", REAL_PLANS)
def test_variants_read_the_same(name: str, variant: str) -> None:
    text = real_plan(name)
    assert _summary(parse_plan(VARIANTS[variant](text, name))) == _summary(parse_plan(text))


def test_markdown_variant_really_has_marks() -> None:
    markdown = to_markdown(real_plan(MINH_DUC))
    assert "## II. NỘI DUNG" in markdown and "### 1\\. Nội dung" in markdown and "- **Các**" in markdown
    assert markdown.startswith("| **ỦY BAN NHÂN DÂN<br>XÃ MINH ĐỨC<br>Số:")


def test_noise_variant_really_has_noise() -> None:
    noisy = _with_noise(real_plan(MINH_DUC), MINH_DUC)
    assert "tuyên\n3\nỦY BAN NHÂN DÂN\nXÃ MINH ĐỨC\n" in noisy


# -- the sample plan that ships with Loa ------------------------------------------------------------


def test_sample_plan() -> None:
    text = (files("scheduler") / "data" / "sample_plan.txt").read_text(encoding="utf-8")
    plan = parse_plan(text, source="sample_plan.txt")
    assert plan.title == "Tuyên truyền cải cách hành chính năm 2026"
    assert plan.year == 2026
    assert plan.issuer == "Ủy ban nhân dân xã An Phú"
    assert plan.channels == ("radio", "facebook", "zalo")
    assert outline(plan.items) == [
        ("1", None, "-"),
        ("2", None, "-"),
        ("3", None, "-"),
        ("3.1", "3", "+"),
        ("3.2", "3", "+"),
        ("3.3", "3", "+"),
        ("4", None, "-"),
        ("5", None, "-"),
        ("6", None, "-"),
        ("7", None, "-"),
    ]
    assert (
        plan.items[3].text
        == "Cách đăng ký tài khoản trên Cổng Dịch vụ công quốc gia bằng tài khoản định danh điện tử VNeID."
    )
    assert all(item.text.endswith((".", ":")) and len(item.text) < 200 for item in plan.items)


# -- the JSON contract ------------------------------------------------------------------------------


def test_import_json_contract() -> None:
    data = import_json(parse_plan(real_plan(HAI_PHONG)))
    assert list(data) == ["title", "year", "issuer", "channels", "items"]
    assert data["channels"] == ["portal", "led", "email"]
    assert data["items"][:2] == [
        {"ref": "1", "parent": None, "label": "a)", "text": EXPECTED[HAI_PHONG]["texts"]["1"]},  # type: ignore[index]
        {"ref": "1.1", "parent": "1", "label": "-", "text": data["items"][1]["text"]},
    ]
    assert all(list(item) == ["ref", "parent", "label", "text"] for item in data["items"])
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_import_json_of_a_plan_without_year_or_issuer() -> None:
    plan = ParsedPlan(
        title="", year=None, issuer=None, channels=(), items=(ParsedItem(ref="1", parent=None, label=None, text="A."),)
    )
    assert import_json(plan) == {
        "title": "",
        "year": None,
        "issuer": None,
        "channels": [],
        "items": [{"ref": "1", "parent": None, "label": None, "text": "A."}],
    }


# -- shapes of content sections ---------------------------------------------------------------------


def test_numbered_items_under_a_roman_content_heading() -> None:
    plan = _plan(
        "II. NỘI DUNG TUYÊN TRUYỀN\n"
        "1. Tuyên truyền về cải cách thể chế.\n"
        "- Luật Đất đai năm 2024;\n"
        "- Luật Cư trú.\n"
        "2. Tuyên truyền về chuyển đổi số.\n"
        "3. Hình thức tuyên truyền\n"
        "- Trên loa truyền thanh của xã.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "- Gửi thư điện tử cho các thôn.\n"
    )
    assert outline(plan.items) == [("1", None, "1."), ("1.1", "1", "-"), ("1.2", "1", "-"), ("2", None, "2.")]
    assert plan.items[2].text == "Luật Cư trú."
    assert plan.channels == ("radio",)


def test_content_subsection_ends_at_the_next_numbered_subsection() -> None:
    plan = _plan("II. NỘI DUNG VÀ HÌNH THỨC\n1. Nội dung\n- Thứ nhất.\n- Thứ hai.\n2. Thời gian thực hiện\n- Cả năm.\n")
    assert [item.text for item in plan.items] == ["Thứ nhất.", "Thứ hai."]


def test_dotted_numbers_nest() -> None:
    plan = _plan(
        "Nội dung tuyên truyền:\n1. Cải cách thể chế:\n1.1. Luật mới.\n1.2. Nghị định mới.\n2. Chuyển đổi số.\n"
    )
    assert outline(plan.items) == [("1", None, "1."), ("1.1", "1", "1.1."), ("1.2", "1", "1.2."), ("2", None, "2.")]


def test_wrapped_line_that_starts_with_a_dash_is_not_an_item() -> None:
    plan = _plan("1. Nội dung\n- Phát triển kinh tế\n- xã hội của xã;\n- Chuyển đổi số.\n")
    assert [item.text for item in plan.items] == ["Phát triển kinh tế - xã hội của xã;", "Chuyển đổi số."]


def test_paragraphs_without_markers_become_items() -> None:
    plan = _plan(
        "1. Nội dung tuyên truyền\n\nCải cách thủ tục hành chính.\n\n"
        "Chuyển đổi số, chính quyền\n\nsố.\n\n2. Hình thức\n"
    )
    assert outline(plan.items) == [("1", None, None), ("2", None, None)]
    assert plan.items[1].text == "Chuyển đổi số, chính quyền số."


def test_paragraph_after_a_colon_is_a_child() -> None:
    plan = _plan(
        "1. Nội dung\n\n- Các nội dung sau:\n\nCải cách thể chế.\n\nCải cách tài chính công.\n\n- Chuyển đổi số.\n"
    )
    assert outline(plan.items) == [("1", None, "-"), ("1.1", "1", None), ("1.2", "1", None), ("2", None, "-")]


def test_markdown_bullets_nest_by_indentation() -> None:
    plan = _plan(
        "## 1. Nội dung\n\n* Cải cách hành chính:\n    * Thủ tục *một cửa*.\n"
        "    * [Dịch vụ công](https://dichvucong.gov.vn).\n* Chuyển đổi số.\n"
    )
    assert outline(plan.items) == [("1", None, "-"), ("1.1", "1", "-"), ("1.2", "1", "-"), ("2", None, "-")]
    assert [item.text for item in plan.items[1:3]] == ["Thủ tục một cửa.", "Dịch vụ công."]


def test_markdown_list_around_a_written_marker_keeps_the_written_one() -> None:
    plan = _plan("**1. Nội dung tuyên truyền**\n\n- a) Cải cách thể chế:\n  - + Luật mới;\n- b) Chuyển đổi số.\n")
    assert outline(plan.items) == [("1", None, "a)"), ("1.1", "1", "+"), ("2", None, "b)")]


def test_other_bullets_and_parenthesized_markers() -> None:
    plan = _plan("1. Nội dung\n• Thứ nhất:\n(1) Ý một;\n(2) Ý hai.\n• Thứ hai.\n")
    assert outline(plan.items) == [("1", None, "•"), ("1.1", "1", "(1)"), ("1.2", "1", "(2)"), ("2", None, "•")]


def test_empty_markers_take_the_next_line() -> None:
    plan = _plan("1. Nội dung\n-\nCải cách thể chế.\n-\n\nChuyển đổi số.\n")
    assert [(item.label, item.text) for item in plan.items] == [("-", "Cải cách thể chế."), ("-", "Chuyển đổi số.")]


def test_wrapped_lines_that_look_like_headings_stay_in_their_item() -> None:
    plan = _plan(
        "1. Nội dung\n"
        "- Nâng cao các chỉ số cải cách hành chính\n"
        "PAR INDEX, PAPI, SIPAS\n"
        "của tỉnh. Nhiệm vụ của cán bộ, công chức trong năm 2026 là phục vụ Nhân dân\n"
        "Thời gian làm việc theo quy định.\n"
        "- Chuyển đổi số.\n"
    )
    assert [item.text for item in plan.items] == [
        "Nâng cao các chỉ số cải cách hành chính PAR INDEX, PAPI, SIPAS của tỉnh. Nhiệm vụ của cán bộ, công chức "
        "trong năm 2026 là phục vụ Nhân dân Thời gian làm việc theo quy định.",
        "Chuyển đổi số.",
    ]


def test_capital_headings_nested_in_a_capital_part() -> None:
    plan = _plan("II. NỘI DUNG\n1. NỘI DUNG TUYÊN TRUYỀN\n- Một cửa.\n2. HÌNH THỨC\n- Zalo.\nB. Tổ chức\n")
    assert [item.text for item in plan.items] == ["Một cửa."]
    assert plan.channels == ("zalo",)


def test_lettered_capital_part_ends_the_content() -> None:
    plan = _plan("A. NỘI DUNG\n- Một cửa.\nB. Hình thức\n- Facebook của xã.\n")
    assert [item.text for item in plan.items] == ["Một cửa."]
    assert plan.channels == ("facebook",)


def test_word_symbol_bullets_from_pdf_text() -> None:
    plan = _plan("1. Nội dung\n\uf0b7 Một cửa;\n\uf0a7 Tiếp nhận hồ sơ.\n\uf0b7 Chuyển đổi số.\n")
    assert outline(plan.items) == [("1", None, "•"), ("1.1", "1", "•"), ("2", None, "•")]


def test_only_letterhead_lines_are_dropped_from_the_body() -> None:
    plan = _plan(
        "1. Nội dung\n"
        "- Nghị quyết số 76/NQ-CP của Chính phủ, ngày 15 tháng 7 năm 2021\n"
        "Số: 15/KH-UBND\n"
        "An Phú, ngày 02 tháng 01 năm 2026\n"
        "về cải cách hành chính;\n"
        "- Chuyển đổi số.\n"
    )
    assert plan.items[0].text == (
        "Nghị quyết số 76/NQ-CP của Chính phủ, ngày 15 tháng 7 năm 2021 về cải cách hành chính;"
    )


def test_title_on_the_same_line_and_year_from_the_date_line() -> None:
    plan = parse_plan(
        "UBND XÃ AN PHÚ\nAn Phú, ngày 02 tháng 01 năm 2026\nKẾ HOẠCH TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH\n"
        "Thực hiện chỉ đạo của huyện.\nI. NỘI DUNG TUYÊN TRUYỀN\n- Một cửa.\n"
    )
    assert plan.title == "TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH"
    assert plan.year == 2026
    assert plan.issuer == "UBND xã An Phú"


def test_plan_without_title_or_year() -> None:
    plan = parse_plan("Nội dung tuyên truyền\n- Một cửa liên thông.\n")
    assert (plan.title, plan.year, plan.issuer) == ("", None, None)
    assert [item.text for item in plan.items] == ["Một cửa liên thông."]


@pytest.mark.parametrize(
    ("letterhead", "issuer"),
    [
        ("UBND HUYỆN HỚN QUẢN\nỦY BAN NHÂN DÂN\nXÃ MINH ĐỨC", "Ủy ban nhân dân xã Minh Đức"),
        ("UBND TỈNH HẢI PHÒNG\nSỞ KẾ HOẠCH VÀ ĐẦU TƯ", "Sở Kế hoạch và Đầu tư"),
        ("UỶ BAN NHÂN DÂN\nTHỊ TRẤN TÂN KHAI", "Uỷ ban nhân dân thị trấn Tân Khai"),
        ("PHÒNG VĂN HÓA - XÃ HỘI\nHUYỆN ĐỒNG PHÚ", "Phòng Văn hóa - Xã hội huyện Đồng Phú"),
        (
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nPHƯỜNG 5 Độc lập - Tự do - Hạnh phúc",
            "Ủy ban nhân dân phường 5",
        ),
        ("UBND xã An Phú\nSố: 12/KH-UBND", "UBND xã An Phú"),
        ("Số: 12/KH-UBND\nAn Phú, ngày 02 tháng 01 năm 2026", None),
    ],
)
def test_issuer_from_the_letterhead(letterhead: str, issuer: str | None) -> None:
    assert _plan("1. Nội dung\n- Một cửa.\n", head=letterhead + "\nKẾ HOẠCH\nTuyên truyền năm 2026\n").issuer == issuer


def test_issuer_from_the_issuing_sentence() -> None:
    head = (
        "KẾ HOẠCH\nTuyên truyền năm 2026\nThực hiện chỉ đạo của UBND huyện; Phòng Tư pháp xây dựng Kế hoạch như sau:\n"
    )
    assert _plan("1. Nội dung\n- Một cửa.\n", head=head).issuer == "Phòng Tư pháp"


@pytest.mark.parametrize(
    ("phrase", "kinds"),
    [
        ("Phát trên loa truyền thanh các thôn", ("radio",)),
        ("Đài Truyền thanh xã và hệ thống truyền thanh thông minh", ("radio",)),
        ("Đăng trên Fanpage của xã", ("facebook",)),
        ("Trang Facebook Bản tin xã, nhóm Zalo các ấp", ("facebook", "zalo")),
        ("Cổng/trang thông tin điện tử của phường và website của huyện", ("portal",)),
        ("Màn hình LED tại trụ sở", ("led",)),
        ("Gửi email và thư điện tử", ("email",)),
        ("Pano, áp phích, băng rôn, tờ rơi, báo chí, Báo Bình Phước", ("print",)),
        ("Tổ chức hội nghị, báo cáo kết quả", ()),
    ],
)
def test_channel_kinds_from_the_forms_part(phrase: str, kinds: tuple[str, ...]) -> None:
    plan = _plan(f"II. NỘI DUNG, HÌNH THỨC\n1. Nội dung\n- Một cửa.\n2. Hình thức tuyên truyền\n- {phrase}.\n")
    assert plan.channels == kinds


def test_channels_come_only_from_the_forms_part_when_there_is_one() -> None:
    plan = _plan(
        "II. NỘI DUNG\n1. Nội dung\n- Cung cấp địa chỉ thư điện tử, Zalo của xã.\n2. Hình thức\n- Loa truyền thanh.\n"
        "III. TỔ CHỨC THỰC HIỆN\n- Đăng trên Facebook.\n"
    )
    assert plan.channels == ("radio",)


# -- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "Biên bản họp thôn Phú Lợi.\n- Có 30 hộ dự họp.\n", "Hello world\n1. first\n2. second\n"],
)
def test_not_a_plan(text: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, source="ghi-chu.txt")
    assert caught.value.code == "plan_not_a_plan"
    assert caught.value.params == {"path": "ghi-chu.txt"}


def test_plan_without_content_section() -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan("KẾ HOẠCH\nTổ chức Tết Trung thu năm 2026\nI. MỤC ĐÍCH\n- Vui chơi.\n", source="trung-thu.docx")
    assert caught.value.code == "plan_no_content"
    assert caught.value.params == {"path": "trung-thu.docx", "looked_for": LOOKED_FOR}


def test_plan_with_an_empty_content_section() -> None:
    with pytest.raises(PlanError) as caught:
        _plan("II. NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN\n1. Nội dung tuyên truyền\n2. Hình thức tuyên truyền\n- Loa.\n")
    assert caught.value.code == "plan_no_items"
    assert caught.value.params == {"path": "<text>", "section": "1. Nội dung tuyên truyền"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_error_messages_render(lang: str) -> None:
    for text in ["", "KẾ HOẠCH\nX\n", "KẾ HOẠCH\nX\nNội dung\n"]:
        with pytest.raises(PlanError) as caught:
            parse_plan(text, source="a.txt")
        message = render(caught.value, lang)
        assert "a.txt" in message and "{" not in message


# -- never anything but a plan or a PlanError -------------------------------------------------------

_PLAN_WORDS = st.sampled_from(
    [
        "KẾ HOẠCH",
        "Nội dung tuyên truyền",
        "1. Nội dung",
        "II. NỘI DUNG, HÌNH THỨC",
        "III. TỔ CHỨC THỰC HIỆN",
        "- ",
        "+ ",
        "a) ",
        "đ) ",
        "1.1. ",
        "**",
        "## ",
        "> ",
        "* ",
        "|",
        "\\",
        ":",
        ";",
        ".",
        "\n",
        "\n\n",
        " ",
        "Hình thức",
        "loa truyền thanh",
        "Zalo",
        "ỦY BAN NHÂN DÂN",
        "XÃ AN PHÚ",
        "năm 2026",
        "Số: 1/KH",
        "ngày",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Nơi nhận",
        "x",
        "Tuyên truyền",
        "\u00a0",
        "\r",
        "\t",
        "2",
        "(1)",
    ]
)


def _parses_or_plan_error(text: str) -> None:
    """Assert that parsing gives a well-formed plan or a PlanError, and nothing else."""
    try:
        plan = parse_plan(text)
    except PlanError as exc:
        assert exc.code in {"plan_not_a_plan", "plan_no_content", "plan_no_items"}
        return
    refs = {item.ref for item in plan.items}
    assert plan.items and len(refs) == len(plan.items)
    assert all(item.parent is None or item.parent in refs for item in plan.items)
    assert set(plan.channels) <= set(CHANNEL_KINDS)
    json.dumps(import_json(plan))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_random_text_never_crashes(text: str) -> None:
    _parses_or_plan_error(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PLAN_WORDS, max_size=60).map("".join))
def test_random_plan_like_text_never_crashes(text: str) -> None:
    _parses_or_plan_error(text)


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "duplicate", "swap", "garble"]),
        st.integers(min_value=0, max_value=10_000),
        st.text(max_size=30),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(REAL_PLANS), edits=_EDITS)
def test_mutated_real_plans_never_crash(name: str, edits: list[tuple[str, int, str]]) -> None:
    lines = real_plan(name).split("\n")
    for action, position, noise in edits:
        at = position % len(lines) if lines else 0
        if action == "delete" and lines:
            del lines[at]
        elif action == "insert":
            lines.insert(at, noise)
        elif action == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif action == "swap" and len(lines) > 1:
            lines[at], lines[at - 1] = lines[at - 1], lines[at]
        elif action == "garble" and lines:
            cut = position % (len(lines[at]) + 1)
            lines[at] = lines[at][:cut] + noise + lines[at][cut:]
    _parses_or_plan_error("\n".join(lines))


@pytest.mark.parametrize(
    "text",
    [
        "KẾ HOẠCH\nNội dung\n" + "- " * 20_000,
        "KẾ HOẠCH\nNội dung\n" + "- " * 20_000 + "Việc.\n" + "+ a) " * 10_000 + "Ý.",
        "KẾ HOẠCH\nNội dung\n" + "*a" * 20_000 + "\n" + "_b" * 20_000,
        "KẾ HOẠCH\nNội dung\n" + "|" * 20_000 + "\n" + "[" * 10_000 + "](" * 10_000,
        "KẾ HOẠCH\nNội dung\n" + "- Ý:\n\nđoạn:\n\n" * 3_000,
        "KẾ HOẠCH\nNội dung\n" + "".join(f"{'+-•'[n % 3]} Ý {n}.\n" for n in range(6_000)),
        "KẾ HOẠCH\nNội dung\n- " + "CỘNG HÒA " * 5_000 + "\n" + "ỦY BAN NHÂN DÂN " * 5_000,
    ],
)
def test_large_hostile_inputs_finish(text: str) -> None:
    _parses_or_plan_error(text)
