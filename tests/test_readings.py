"""Readings of weather and disaster bulletins, agencies, letters and Markdown headings (audio.text), and `explain`.

The bulletin cases are written from the phrasing of the national
hydro-meteorological centre (Trung tâm Dự báo khí tượng thủy văn quốc gia,
NCHMF) as it publishes and as the papers relay it:

- NCHMF, "Tin dự báo gió mạnh, sóng lớn trên biển" (nchmf.gov.vn/kttvsiteE/vi-VN/1/
  tin-du-bao-gio-manh-song-lon-tren-bien-post52288.html): "gió Đông Bắc mạnh cấp 6, có lúc cấp 7,
  giật cấp 8–9", "sóng cao phổ biến 3,0–5,0 m";
- NCHMF, "Tin dự báo mưa dông, lốc xoáy và gió giật mạnh trên biển" (nchmf.gov.vn/kttv/vi-VN/1/
  tin-du-bao-mua-dong-loc-xoay-va-gio-giat-manh-tren-bien-post50071.html): "Sóng cao: 2.0–4.0m";
- VietnamPlus, bão số 10, 28/9/2025 (vietnamplus.vn/bao-so-10-di-chuyen-rat-nhanh-...-post1064483.vnp):
  "vị trí tâm bão ở vào khoảng 16,2 độ Vĩ Bắc; 110,2 độ Kinh Đông ... cấp 12 (118-133km/giờ), giật cấp 15";
- VietnamPlus, áp thấp nhiệt đới 27/8/2025 (vietnamplus.vn/vung-ap-thap-da-manh-len-...-post1058219.vnp):
  "cấp 6 (39-49km/giờ), giật cấp 8 ... tốc độ 10-15km/h";
- Nhân Dân, bão Saudel (nhandan.vn/bao-saudel-giat-den-cap-14-sap-vao-bien-dong-post621160.html):
  "cấp 10-11 (90-115 km/giờ)", "từ kinh tuyến 115,0 đến 120,0 độ kinh đông";
- qn24h.blog "TIN BÃO KHẨN CẤP (Cơn bão số 11)": "tâm bão ở khoảng 21,2°N – 109,5°E";
- Môi trường (moitruong.net.vn/mua-lon-mo-rong-...-65987.html): "lượng mưa phổ biến 100-200mm, có nơi
  trên 250mm", "94.2mm" style station amounts (vietbao.vn/du-bao-mien-trung-...-454610.html);
- Báo Nghệ An (amp.baonghean.vn/thoi-tiet-ngay-2-6-...-244718.html): "lượng mưa phổ biến 20-40mm/12 giờ";
- VTC News, tin lũ khẩn cấp (vtcnews.vn/canh-bao-lu-tren-nhieu-song-o-mien-bac-sap-dat-dinh-ar968752.html):
  "trên báo động (BĐ)3 0,29m", "dưới BĐ3 là 0,19m"; 24hsongxanh.vn: "mức báo động (BĐ) 1- BĐ 2";
- vishipel.com.vn (NCHMF bulletins relayed): "Cấp gió (cấp Bô-pho)".

Each expected reading was checked by reading it aloud as an announcer would.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audio.text import Reading, ReadingOptions, explain, normalize
from tests.cli_support import run
from tests.test_text import ABBREVIATIONS, DATES_AND_TIMES, DOCUMENTS, LAYOUT, NUMBERS, TRICKY

BULLETIN_WORDS = [
    "cấp",
    "8-9",
    "(60-75km/giờ)",
    "16,2°N",
    "-",
    "111,5°E",
    "BĐ2",
    "(BĐ)",
    "3",
    "báo động",
    "2,0–4,0m",
    "mm/12",
    "giờ",
    "(CCHC)",
    "cải",
    "cách",
    "hành",
    "chính",
    "##",
    "**II.**",
    "\n",
    "QĐ-BTTTT",
    "V/v",
    "độ",
    "Vĩ",
    "Bắc",
    "hPa",
    "m/s",
    "giật",
    "trên",
    "150",
    "mm",
]

WEATHER = [
    (
        "Hồi 4 giờ ngày 28/9, vị trí tâm bão ở vào khoảng 16,2 độ Vĩ Bắc; 110,2 độ Kinh Đông",
        "Hồi bốn giờ ngày hai mươi tám tháng chín, vị trí tâm bão ở vào khoảng mười sáu phẩy hai độ vĩ bắc; "
        "một trăm mười phẩy hai độ kinh đông",
    ),
    (
        "16,2°N-111,5°E",
        "Mười sáu phẩy hai độ vĩ bắc, một trăm mười một phẩy năm độ kinh đông",
    ),
    (
        "Hồi 19 giờ, tâm bão ở khoảng 21,2°N – 109,5°E, cách Móng Cái khoảng 190 km",
        "Hồi mười chín giờ, tâm bão ở khoảng hai mươi mốt phẩy hai độ vĩ bắc, một trăm linh chín phẩy năm độ "
        "kinh đông, cách Móng Cái khoảng một trăm chín mươi ki lô mét",
    ),
    ("rãnh áp thấp có trục ở khoảng 3-6°N", "Rãnh áp thấp có trục ở khoảng ba đến sáu độ vĩ bắc"),
    (
        "từ kinh tuyến 115,0 đến 120,0 độ kinh đông",
        "Từ kinh tuyến một trăm mười lăm đến một trăm hai mươi độ kinh đông",
    ),
    (
        "Sức gió mạnh nhất vùng gần tâm bão mạnh cấp 12 (118-133km/giờ), giật cấp 15.",
        "Sức gió mạnh nhất vùng gần tâm bão mạnh cấp mười hai, từ một trăm mười tám đến một trăm ba mươi ba "
        "ki lô mét trên giờ, giật cấp mười lăm.",
    ),
    (
        "mạnh cấp 6 (39-49km/giờ), giật cấp 8. Di chuyển với tốc độ 10-15km/h.",
        "Mạnh cấp sáu, từ ba mươi chín đến bốn mươi chín ki lô mét trên giờ, giật cấp tám. "
        "Di chuyển với tốc độ mười đến mười lăm ki lô mét trên giờ.",
    ),
    (
        "mạnh cấp 10-11 (90-115 km/giờ), giật cấp 13",
        "Mạnh cấp mười đến cấp mười một, từ chín mươi đến một trăm mười lăm ki lô mét trên giờ, giật cấp mười ba",
    ),
    (
        "gió Đông Bắc mạnh cấp 6, có lúc cấp 7, giật cấp 8–9",
        "Gió Đông Bắc mạnh cấp sáu, có lúc cấp bảy, giật cấp tám đến cấp chín",
    ),
    ("giật trên cấp 17", "Giật trên cấp mười bảy"),
    ("Cấp gió (cấp Bô-pho)", "Cấp gió, cấp Bô pho"),
    ("cấp 12 theo thang Beaufort", "Cấp mười hai theo thang bô pho"),
    ("sóng cao phổ biến 3,0–5,0 m", "Sóng cao phổ biến ba đến năm mét"),
    ("Sóng cao: 2.0–4.0m", "Sóng cao: hai đến bốn mét"),
    ("sóng biển cao từ 2 - 4,5m", "Sóng biển cao từ hai đến bốn phẩy năm mét"),
    (
        "lượng mưa phổ biến 100-200mm, có nơi trên 250mm.",
        "Lượng mưa phổ biến một trăm đến hai trăm mi li mét, có nơi trên hai trăm năm mươi mi li mét.",
    ),
    (
        "lượng mưa 50-100mm, có nơi trên 150 mm",
        "Lượng mưa năm mươi đến một trăm mi li mét, có nơi trên một trăm năm mươi mi li mét",
    ),
    (
        "lượng mưa phổ biến 20-40mm/12 giờ, có nơi trên 70mm/24h",
        "Lượng mưa phổ biến hai mươi đến bốn mươi mi li mét trong mười hai giờ, có nơi trên bảy mươi mi li mét "
        "trong hai mươi tư giờ",
    ),
    ("Thần Sa (Thái Nguyên) 94.2mm", "Thần Sa, Thái Nguyên, chín mươi tư phẩy hai mi li mét"),
    ("trên báo động (BĐ)3 0,29m", "Trên báo động ba, không phẩy hai mươi chín mét"),
    (
        "dưới BĐ3 là 0,19m; trên BĐ2 0,03m",
        "Dưới báo động ba là không phẩy mười chín mét; trên báo động hai, không phẩy không ba mét",
    ),
    ("lên mức báo động (BĐ) 1- BĐ 2", "Lên mức báo động một đến báo động hai"),
    ("ở trên mức BĐ 2", "Ở trên mức báo động hai"),
    ("lũ lên mức báo động 2, có nơi trên báo động 3", "Lũ lên mức báo động hai, có nơi trên báo động ba"),
    # a date after "cấp" is not a range of levels
    ("được cấp 10-11/2025", "Được cấp mười tháng mười một năm hai nghìn không trăm hai mươi lăm"),
    ("khí áp trung tâm 985 hPa", "Khí áp trung tâm chín trăm tám mươi lăm héc tô pát xcan"),
    ("gió giật 35 m/s", "Gió giật ba mươi lăm mét trên giây"),
    ("đi vào Biển Đông trở thành ATNĐ", "Đi vào Biển Đông trở thành áp thấp nhiệt đới"),
]

REPEATED = [
    ("công tác cải cách hành chính (CCHC) của xã", "Công tác cải cách hành chính của xã"),
    ("Ủy ban nhân dân (UBND) xã", "Ủy ban nhân dân xã"),
    ("Uỷ ban nhân dân (UBND) xã", "Uỷ ban nhân dân xã"),
    ("thủ tục hành chính (TTHC).", "Thủ tục hành chính."),
    ("đội ngũ cán bộ, công chức (sau đây gọi tắt là CBCC) của xã", "Đội ngũ cán bộ, công chức của xã"),
    ("Hợp tác xã nông nghiệp (HTXNN) Minh Đức", "Hợp tác xã nông nghiệp Minh Đức"),
    (
        "Trung tâm Dự báo khí tượng thủy văn quốc gia (TTDBKTTVQG) cho biết",
        "Trung tâm Dự báo khí tượng thủy văn quốc gia cho biết",
    ),
    ("Ban chỉ đạo (BCĐ) huyện", "Ban chỉ đạo huyện"),
    # not an abbreviation of the words just before: read as written
    ("Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "Chỉ số năng lực cạnh tranh cấp tỉnh, pê xê i"),
    ("Ủy ban nhân dân tỉnh (UBND)", "Ủy ban nhân dân tỉnh, Ủy ban nhân dân"),
    ("gửi kèm báo cáo (PDF)", "Gửi kèm báo cáo, pê đê ép"),
]

AGENCIES = [
    (
        "Quyết định số 1234/QĐ-BTTTT",
        "Quyết định số một nghìn hai trăm ba mươi tư quyết định Bộ Thông tin và Truyền thông",
    ),
    (
        "Thông tư 01/2024/TT-BTTTT",
        "Thông tư một năm hai nghìn không trăm hai mươi tư thông tư Bộ Thông tin và Truyền thông",
    ),
    ("Công văn 55/BYT-KCB", "Công văn năm mươi lăm Bộ Y tế khám chữa bệnh"),
    ("Công văn số 12/BTC-NSNN", "Công văn số mười hai Bộ Tài chính ngân sách nhà nước"),
    (
        "Thông tư 05/2023/TT-BNNPTNT",
        "Thông tư năm năm hai nghìn không trăm hai mươi ba thông tư Bộ Nông nghiệp và Phát triển nông thôn",
    ),
    ("Văn bản số 123/VPCP-KGVX", "Văn bản số một trăm hai mươi ba Văn phòng Chính phủ Khoa giáo Văn xã"),
    ("Công văn 2345/BNV-CCVC", "Công văn hai nghìn ba trăm bốn mươi lăm Bộ Nội vụ xê xê vê xê"),
    ("Quyết định 99/QĐ-BCĐ", "Quyết định chín mươi chín quyết định Ban chỉ đạo"),
    ("theo hướng dẫn của BGDĐT", "Theo hướng dẫn của Bộ Giáo dục và Đào tạo"),
    ("- Như trên (t/h);\n- Sở Y tế (b/c);\n- Lưu: VT.", "Như trên, thực hiện; Sở Y tế, báo cáo; Lưu: văn thư."),
    ("K/g: UBND các xã, thị trấn", "Kính gửi: Ủy ban nhân dân các xã, thị trấn"),
    ("V/v tuyên truyền phòng chống bão", "Về việc tuyên truyền phòng chống bão"),
    ("Ban Chỉ huy PCTT&TKCN huyện", "Ban Chỉ huy phòng chống thiên tai và tìm kiếm cứu nạn huyện"),
]

HEADINGS = [
    ("## **II. NỘI DUNG**", "Hai. Nội dung"),
    ("**III.** TỔ CHỨC THỰC HIỆN", "Ba. Tổ chức thực hiện"),
    ("### IV - KINH PHÍ", "Bốn. Kinh phí"),
    ("IV - KINH PHÍ", "Bốn. Kinh phí"),
    ("# I. MỤC ĐÍCH, YÊU CẦU", "Một. Mục đích, yêu cầu"),
    ("**1.** Mục đích", "Một. Mục đích"),
    ("#ChungTay phòng chống dịch", "ChungTay phòng chống dịch"),
    ("*Lưu ý*: mang theo CCCD", "Lưu ý: mang theo căn cước công dân"),
    (
        "## KẾ HOẠCH\nTuyên truyền phòng chống thiên tai\n## **I. MỤC ĐÍCH**\nNâng cao nhận thức",
        "Kế hoạch. Tuyên truyền phòng chống thiên tai. Một. Mục đích. Nâng cao nhận thức",
    ),
]


@pytest.mark.parametrize(("text", "expected"), WEATHER)
def test_weather_bulletins(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_weather_bulletins_in_the_south() -> None:
    spoken = normalize("tâm bão ở khoảng 14,5°N-114,0°E, mạnh cấp 14-15", ReadingOptions(dialect="south"))
    assert (
        spoken == "Tâm bão ở khoảng mười bốn phẩy năm độ vĩ bắc, một trăm mười bốn độ kinh đông, "
        "mạnh cấp mười bốn đến cấp mười lăm"
    )


@pytest.mark.parametrize(("text", "expected"), REPEATED)
def test_an_abbreviation_after_its_expansion_is_not_read_twice(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), AGENCIES)
def test_agencies_and_letter_shorthand(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), HEADINGS)
def test_roman_headings_inside_markdown(text: str, expected: str) -> None:
    assert normalize(text) == expected


# ---- explain ---------------------------------------------------------------------------------

TABLE = WEATHER + REPEATED + AGENCIES + HEADINGS + ABBREVIATIONS + DOCUMENTS + NUMBERS + DATES_AND_TIMES + LAYOUT


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_explain_gives_the_same_reading_as_normalize(text: str, expected: str) -> None:
    assert explain(text).spoken == normalize(text) == expected


def test_explain_names_the_rule_of_each_part() -> None:
    readings = explain("Quyết định số 104/QĐ-BTTTT: cải cách hành chính (CCHC), liên hệ VNPT lúc 7h30.").readings
    assert (
        Reading(
            written="104/QĐ-BTTTT",
            spoken="một trăm linh bốn quyết định Bộ Thông tin và Truyền thông",
            rule="document",
        )
        in readings
    )
    assert Reading(written="CCHC", spoken="", rule="repeated") in readings
    assert Reading(written="VNPT", spoken="vê en pê tê", rule="spelled") in readings
    assert Reading(written="7h30", spoken="bảy giờ ba mươi", rule="time") in readings


def test_explain_tells_the_station_table_from_the_built_in_one() -> None:
    options = ReadingOptions(abbreviations={"ĐVTN": "đoàn viên thanh niên"}, pronunciations={"Kông": "Công"})
    readings = explain("ĐVTN và UBND xã Ia Kông, MỤC TIÊU", options).readings
    rules = {(r.written, r.rule) for r in readings}
    assert ("ĐVTN", "station_abbreviation") in rules
    assert ("UBND", "abbreviation") in rules
    assert ("Kông", "pronunciation") in rules
    assert ("MỤC TIÊU", "capitals") in rules


def test_explain_lists_nothing_for_plain_words() -> None:
    explanation = explain("người dân tham gia đầy đủ")
    assert explanation.spoken == "Người dân tham gia đầy đủ"
    assert explanation.readings == ()
    assert explain(None).spoken == ""  # type: ignore[arg-type]


def test_loa_normalize_explain_shows_each_rule_and_where_to_add_an_entry(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOA_CONFIG", raising=False)
    (tmp_path / "config.toml").write_text('[speech.abbreviations]\n"ĐVTN" = "đoàn viên thanh niên"\n', encoding="utf-8")
    code, out, err = run(capsys, "--lang", "en", "normalize", "--explain", "ĐVTN xã, liên hệ VNPT (CCHC)")
    assert code == 0, err
    first, *table = out.splitlines()
    assert first == "Đoàn viên thanh niên xã, liên hệ vê en pê tê, cải cách hành chính"
    assert any(
        line.split()
        == ["ĐVTN", "→", "đoàn", "viên", "thanh", "niên", "[station", "abbreviation", "[speech.abbreviations]]"]
        for line in table
    ), out
    assert any("VNPT" in line and "vê en pê tê" in line and "spelled letter by letter" in line for line in table)
    assert "[speech.abbreviations]" in table[-1] and "config.toml" in table[-1]


def test_loa_normalize_without_explain_prints_only_the_reading(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOA_CONFIG", raising=False)
    code, out, err = run(capsys, "normalize", "## **II. NỘI DUNG**")
    assert code == 0, err
    assert out == "Hai. Nội dung\n"


def test_explain_tells_a_cut_acronym_from_a_spelled_one() -> None:
    rules = {(r.written, r.rule) for r in explain("theo NQCP, gặp VNPT và H5N1").readings}
    assert rules >= {("NQCP", "abbreviation"), ("VNPT", "spelled"), ("H5N1", "spelled")}


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=120), TRICKY, st.lists(st.sampled_from(BULLETIN_WORDS), max_size=25).map(" ".join)))
def test_explain_is_a_pure_trace_of_normalize(text: str) -> None:
    explanation = explain(text)
    assert explanation.spoken == normalize(text)
    assert not any("0" <= ch <= "9" for ch in explanation.spoken)
    assert all(reading.rule and (reading.written or reading.spoken) for reading in explanation.readings)
