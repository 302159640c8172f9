"""Text normalization: what a Vietnamese announcer says for what the bulletin writes (audio.text)."""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import audio.text
from audio.text import (
    MAX_SENTENCE,
    ReadingOptions,
    is_speakable,
    normalize,
    split_sentences,
)

Y2023 = "hai nghìn không trăm hai mươi ba"
Y2024 = "hai nghìn không trăm hai mươi tư"
Y2025 = "hai nghìn không trăm hai mươi lăm"

ABBREVIATIONS = [
    ("UBND xã Minh Đức", "Ủy ban nhân dân xã Minh Đức"),
    ("HĐND huyện", "Hội đồng nhân dân huyện"),
    ("công tác CCHC của xã", "Công tác cải cách hành chính của xã"),
    ("kiểm soát TTHC", "Kiểm soát thủ tục hành chính"),
    ("Ủy ban MTTQ xã", "Ủy ban Mặt trận Tổ quốc xã"),
    ("nhóm Zalo BCĐ.", "Nhóm da lô Ban chỉ đạo."),
    ("Phòng VH-XH", "Phòng văn hóa xã hội"),
    ("ứng dụng CNTT vào giải quyết", "Ứng dụng công nghệ thông tin vào giải quyết"),
    ("Chỉ số cải cách hành chính (PAR INDEX)", "Chỉ số cải cách hành chính, pa in đéc"),
    (
        "Chỉ số cải cách hành chính (Par index), Chỉ số hài lòng",
        "Chỉ số cải cách hành chính, pa in đéc, Chỉ số hài lòng",
    ),
    (
        "nhà nước (Sipas); Chỉ số hiệu quả quản trị hành chính công (Papi)",
        "Nhà nước, xi pát; Chỉ số hiệu quả quản trị hành chính công, pa pi",
    ),
    ("Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "Chỉ số năng lực cạnh tranh cấp tỉnh, pê xê i"),
    ("Chỉ số chuyển đổi số cấp tỉnh (DTI).", "Chỉ số chuyển đổi số cấp tỉnh, đê tê i."),
    ("tình hình KT-XH", "Tình hình kinh tế xã hội"),
    ("bảo đảm ATTP", "Bảo đảm an toàn thực phẩm"),
    ("thẻ BHYT, sổ BHXH", "Thẻ bảo hiểm y tế, sổ bảo hiểm xã hội"),
    ("làm CCCD gắn chip", "Làm căn cước công dân gắn chip"),
    ("kết nối CSDL quốc gia về dân cư", "Kết nối cơ sở dữ liệu quốc gia về dân cư"),
    ("sử dụng DVC trực tuyến", "Sử dụng dịch vụ công trực tuyến"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("CT, các PCT UBND phường", "Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân phường"),
    ("Lưu: VT, VHXH.", "Lưu: văn thư, văn hóa xã hội."),
    ("TM. ỦY BAN NHÂN DÂN", "Thay mặt ủy ban nhân dân"),
    ("KT. CHỦ TỊCH", "Ký thay chủ tịch"),
    ("Văn phòng HĐND và UBND xã", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã"),
    ("GD, các PGD Sở", "Giám đốc, các Phó Giám đốc Sở"),
    ("Phụ trách VH&TT", "Phụ trách văn hóa và thông tin"),
    ("TT Đảng ủy-TT HĐND xã", "Thường trực Đảng ủy thường trực Hội đồng nhân dân xã"),
    ("Phòng VH-TT huyện (b/c)", "Phòng văn hóa thông tin huyện, báo cáo"),
    ("Trung tâm PVHCC phường", "Trung tâm Phục vụ hành chính công phường"),
    ("Tp. Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
    ("TP.HCM", "Thành phố Hồ Chí Minh"),
    ("hệ thống VNPT - Ioffice", "Hệ thống vê en pê tê, Ioffice"),
    ("Lưu: VT, VP (P.Q.N).", "Lưu: văn thư, văn phòng, pê quy en."),
    ("hồ sơ HTX", "Hồ sơ hợp tác xã"),
    ("tuyến QL13", "Tuyến quốc lộ mười ba"),
    ("dịch COVID-19", "Dịch cô vít mười chín"),
    ("virus H5N1", "Virus hát năm en một"),
    ("Bản tin ngày hôm nay", "Bản tin ngày hôm nay"),
    ("Kế hoạch và kh", "Kế hoạch và kh"),
    ("khẩu hiệu I love Hà Nội", "Khẩu hiệu I love Hà Nội"),
    ("chữ A in hoa", "Chữ A in hoa"),
]

DOCUMENTS = [
    (
        "Quyết định số 104/QĐ-UBND ngày 30/7/2025",
        f"Quyết định số một trăm linh bốn quyết định Ủy ban nhân dân ngày ba mươi tháng bảy năm {Y2025}",
    ),
    (
        "Nghị quyết số 19-NQ/TW ngày 25/10/2017",
        "Nghị quyết số mười chín nghị quyết Trung ương ngày hai mươi lăm tháng mười năm hai nghìn không trăm mười bảy",
    ),
    ("Nghị quyết số 35/2023/UBTVQH15", f"Nghị quyết số ba mươi lăm năm {Y2023} Ủy ban Thường vụ Quốc hội mười lăm"),
    (
        "Chỉ thị số 23/CT-TTg ngày 02/9/2021",
        "Chỉ thị số hai mươi ba chỉ thị Thủ tướng Chính phủ ngày hai tháng chín năm hai nghìn không trăm hai mươi mốt",
    ),
    ("Chỉ thị số 23/CTTTg", "Chỉ thị số hai mươi ba chỉ thị Thủ tướng Chính phủ"),
    ("Nghị quyết số 76/NQCP", "Nghị quyết số bảy mươi sáu nghị quyết Chính phủ"),
    (
        "Kế hoạch số  99KH-UBND ngày  24/3/2023",
        f"Kế hoạch số chín mươi chín kế hoạch Ủy ban nhân dân ngày hai mươi tư tháng ba năm {Y2023}",
    ),
    (
        "Quyết định số  09/QĐ-UBND ngày  13/01/2023",
        f"Quyết định số chín quyết định Ủy ban nhân dân ngày mười ba tháng một năm {Y2023}",
    ),
    ("Số: 18 /KH-KHĐT", "Số: mười tám kế hoạch Kế hoạch và Đầu tư"),
    ("Số:       /KH-UBND", "Số: kế hoạch Ủy ban nhân dân"),
    ("Chương trình hành động số 49-CTr/TU", "Chương trình hành động số bốn mươi chín chương trình Tỉnh ủy"),
    ("Nghị định số 10/2023/NĐ-CP", f"Nghị định số mười năm {Y2023} nghị định Chính phủ"),
    ("Thông tư 01/2024/TT-BNV", f"Thông tư một năm {Y2024} thông tư Bộ Nội vụ"),
    ("Quyết định 2398/QĐ-UBND", "Quyết định hai nghìn ba trăm chín mươi tám quyết định Ủy ban nhân dân"),
    ("Nghị định 100/2019", "Nghị định một trăm năm hai nghìn không trăm mười chín"),
    (
        "theo tiêu chuẩn TCVN ISO 9001:2015",
        "Theo tiêu chuẩn tê xê vê en i sô chín nghìn không trăm linh một năm hai nghìn không trăm mười lăm",
    ),
    (
        "TCVN ISO 18091:2020",
        "Tê xê vê en i sô mười tám nghìn không trăm chín mươi mốt năm hai nghìn không trăm hai mươi",
    ),
]

NUMBERS = [
    ("tiếp nhận 1.245 hồ sơ", "Tiếp nhận một nghìn hai trăm bốn mươi lăm hồ sơ"),
    ("đạt 96,2%", "Đạt chín mươi sáu phẩy hai phần trăm"),
    ("tỷ lệ 100%", "Tỷ lệ một trăm phần trăm"),
    ("có 21 hộ", "Có hai mươi mốt hộ"),
    ("15 người", "Mười lăm người"),
    ("25 xã", "Hai mươi lăm xã"),
    ("24 thôn", "Hai mươi tư thôn"),
    ("14 tổ", "Mười bốn tổ"),
    ("104 hộ", "Một trăm linh bốn hộ"),
    ("6 tháng cuối năm 2025", f"Sáu tháng cuối năm {Y2025}"),
    ("Các nội dung khác trong 06 nội dung", "Các nội dung khác trong sáu nội dung"),
    ("1.500.000 đồng", "Một triệu năm trăm nghìn đồng"),
    ("2,5 tỷ đồng", "Hai phẩy năm tỷ đồng"),
    ("500.000đ", "Năm trăm nghìn đồng"),
    ("1.500.000 VNĐ", "Một triệu năm trăm nghìn đồng"),
    ("mức hỗ trợ 1.500.000 đồng/người/tháng", "Mức hỗ trợ một triệu năm trăm nghìn đồng một người một tháng"),
    ("12 km", "Mười hai ki lô mét"),
    ("dài 500 m", "Dài năm trăm mét"),
    ("2,5 ha", "Hai phẩy năm héc ta"),
    ("30 kg", "Ba mươi ki lô gam"),
    ("120 m2", "Một trăm hai mươi mét vuông"),
    ("120 m²", "Một trăm hai mươi mét vuông"),
    ("nhiệt độ 35°C", "Nhiệt độ ba mươi lăm độ xê"),
    ("nhiệt độ 35 độ C", "Nhiệt độ ba mươi lăm độ xê"),
    ("nhiệt độ -5°C", "Nhiệt độ âm năm độ xê"),
    ("chạy quá 50 km/h", "Chạy quá năm mươi ki lô mét trên giờ"),
    ("giá 30.000 đồng/kg", "Giá ba mươi nghìn đồng một ki lô gam"),
    ("lãi suất 0,5%/tháng", "Lãi suất không phẩy năm phần trăm một tháng"),
    ("năng suất 6 tấn/ha", "Năng suất sáu tấn một héc ta"),
    ("mật độ 300 người/km²", "Mật độ ba trăm người trên ki lô mét vuông"),
    ("1,2 triệu", "Một phẩy hai triệu"),
    ("0,5 ha", "Không phẩy năm héc ta"),
    ("cách mạng công nghiệp 4.0", "Cách mạng công nghiệp bốn chấm không"),
    ("mục 1.2", "Mục một chấm hai"),
    ("1/3 số hộ", "Một phần ba số hộ"),
    ("3/4 diện tích", "Ba phần tư diện tích"),
    ("phục vụ 24/7", "Phục vụ hai mươi tư trên bảy"),
    ("dân số 12.345.678 người", "Dân số mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám người"),
    ("1.000.000.000 đồng", "Một tỷ đồng"),
    ("số CCCD 001203004567", "Số căn cước công dân không không một hai không ba không không bốn năm sáu bảy"),
    ("dịch vụ công mức độ 3,4", "Dịch vụ công mức độ ba, bốn"),
    ("đăng ký dịch vụ công trực tuyến mức độ 3, mức độ 4.", "Đăng ký dịch vụ công trực tuyến mức độ ba, mức độ bốn."),
    ("giải quyết TTHC mức độ 3, 4", "Giải quyết thủ tục hành chính mức độ ba, bốn"),
    ("khoản 1,2 Điều 5", "Khoản một, hai Điều năm"),
    ("thứ 2", "Thứ hai"),
    ("vào thứ 4 hằng tuần", "Vào thứ tư hằng tuần"),
    ("Hội nghị lần thứ 6", "Hội nghị lần thứ sáu"),
    ("lần thứ 4", "Lần thứ tư"),
    ("lần thứ 1", "Lần thứ nhất"),
    ("giải thưởng thứ nhất", "Giải thưởng thứ nhất"),
    ("Đại hội lần thứ XIII", "Đại hội lần thứ mười ba"),
    ("Ban Chấp hành Trung ương Đảng khóa XII", "Ban Chấp hành Trung ương Đảng khóa mười hai"),
    ("Phần IV", "Phần bốn"),
    ("Quý II", "Quý hai"),
    ("Quý III/2025", f"Quý ba năm {Y2025}"),
    ("trong quý 4", "Trong quý bốn"),
    ("thế kỷ XXI", "Thế kỷ hai mươi mốt"),
]

DATES_AND_TIMES = [
    ("ngày 30/7/2025", f"Ngày ba mươi tháng bảy năm {Y2025}"),
    ("30/7/2025", f"Ngày ba mươi tháng bảy năm {Y2025}"),
    ("ban hành 30/7/2025", f"Ban hành ngày ba mươi tháng bảy năm {Y2025}"),
    ("ngày 08/6/2023", f"Ngày tám tháng sáu năm {Y2023}"),
    ("Ngày 13/01/2023", f"Ngày mười ba tháng một năm {Y2023}"),
    ("ngày 30.7.2025", f"Ngày ba mươi tháng bảy năm {Y2025}"),
    ("ngày 4/4", "Ngày bốn tháng tư"),
    ("ngày 24/12", "Ngày hai mươi tư tháng mười hai"),
    ("tháng 4", "Tháng tư"),
    ("tháng 4/2025", f"Tháng tư năm {Y2025}"),
    ("từ tháng 7/2025", f"Từ tháng bảy năm {Y2025}"),
    ("kết quả 7/2025", f"Kết quả tháng bảy năm {Y2025}"),
    ("năm 2025", f"Năm {Y2025}"),
    ("ngày 01/8", "Ngày một tháng tám"),
    ("hạn chót 01/8", "Hạn chót ngày một tháng tám"),
    (
        "Sáng 30/7, UBND xã tổ chức hội nghị lúc 7h30 tại hội trường.",
        "Sáng ngày ba mươi tháng bảy, Ủy ban nhân dân xã tổ chức hội nghị lúc bảy giờ ba mươi tại hội trường.",
    ),
    ("01/8 - 31/12/2025", f"Từ ngày một tháng tám đến ngày ba mươi mốt tháng mười hai năm {Y2025}"),
    ("từ 01/8 - 31/12/2025", f"Từ ngày một tháng tám đến ngày ba mươi mốt tháng mười hai năm {Y2025}"),
    ("từ ngày 01/8 - 31/12/2025", f"Từ ngày một tháng tám đến ngày ba mươi mốt tháng mười hai năm {Y2025}"),
    ("từ ngày 01/8 đến ngày 31/12/2025", f"Từ ngày một tháng tám đến ngày ba mươi mốt tháng mười hai năm {Y2025}"),
    ("từ ngày 1-5/8/2025", f"Từ ngày một đến ngày năm tháng tám năm {Y2025}"),
    ("Hải Phòng, ngày 12 tháng 3 năm 2024", f"Hải Phòng, ngày mười hai tháng ba năm {Y2024}"),
    ("Minh Đức,  ngày      tháng      năm 2023", f"Minh Đức, ngày tháng năm {Y2023}"),
    ("giai đoạn 2021-2030", "Giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi"),
    ("giai đoạn 2023 - 2030", f"Giai đoạn {Y2023} đến hai nghìn không trăm ba mươi"),
    ("giai đoạn 2021–2025", f"Giai đoạn hai nghìn không trăm hai mươi mốt đến {Y2025}"),
    ("từ 5-7 ngày", "Từ năm đến bảy ngày"),
    ("lúc 06:30", "Lúc sáu giờ ba mươi phút"),
    ("17h30", "Mười bảy giờ ba mươi"),
    ("7h", "Bảy giờ"),
    ("7h05", "Bảy giờ năm phút"),
    ("vào 20h", "Vào hai mươi giờ"),
    ("từ 7h30 - 11h00", "Từ bảy giờ ba mươi đến mười một giờ"),
    ("lúc 14:00 ngày 30/7/2025", f"Lúc mười bốn giờ ngày ba mươi tháng bảy năm {Y2025}"),
    ("19 giờ 30 phút", "Mười chín giờ ba mươi phút"),
    ("từ 07 giờ 00 phút đến 11 giờ 00", "Từ bảy giờ đến mười một giờ"),
    ("lúc 08h00", "Lúc tám giờ"),
    ("lúc 8 giờ 05", "Lúc tám giờ năm phút"),
]

CONTACTS = [
    ("Đường dây nóng: 0238.3866.123", "Đường dây nóng: không hai ba tám, ba tám sáu sáu, một hai ba"),
    ("số điện thoại 0912345678", "Số điện thoại không chín một hai, ba bốn năm, sáu bảy tám"),
    ("(0238) 3866 123", "Không hai ba tám, ba tám sáu sáu, một hai ba"),
    ("+84 912 345 678", "Cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám"),
    ("Hotline: 0901 234 567", "Hót lai: không chín không một, hai ba bốn, năm sáu bảy"),
    ("gọi 113", "Gọi một một ba"),
    ("gọi 114 khi có cháy", "Gọi một một bốn khi có cháy"),
    ("đường dây nóng 1022", "Đường dây nóng một không hai hai"),
    ("số điện thoại “đường dây nóng” 1022", "Số điện thoại đường dây nóng một không hai hai"),
    ("tổng đài 1900 1234", "Tổng đài một chín không không, một hai ba bốn"),
    ("kêu gọi 113 hộ", "Kêu gọi một trăm mười ba hộ"),
    ("ubnd@minhduc.gov.vn", "U bê en đê a còng minh duc chấm gờ o vê chấm vê en"),
    ("Cổng dichvucong.gov.vn", "Cổng dịch vụ công chấm gờ o vê chấm vê en"),
    ("https://dichvucong.gov.vn", "Dịch vụ công chấm gờ o vê chấm vê en"),
    ("truy cập www.hoangmai.gov.vn.", "Truy cập vê kép vê kép vê kép chấm hoang mai chấm gờ o vê chấm vê en."),
    ("email: vanphong@gmail.com", "I meo: van phong a còng gờ meo chấm com"),
]

LAYOUT = [
    ("I. MỤC ĐÍCH, YÊU CẦU", "Một. Mục đích, yêu cầu"),
    ("II. ĐỐI TƯỢNG", "Hai. Đối tượng"),
    (
        "xây dựng Kế hoạch như sau:\n\nI. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích:\n\n- Nâng cao nhận thức",
        "Xây dựng Kế hoạch như sau. Một. Mục đích, yêu cầu. Một. Mục đích: Nâng cao nhận thức",
    ),
    ("1.1. Nội dung tuyên truyền", "Một chấm một. Nội dung tuyên truyền"),
    ("IV. TỔ CHỨC THỰC HIỆN", "Bốn. Tổ chức thực hiện"),
    ("1. Mục đích:\n\n- Nâng cao nhận thức;", "Một. Mục đích: Nâng cao nhận thức;"),
    ("2. Yêu cầu\n- Đẩy mạnh công tác tuyên truyền", "Hai. Yêu cầu. Đẩy mạnh công tác tuyên truyền"),
    ("a) Cụ thể hóa các nhiệm vụ", "Cụ thể hóa các nhiệm vụ"),
    ("a.  Xây dựng, ban hành kế hoạch", "Xây dựng, ban hành kế hoạch"),
    ("+ Việc xây dựng", "Việc xây dựng"),
    ("* Lưu ý", "Lưu ý"),
    ("- Sở Nội Vụ;\n- CT, các PCT UBND phường;", "Sở Nội Vụ; Chủ tịch, các Phó Chủ tịch Ủy ban nhân dân phường;"),
    ("KẾ HOẠCH\nTuyên truyền cải cách hành chính", "Kế hoạch. Tuyên truyền cải cách hành chính"),
    (
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        "Cộng hoà xã hội chủ nghĩa việt nam. Độc lập, Tự do, Hạnh phúc",
    ),
    (
        "Thực hiện Quyết định của UBND tỉnh\nban hành kế hoạch",
        "Thực hiện Quyết định của Ủy ban nhân dân tỉnh ban hành kế hoạch",
    ),
    ("năm 2025 - năm 2026", f"Năm {Y2025} đến năm hai nghìn không trăm hai mươi sáu"),
    ("xử phạt từ 5.000.000 đồng - 10.000.000 đồng", "Xử phạt từ năm triệu đồng đến mười triệu đồng"),
    ("nhiệt độ từ 25 - 32°C", "Nhiệt độ từ hai mươi lăm đến ba mươi hai độ xê"),
    ("tỷ lệ 1:500", "Tỷ lệ một trên năm trăm"),
    ("các loại cây trồng v.v...", "Các loại cây trồng vân vân"),
    ("Hội LHPN xã", "Hội Liên hiệp Phụ nữ xã"),
    (
        "Căn cứ Kế hoạch số 15/KH-UBND ngày 13/7/2023 của UBND xã Minh\nĐức về việc tuyên truyền",
        (
            f"Căn cứ Kế hoạch số mười lăm kế hoạch Ủy ban nhân dân ngày mười ba tháng bảy năm {Y2023} của Ủy ban nhân dân "
            "xã Minh Đức về việc tuyên truyền"
        ),
    ),
    (
        "Thông báo lịch tiêm chủng\nThời gian: 7h30 ngày 15/8\nĐịa điểm: Trạm y tế xã",
        "Thông báo lịch tiêm chủng. Thời gian: bảy giờ ba mươi ngày mười lăm tháng tám. Địa điểm: Trạm y tế xã",
    ),
    ("chi tiết, tăng\n\ncường trả lời", "Chi tiết, tăng cường trả lời"),
    ("xem xét, giải quyết./.", "Xem xét, giải quyết."),
    ("tờ rơi, tranh cổ động...;", "Tờ rơi, tranh cổ động;"),
    ("trong ngày pháp luật, ... trên địa bàn xã.", "Trong ngày pháp luật, trên địa bàn xã."),
    ("chính quyền điện tử...\n\n- Tuyên truyền", "Chính quyền điện tử. Tuyên truyền"),
    ("phát triển kinh tế - xã hội", "Phát triển kinh tế xã hội"),
    ("Công chức Văn hóa- xã hội", "Công chức Văn hóa xã hội"),
    ("Phòng Văn hóa – Xã hội", "Phòng Văn hóa, Xã hội"),
    ("Đề án “Phát triển ứng dụng dữ liệu về dân cư”", "Đề án Phát triển ứng dụng dữ liệu về dân cư"),
    ("Cổng/trang thông tin điện tử", "Cổng trang thông tin điện tử"),
    ("Trang Facebook bản tin Minh Đức", "Trang phây búc bản tin Minh Đức"),
    ("qua mạng internet", "Qua mạng in tơ nét"),
    ("xây dựng những video, clip", "Xây dựng những vi đê ô, cờ líp"),
    ("  nhiều   khoảng \t trắng  ", "Nhiều khoảng trắng"),
    (unicodedata.normalize("NFD", "Ủy ban nhân dân"), "Ủy ban nhân dân"),
    ("Sở Kế hoạch & Đầu tư", "Sở Kế hoạch và Đầu tư"),
    ("", ""),
    ("...", ""),
]

SOUTH = [
    ("số 104/QĐ-UBND", "Số một trăm lẻ bốn quyết định Ủy ban nhân dân"),
    ("năm 2024", "Năm hai ngàn không trăm hai mươi bốn"),
    ("24 thôn", "Hai mươi bốn thôn"),
    ("ngày 24/4/2025", "Ngày hai mươi bốn tháng tư năm hai ngàn không trăm hai mươi lăm"),
    ("1.500.000 đồng", "Một triệu năm trăm ngàn đồng"),
    ("lần thứ 4", "Lần thứ tư"),
    ("14 tổ", "Mười bốn tổ"),
    ("21 hộ", "Hai mươi mốt hộ"),
]


@pytest.mark.parametrize(("text", "expected"), ABBREVIATIONS)
def test_abbreviations(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), DOCUMENTS)
def test_document_numbers(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), NUMBERS)
def test_numbers(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), DATES_AND_TIMES)
def test_dates_and_times(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), CONTACTS)
def test_phones_and_addresses(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), LAYOUT)
def test_layout_and_punctuation(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("text", "expected"), SOUTH)
def test_south(text: str, expected: str) -> None:
    assert normalize(text, ReadingOptions(dialect="south")) == expected


