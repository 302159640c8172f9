"""What a configuration key expects, in Vietnamese and English: the `expected` part of a config error."""

from __future__ import annotations

__all__ = ["MESSAGES"]

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "exp_iana_zone": (
        "một múi giờ IANA như Asia/Ho_Chi_Minh",
        "an IANA zone such as Asia/Ho_Chi_Minh",
    ),
    "exp_choices": (
        "một trong {choices}",
        "one of {choices}",
    ),
    "exp_station_code": (
        "chữ không dấu, số, - hoặc _",
        "letters, digits, - or _",
    ),
    "exp_one_engine": (
        "ít nhất một bộ đọc",
        "at least one engine",
    ),
    "exp_positive_days": (
        "một số ngày dương",
        "a positive number of days",
    ),
    "exp_web_numbers": (
        "cổng 1–65535 và các số dương",
        "a port 1-65535 and positive numbers",
    ),
    "exp_bitrate": (
        'một tốc độ bit như "128k" (8k đến 320k)',
        'a bitrate such as "128k" (8k to 320k)',
    ),
    "exp_plain_fields": (
        "một mẫu chỉ dùng tên trường như {{station}} (không {{station.__init__}} hay {{date[0]}})",
        "a template with plain field names such as {{station}} (not {{station.__init__}} or {{date[0]}})",
    ),
    "exp_folder": (
        "một thư mục (đường dẫn này là một tệp)",
        "a folder (this path is a file)",
    ),
    "exp_range": (
        "một số từ {low} đến {high}",
        "a number from {low} to {high}",
    ),
    "exp_proxies": (
        "0–5 (số proxy phía trước)",
        "0-5 (proxies in front)",
    ),
    "exp_limit": (
        "một số không âm (0 = không giới hạn)",
        "a non-negative number (0 = no limit)",
    ),
    "exp_positive_seconds": (
        "một số giây dương",
        "a positive number of seconds",
    ),
    "exp_positive_numbers": (
        "các số dương",
        "positive numbers",
    ),
    "exp_no_slots": (
        "một khung giờ đã khai báo (chưa có khung giờ nào)",
        "a declared slot (there are no slots)",
    ),
    "exp_template": (
        "một mẫu chỉ dùng các trường {fields}",
        "a template using only the fields {fields}",
    ),
    "exp_unique_slots": (
        "tên khung giờ không trùng nhau",
        "unique slot names",
    ),
    "exp_hhmm": (
        "giờ dạng HH:MM",
        "a time as HH:MM",
    ),
    "exp_days": (
        '"daily" hoặc mon, tue, wed, thu, fri, sat, sun',
        '"daily" or mon, tue, wed, thu, fri, sat, sun',
    ),
    "exp_positive": (
        "một số dương",
        "a positive number",
    ),
    "exp_url": (
        "một địa chỉ http(s)://",
        "an http(s):// URL",
    ),
    "exp_piper_voice": (
        "tệp giọng .onnx khi dùng piper",
        "a .onnx voice file when piper is used",
    ),
    "exp_breaker": (
        "số lần lỗi >= 1, thời gian nghỉ >= 0",
        "failures >= 1, cool-down >= 0",
    ),
    "exp_non_negative": (
        "một số không âm",
        "a non-negative number",
    ),
    "exp_loudness": (
        "độ to LUFS từ -70 đến -5, đỉnh dBTP từ -20 đến 0",
        "loudness LUFS -70..-5, peak dBTP -20..0",
    ),
    "exp_jingle": (
        '"" (tiếng chuông), "none" hoặc một tệp âm thanh có thật',
        '"" (chime), "none" or an existing sound file',
    ),
    "exp_table": (
        "một bảng",
        "a table",
    ),
    "exp_value": (
        "một giá trị",
        "a value",
    ),
    "exp_list": (
        "một danh sách",
        "a list",
    ),
    "exp_string_table": (
        "một bảng chữ",
        "a table of strings",
    ),
    "exp_bool": (
        "true hoặc false",
        "true or false",
    ),
    "exp_integer": (
        "một số nguyên",
        "an integer",
    ),
    "exp_number": (
        "một số",
        "a number",
    ),
    "exp_string": (
        "một chuỗi",
        "a string",
    ),
    # speech engines and voices (issue 19)
    "exp_env_name": (
        "tên biến môi trường chứa khóa (chữ in hoa, số, _), ví dụ LOA_FPT_API_KEY",
        "the name of the environment variable holding the key (capitals, digits, _), e.g. LOA_FPT_API_KEY",
    ),
    "exp_voice": (
        "một giọng của bộ đọc {engine}: {choices}",
        "a voice of speech engine {engine}: {choices}",
    ),
    "exp_engine_voice": (
        "giọng cho một bộ đọc đã khai báo: {choices}",
        "voices for registered speech engines: {choices}",
    ),
}
