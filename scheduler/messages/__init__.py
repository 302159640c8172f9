"""Every user-facing message, in Vietnamese and English, keyed by error code.

One reviewable place for translations. `render(error, lang)` formats the
template of an error's code with its parameters; an unknown code falls back to
the code and its parameters so nothing is ever hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from broadcasts.redact import scrub
from scheduler.messages import (
    bulletins,
    channels,
    cli,
    config,
    console_radio,
    email,
    facebook,
    labels,
    led,
    limits,
    media,
    portal,
    province,
    report,
    runner,
    speech,
    stations,
    system,
    web,
    zalo,
    zones,
)
from scheduler.messages.labels import KIND_LABELS

__all__ = ["MESSAGES", "Label", "Phrase", "render", "text"]

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # configuration
    "config_missing": (
        "Không tìm thấy tệp cấu hình {path}. Tạo tệp theo mẫu config.toml hoặc chỉ định --config.",
        "Configuration file {path} not found. Create one from the sample config.toml or pass --config.",
    ),
    "config_syntax": (
        "Tệp cấu hình {path} sai cú pháp TOML {reason}.",
        "Configuration file {path} is not valid TOML {reason}.",
    ),
    "config_unknown_key": (
        "Tệp cấu hình {path}: khóa không hợp lệ '{key}' (các khóa hợp lệ: {allowed}).",
        "Configuration file {path}: unknown key '{key}' (valid keys: {allowed}).",
    ),
    "config_bad_value": (
        "Tệp cấu hình {path}: khóa '{key}' cần {expected}, nhưng có {got}.",
        "Configuration file {path}: key '{key}' expects {expected}, got {got}.",
    ),
    "config_unknown_channel": (
        "Tệp cấu hình {path}: kênh không xác định '{channel}' (các kênh: {known}).",
        "Configuration file {path}: unknown channel '{channel}' (channels: {known}).",
    ),
    "config_secret_in_file": (
        "Tệp cấu hình {path}: không được ghi bí mật '{key}' vào config.toml; dùng biến môi trường {env} hoặc tệp bí mật.",
        "Configuration file {path}: secret '{key}' must not be in config.toml; use the environment variable {env} or the secrets file.",
    ),
    "secrets_file_mode": (
        "Tệp bí mật {path} phải chỉ chủ sở hữu đọc được (chmod 600), hiện là {mode}.",
        "Secrets file {path} must be readable by its owner only (chmod 600); it is {mode}.",
    ),
    # store
    "db_unreachable": (
        "Không kết nối được cơ sở dữ liệu {url}: {reason}",
        "Cannot reach the database {url}: {reason}",
    ),
    "db_driver_missing": (
        "Không dùng được cơ sở dữ liệu {url}: chưa cài trình kết nối {driver}. Cài bằng: pip install '{package}'",
        "Cannot use the database {url}: its driver {driver} is not installed. Install it with: pip install '{package}'",
    ),
    "not_found": (
        "Không tìm thấy {kind} số {id}.",
        "{kind} {id} not found.",
    ),
    # command-line input
    "usage": ("{reason}", "{reason}"),
    "error": ("Đã có lỗi.", "Something went wrong."),
    "config_invalid": ("Cấu hình không hợp lệ.", "The configuration is not valid."),
    "plan_invalid": ("Tệp không phải là một kế hoạch đọc được.", "The file is not a readable plan."),
    "bad_priority": (
        "Mức ưu tiên không hợp lệ '{value}' (có: normal, priority, emergency).",
        "Unknown priority '{value}' (known: normal, priority, emergency).",
    ),
    "mark_outcome": (
        "Kết quả ghi nhận phải là aired, posted, failed hoặc missed, không phải '{value}'.",
        "The outcome to record must be aired, posted, failed or missed, not '{value}'.",
    ),
    "bad_time": (
        "Không hiểu thời điểm '{value}'. Dùng now, next, HH:MM, YYYY-MM-DD HH:MM, +10m hoặc ISO-8601.",
        "Cannot read the time '{value}'. Use now, next, HH:MM, YYYY-MM-DD HH:MM, +10m or ISO-8601.",
    ),
    "bad_date": (
        "Không hiểu ngày '{value}'. Dùng YYYY-MM-DD.",
        "Cannot read the date '{value}'. Use YYYY-MM-DD.",
    ),
    "unknown_channel": (
        "Kênh không xác định '{channel}' (các kênh đang bật: {known}).",
        "Unknown channel '{channel}' (enabled channels: {known}).",
    ),
    "empty_text": (
        "Nội dung bản tin trống: không có gì để phát.",
        "The bulletin text is empty: there is nothing to broadcast.",
    ),
    "nothing_speakable": (
        "Văn bản không có gì đọc được thành tiếng.",
        "The text has nothing that can be spoken.",
    ),
    "no_slot": (
        "Không có khung giờ phát nào cho kênh {channel} trong cấu hình.",
        "No programme slot for channel {channel} in the configuration.",
    ),
    "file_unreadable": (
        "Không đọc được tệp {path}: {reason}",
        "Cannot read the file {path}: {reason}",
    ),
    "output_unwritable": (
        "Không ghi được tệp {path}: {reason}",
        "Cannot write the file {path}: {reason}",
    ),
    # plan import
    "plan_unsupported_type": (
        "Không đọc được {path}: chỉ hỗ trợ tệp .txt, .md, .docx và .pdf.",
        "Cannot read {path}: only .txt, .md, .docx and .pdf files are supported.",
    ),
    "plan_missing": (
        "Không đọc được tệp kế hoạch {path}: không có tệp",
        "Cannot read the plan file {path}: no such file",
    ),
    "plan_unreadable": (
        "Không đọc được tệp kế hoạch {path}: {reason}",
        "Cannot read the plan file {path}: {reason}",
    ),
    "plan_encrypted": (
        "Tệp {path} được đặt mật khẩu; hãy gỡ mật khẩu rồi nhập lại.",
        "The file {path} is password-protected; remove the password and import it again.",
    ),
    "plan_empty": (
        "Tệp {path} không có chữ nào (có thể là bản quét ảnh).",
        "The file {path} contains no text (it may be a scanned image).",
    ),
    "plan_not_a_plan": (
        "{path} không phải là một kế hoạch tuyên truyền: không thấy tiêu đề 'KẾ HOẠCH' hay mục 'Nội dung tuyên truyền'.",
        "{path} is not a communication plan: no 'KẾ HOẠCH' title or 'Nội dung tuyên truyền' section was found.",
    ),
    "plan_no_content": (
        "{path}: không tìm thấy mục nội dung tuyên truyền (đã tìm các tiêu đề {looked_for}).",
        "{path}: no content section found (looked for the headings {looked_for}).",
    ),
    "plan_no_items": (
        "{path}: mục '{section}' không có nội dung tuyên truyền nào.",
        "{path}: the section '{section}' lists no content items.",
    ),
    "plan_item_not_found": (
        "Không tìm thấy nội dung tuyên truyền '{ref}' trong kế hoạch đang dùng.",
        "Content item '{ref}' not found in the plan in use.",
    ),
    "no_active_plan": (
        "Chưa có kế hoạch nào được nhập. Dùng 'loa plan import TỆP'.",
        "No plan has been imported yet. Use 'loa plan import FILE'.",
    ),
    # speech and audio
    "tts_failed": (
        "Bộ đọc {engine} không đọc được: {reason}",
        "Speech engine {engine} failed: {reason}",
    ),
    "tts_all_failed": (
        "Không bộ đọc nào đọc được văn bản ({reasons}).",
        "No speech engine could speak the text ({reasons}).",
    ),
    "tts_unknown_engine": (
        "Bộ đọc không xác định '{engine}' (có: {known}).",
        "Unknown speech engine '{engine}' (available: {known}).",
    ),
    "voice_missing": (
        "Không tìm thấy tệp giọng đọc {path}.",
        "Voice file {path} not found.",
    ),
    "audio_failed": (
        "Lỗi xử lý âm thanh: {reason}",
        "Audio processing failed: {reason}",
    ),
    "sink_failed": (
        "Không phát được qua {sink}: {reason}",
        "Playout through {sink} failed: {reason}",
    ),
    "sink_interrupted": (
        "Bị ngắt giữa chừng để phát tin khẩn cấp.",
        "Interrupted to air an emergency bulletin.",
    ),
    # channels and delivery
    "channel_failed": (
        "Kênh {channel} lỗi: {reason}",
        "Channel {channel} failed: {reason}",
    ),
    "missed": (
        "Bỏ lỡ: quá giờ phát {late} (cho phép trễ tối đa {grace}) — máy không chạy đúng giờ.",
        "Missed: {late} past due (grace {grace}) — the runner was not running on time.",
    ),
    "crashed_unclear": (
        "Tiến trình phát bị dừng giữa chừng; không xác định được đã phát hay chưa. Cần người trực kiểm tra.",
        "The runner stopped mid-delivery; whether it went out is unclear. An operator must check.",
    ),
    "channel_stopped": (
        "Kênh {channel} đang dừng: {reason}",
        "Channel {channel} is stopped: {reason}",
    ),
    "internal": (
        "Lỗi nội bộ khi phát: {reason}",
        "Internal error while delivering: {reason}",
    ),
    # hostile input and bounded resources (#15): bombs, bad URLs, odd values, the store away
    "config_too_deep": (
        "Tệp cấu hình {path} lồng ngoặc sâu {depth} tầng (tối đa {limit}); hãy kiểm tra các mảng và bảng.",
        "Configuration file {path} nests {depth} levels deep (at most {limit}); check its arrays and tables.",
    ),
    "db_bad_url": (
        "Địa chỉ cơ sở dữ liệu {url} không hợp lệ (kiểm tra [database] url: tên máy, cổng là số 1-65535, tên CSDL).",
        "The database URL {url} is not valid (check [database] url: host, a port from 1 to 65535, database name).",
    ),
    "db_busy": (
        "Cơ sở dữ liệu đang bận hoặc tạm thời không dùng được ({reason}); hãy thử lại sau ít phút.",
        "The database is busy or briefly unavailable ({reason}); try again in a few minutes.",
    ),
    "text_bad_characters": (
        "Không lưu được {field}: văn bản có ký tự không hợp lệ (NUL hoặc nửa cặp mã UTF-16); hãy gõ lại hoặc dán văn bản thuần.",
        "Cannot store {field}: the text holds invalid characters (NUL or half of a UTF-16 pair); type it again or paste plain text.",
    ),
    "at_out_of_range": (
        "Thời điểm '{value}' quá xa: chỉ nhận trong vòng {ahead} ngày tới.",
        "The time '{value}' is too far away: only up to {ahead} days ahead.",
    ),
    "date_out_of_range": (
        "Ngày '{value}' nằm ngoài khoảng {first} đến {last}.",
        "The date '{value}' is outside {first} to {last}.",
    ),
    "plan_too_large": (
        "Tệp kế hoạch {path} quá lớn ({size_mb} MB, tối đa {limit_mb} MB).",
        "The plan file {path} is too large ({size_mb} MB, at most {limit_mb} MB).",
    ),
    "plan_unpacks_too_large": (
        "Tệp {path} giải nén ra {size_mb} MB, vượt giới hạn {limit_mb} MB: tệp hỏng hoặc cố ý gây hại, không đọc.",
        "The file {path} unpacks to {size_mb} MB, over the limit of {limit_mb} MB: damaged or hostile, not read.",
    ),
    "plan_too_many_parts": (
        "Tệp {path} có {count} phần nén, vượt giới hạn {limit}: tệp hỏng hoặc cố ý gây hại, không đọc.",
        "The file {path} holds {count} packed parts, over the limit of {limit}: damaged or hostile, not read.",
    ),
    "plan_too_dense": (
        "Tệp {path}: phần {part} nén tới {ratio}:1, vượt giới hạn {limit}:1 (dấu hiệu 'bom nén'), không đọc.",
        "The file {path}: part {part} is packed {ratio}:1, over the limit of {limit}:1 (a zip bomb), not read.",
    ),
    "plan_too_many_pages": (
        "Tệp {path} có {pages} trang, vượt giới hạn {limit} trang của một kế hoạch.",
        "The file {path} has {pages} pages, over a plan's limit of {limit}.",
    ),
    "plan_text_too_long": (
        "Tệp {path} có hơn {chars} ký tự, vượt giới hạn {limit} ký tự của một kế hoạch.",
        "The file {path} holds over {chars} characters, over a plan's limit of {limit}.",
    ),
    "plan_pdf_stream_too_large": (
        "Tệp PDF {path} có một luồng dữ liệu giải nén quá lớn (dấu hiệu 'bom nén'), không đọc.",
        "The PDF {path} has a stream that unpacks too large (a PDF bomb), not read.",
    ),
}


def _merge(*areas: dict[str, tuple[str, str]]) -> None:
    """Add each area's messages to MESSAGES; a code defined twice is a mistake."""
    for area in areas:
        for code, pair in area.items():
            if code in MESSAGES and MESSAGES[code] != pair:
                raise AssertionError(f"message code {code!r} is defined twice")
            MESSAGES[code] = pair