def test_the_station_adds_and_overrides_abbreviations() -> None:
    options = ReadingOptions(abbreviations={"HTX": "hợp tác xã nông nghiệp", "ĐVTN": "đoàn viên thanh niên"})
    assert normalize("HTX Minh Đức", options) == "Hợp tác xã nông nghiệp Minh Đức"
    assert normalize("ĐVTN xã", options) == "Đoàn viên thanh niên xã"
    overriding = ReadingOptions(abbreviations={"UBND": "ủy ban"})
    assert normalize("số 5/QĐ-UBND", overriding) == "Số năm quyết định ủy ban"


def test_pronunciations_apply_last_to_whole_words_case_sensitively() -> None:
    options = ReadingOptions(pronunciations={"An": "Ân", "Ủy ban nhân dân": "Ủy ban"})
    assert normalize("xã An Bình, Thanh An, Ana, an toàn", options) == "Xã Ân Bình, Thanh Ân, Ana, an toàn"
    assert normalize("UBND xã", options) == "Ủy ban xã"


def test_pronunciations_name_the_labels_of_addresses() -> None:
    options = ReadingOptions(pronunciations={"minhduc": "minh đức"})
    assert normalize("ubnd@minhduc.gov.vn", options) == "U bê en đê a còng minh đức chấm gờ o vê chấm vê en"


