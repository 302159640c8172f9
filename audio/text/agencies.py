"""Abbreviations of ministries, central agencies and disaster services, and the shorthand of official letters.

These are the symbols of document numbers ("12/BYT-KCB", "QĐ-BTTTT"), of
weather and flood bulletins ("BĐ2", "ATNĐ") and of the margins and
distribution lists of letters ("K/g", "V/v", "t/h", "b/c"); they are part of
`audio.text.abbreviations.ABBREVIATIONS`.
"""

from __future__ import annotations

__all__ = ["AGENCIES"]

AGENCIES: dict[str, str] = {
    # Disasters and weather bulletins
    "BĐ": "báo động",
    "ATNĐ": "áp thấp nhiệt đới",
    "KTTV": "khí tượng thủy văn",
    "TTDBKTTVQG": "Trung tâm Dự báo khí tượng thủy văn quốc gia",
    "PCTT": "phòng chống thiên tai",
    "TKCN": "tìm kiếm cứu nạn",
    "PCTT&TKCN": "phòng chống thiên tai và tìm kiếm cứu nạn",
    "PTDS": "phòng thủ dân sự",
    # Ministries and central agencies, as document numbers name them ("12/BYT-KCB", "QĐ-BTTTT")
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BTT&TT": "Bộ Thông tin và Truyền thông",
    "BNV": "Bộ Nội vụ",
    "BYT": "Bộ Y tế",
    "BTC": "Bộ Tài chính",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BNG": "Bộ Ngoại giao",
    "BTP": "Bộ Tư pháp",
    "BCT": "Bộ Công Thương",
    "BXD": "Bộ Xây dựng",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BNN&PTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BKH&ĐT": "Bộ Kế hoạch và Đầu tư",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BGD&ĐT": "Bộ Giáo dục và Đào tạo",
    "BLĐTBXH": "Bộ Lao động, Thương binh và Xã hội",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGTVT": "Bộ Giao thông vận tải",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "VPCP": "Văn phòng Chính phủ",
    "TTCP": "Thanh tra Chính phủ",
    "NHNN": "Ngân hàng Nhà nước",
    "KTNN": "Kiểm toán Nhà nước",
    "TANDTC": "Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao",
    "NSNN": "ngân sách nhà nước",
    "TCCB": "tổ chức cán bộ",
    "KGVX": "Khoa giáo Văn xã",
    # Distribution lists and margins of official letters
    "K/g": "Kính gửi",
    "k/g": "kính gửi",
    "V/v": "Về việc",
    "v/v": "về việc",
    "T/h": "thực hiện",
    "t/h": "thực hiện",
    "B/c": "báo cáo",
}
