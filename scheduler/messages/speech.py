"""Messages of the speech engines and bulletin assembly, in Vietnamese and English."""

from __future__ import annotations

__all__ = ["MESSAGES"]

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "tts_timeout": (
        "Bộ đọc {engine} không trả lời trong {seconds} giây.",
        "Speech engine {engine} did not answer within {seconds} s.",
    ),
    "tts_unavailable": (
        "Bộ đọc {engine} tạm ngừng sau {failures} lần lỗi liên tiếp; sẽ thử lại sau {seconds} giây.",
        "Speech engine {engine} is paused after {failures} failures in a row; it is tried again in {seconds} s.",
    ),
    "tts_engine_missing": (
        "Bộ đọc {engine} cần gói {package} chưa được cài (pip install {package}).",
        "Speech engine {engine} needs the package {package}, which is not installed (pip install {package}).",
    ),
    "voice_unset": (
        "Chưa khai báo tệp giọng đọc cho bộ đọc {engine} ({key} trong tệp cấu hình).",
        "No voice file is configured for speech engine {engine} ({key} in the config file).",
    ),
    "jingle_unreadable": (
        "Không đọc được tệp nhạc hiệu {path}: {reason}",
        "Cannot read the jingle file {path}: {reason}",
    ),
    # `loa normalize --explain`: the rule that read each part (issue 19)
    "explain_title": ("Cách đọc từng phần:", "How each part is read:"),
    "explain_written": ("Viết", "Written"),
    "explain_spoken": ("Đọc", "Spoken"),
    "explain_rule": ("Quy tắc", "Rule"),
    "explain_nothing": (
        "Không có phần nào cần đọc khác cách viết.",
        "Nothing is read otherwise than it is written.",
    ),
    "explain_own_entries": (
        "Muốn đọc khác: thêm từ viết tắt của đài vào [speech.abbreviations], cách đọc riêng của một từ vào "
        "[speech.pronunciations] trong {path}.",
        "To read it otherwise: add the station's abbreviations to [speech.abbreviations] and a word's own "
        "spoken form to [speech.pronunciations] in {path}.",
    ),
    "rule_characters": ("ký tự", "characters"),
    "rule_heading": ("đề mục", "heading"),
    "rule_repeated": ("viết tắt lặp lại sau tên đầy đủ, bỏ", "abbreviation repeating its expansion, dropped"),
    "rule_address": ("địa chỉ thư, trang web", "e-mail or web address"),
    "rule_phone": ("số điện thoại", "phone number"),
    "rule_weather": ("bản tin thời tiết, thiên tai", "weather or disaster bulletin"),
    "rule_document": ("số văn bản", "document number"),
    "rule_roman": ("số La Mã", "Roman numeral"),
    "rule_date": ("ngày tháng", "date"),
    "rule_time": ("giờ, khoảng", "time or range"),
    "rule_count": ("số theo từ đứng trước", "number read after its word"),
    "rule_unit": ("đơn vị đo, tiền", "unit or money"),
    "rule_abbreviation": ("bảng viết tắt có sẵn", "built-in abbreviation table"),
    "rule_station_abbreviation": (
        "viết tắt của đài [speech.abbreviations]",
        "station abbreviation [speech.abbreviations]",
    ),
    "rule_capitals": ("chữ in hoa đọc như chữ thường", "capitals read as a word"),
    "rule_spelled": (
        "đánh vần (không có trong bảng viết tắt)",
        "spelled letter by letter (in no abbreviation table)",
    ),
    "rule_loanword": ("từ mượn", "loanword"),
    "rule_number": ("số", "number"),
    "rule_symbol": ("ký hiệu", "symbol"),
    "rule_case": ("chữ hoa đầu câu", "sentence case"),
    "rule_digits": ("đọc từng chữ số", "digit by digit"),
    "rule_pronunciation": ("cách đọc của đài [speech.pronunciations]", "station pronunciation [speech.pronunciations]"),
    # cloud speech engines (issue 19)
    "tts_unknown_voice": (
        "Bộ đọc {engine} không có giọng '{voice}' (có: {known}).",
        "Speech engine {engine} has no voice '{voice}' (available: {known}).",
    ),
    "tts_key_missing": (
        "Bộ đọc {engine} cần khóa trong biến môi trường {env} (hoặc tệp bí mật); chưa có.",
        "Speech engine {engine} needs its key in the environment variable {env} (or the secrets file); there is none.",
    ),
}