# ---- sentences -------------------------------------------------------------------------------


def test_split_sentences_at_sentence_ends() -> None:
    assert split_sentences("Câu một. Câu hai! Câu ba? ...") == ["Câu một.", "Câu hai!", "Câu ba?"]
    assert split_sentences("Hai. Đối tượng. Nội dung chính.") == ["Hai. Đối tượng.", "Nội dung chính."]
    assert split_sentences("") == []
    assert split_sentences(" . , ") == []


def test_long_sentences_are_cut_at_pauses_never_inside_a_word() -> None:
    clause = "tuyên truyền cải cách hành chính trên địa bàn xã"
    text = ", ".join([clause] * 12) + "; " + " ".join(["nhà nước"] * 80) + "."
    chunks = split_sentences(text)
    assert len(chunks) > 3
    assert all(len(chunk) <= MAX_SENTENCE for chunk in chunks)
    assert " ".join(chunks) == text
    assert chunks[0].endswith(",")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("   ", False),
        ("...!?", False),
        ("—", False),
        ("★☆", False),
        ("“ ”", False),
        ("a", True),
        ("Xin chào", True),
        ("5", True),
    ],
)
def test_is_speakable(text: str, expected: bool) -> None:
    assert is_speakable(text) is expected


# ---- properties and speed --------------------------------------------------------------------