_merge(
    cli.MESSAGES,
    channels.MESSAGES,
    config.MESSAGES,
    report.MESSAGES,
    runner.MESSAGES,
    speech.MESSAGES,
    system.MESSAGES,
    web.MESSAGES,
    limits.MESSAGES,
    bulletins.MESSAGES,
    facebook.MESSAGES,
    zalo.MESSAGES,
    led.MESSAGES,
    portal.MESSAGES,
    email.MESSAGES,
    zones.MESSAGES,
    media.MESSAGES,
    console_radio.MESSAGES,
    province.MESSAGES,
    stations.MESSAGES,
)


@dataclass(frozen=True)
class Phrase:
    """A message code with its parameters, used as a parameter of another message and worded in the same language."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return text(self.code, "en", **self.params)


@dataclass(frozen=True)
class Label:
    """A value of one of the label tables (`table` is its name in scheduler.messages.labels, e.g. "OUTCOME_LABELS"),
    used as a message parameter and worded in the message's language; an unknown value shows as it is."""

    table: str
    value: str

    def __str__(self) -> str:
        return self.value


def _worded(value: Any, lang: str) -> Any:
    """A parameter in `lang`: a Phrase or Label is worded, an OS error's English reason translated."""
    if isinstance(value, Phrase):
        return text(value.code, lang, **value.params)
    if isinstance(value, Label):
        table = getattr(labels, value.table)["en" if lang == "en" else "vi"]
        return table.get(value.value, value.value)
    if lang != "en" and isinstance(value, str):
        return system.OS_REASONS_VI.get(value, value)
    return value


def text(code: str, lang: str = "vi", **params: Any) -> str:
    """Format the message for `code` in `lang` ("vi" or "en"); a Phrase among the parameters is worded in `lang` too."""
    params = {k: _worded(v, lang) for k, v in params.items()}
    templates = MESSAGES.get(code)
    if templates is None:
        details = ", ".join(f"{k}={v}" for k, v in params.items())
        return scrub(f"{code}: {details}" if details else code)
    template = templates[1] if lang == "en" else templates[0]
    try:
        return scrub(template.format(**params))  # a parameter may hold what a service echoed back
    except (KeyError, IndexError):
        return scrub(f"{template} {params}")


def render(error: Any, lang: str = "vi") -> str:
    """Format a LoaError (anything with `code` and `params`) for the user; a `kind` is worded from KIND_LABELS."""
    params = dict(getattr(error, "params", {}))
    if isinstance(params.get("kind"), str):
        kinds = KIND_LABELS["en" if lang == "en" else "vi"]
        params["kind"] = kinds.get(params["kind"], params["kind"])
    return text(getattr(error, "code", "internal"), lang, **params)
