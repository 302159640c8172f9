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