WORDS = [
    "xã",
    "phường",
    "huyện",
    "tỉnh",
    "người",
    "dân",
    "cán",
    "bộ",
    "công",
    "chức",
    "tuyên",
    "truyền",
    "cải",
    "cách",
    "hành",
    "chính",
    "nhà",
    "nước",
    "kế",
    "hoạch",
    "thực",
    "hiện",
    "nội",
    "dung",
    "hình",
    "thức",
    "năm",
    "tháng",
    "ngày",
    "ở",
    "ý",
    "một",
    "hai",
    "ba",
    "mười",
    "trăm",
    "nghìn",
    "đường",
    "dây",
    "nóng",
    "loa",
    "thanh",
    "thông",
    "tin",
    "điện",
    "tử",
]
TRICKY = st.text(alphabet="0123456789/.,:-–h%đ° +()@AIVXQĐUBNDhamktgưáờ\n\t“”…", max_size=60)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=200), TRICKY))
def test_normalize_never_raises_and_leaves_no_ascii_digit(text: str) -> None:
    spoken = normalize(text)
    assert isinstance(spoken, str)
    assert not re.search(r"[0-9]", spoken)
    assert all(len(chunk) <= MAX_SENTENCE for chunk in split_sentences(spoken))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join))
def test_normalize_is_idempotent_on_plain_vietnamese(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once.lower() == text


def test_public_names() -> None:
    assert set(audio.text.__all__) == {
        "MAX_SENTENCE",
        "Explanation",
        "Reading",
        "ReadingOptions",
        "explain",
        "is_speakable",
        "normalize",
        "split_sentences",
    }
    for name in audio.text.__all__:
        assert hasattr(audio.text, name)


PLAN = Path(__file__).resolve().parents[2] / "shared" / "plans" / "001_4e301de45e56e2b5.txt"


@pytest.mark.skipif(not PLAN.exists(), reason="the sample plans are not checked out next to the repository")
def test_a_whole_plan_is_normalized_quickly() -> None:
    text = PLAN.read_text(encoding="utf-8")
    normalize(text)
    started = time.perf_counter()
    spoken = normalize(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.25, f"{elapsed * 1000:.1f} ms"
    assert "Ủy ban nhân dân" in spoken and "UBND" not in spoken
    assert not re.search(r"[0-9]", spoken)
