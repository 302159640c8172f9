"""Messages of recorded audio (imported files) and relays of live streams, in Vietnamese and English."""

from __future__ import annotations

__all__ = ["MESSAGES"]

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # importing a recorded file (audio.media)
    "media_format": (
        "Tệp không phải là âm thanh đọc được (nhận các dạng: {known}).",
        "The file is not audio Loa can read (accepted formats: {known}).",
    ),
    "media_too_large": (
        "Tệp âm thanh quá lớn ({mb} MB, tối đa {limit_mb} MB).",
        "The audio file is too large ({mb} MB, at most {limit_mb} MB).",
    ),
    "media_unreadable": (
        "Không giải mã được tệp âm thanh (tệp hỏng hoặc bị cắt dở): {reason}",
        "Cannot decode the audio file (damaged or cut short): {reason}",
    ),
    "media_too_short": (
        "Bản ghi quá ngắn ({seconds} giây, tối thiểu {limit} giây).",
        "The recording is too short ({seconds} s, at least {limit} s).",
    ),
    "media_too_long": (
        "Bản ghi quá dài ({seconds} giây, tối đa {limit} giây).",
        "The recording is too long ({seconds} s, at most {limit} s).",
    ),
    "media_silent": (
        "Bản ghi gần như không có tiếng (mức {dbfs} dBFS, dưới ngưỡng {limit} dBFS); hãy kiểm tra micrô rồi ghi lại.",
        "The recording is (nearly) silent (level {dbfs} dBFS, under {limit} dBFS); check the microphone and record again.",
    ),
    "media_clipped": (
        "Bản ghi bị rè do thu quá to ({percent}% mẫu chạm mức tối đa, cho phép dưới {limit}%); hãy để micrô xa hơn hoặc giảm mức thu rồi ghi lại.",
        "The recording is clipped ({percent}% of samples at full scale, under {limit}% allowed); move the microphone away or lower the input level and record again.",
    ),
    # relays of live streams (audio.relay)
    "relay_bad_url": (
        "Địa chỉ luồng tiếp âm {url} không hợp lệ (cần http:// hoặc https://).",
        "The relay stream URL {url} is not valid (it must be http:// or https://).",
    ),
    "relay_fallback_unreadable": (
        "Không đọc được tệp phát thay khi mất luồng tiếp âm {path}: {reason}",
        "Cannot read the relay's fallback file {path}: {reason}",
    ),
    "relay_gap_down_at_start": (
        "Luồng tiếp âm không có tín hiệu lúc bắt đầu: {seconds} giây phát {filled} từ giây {start}.",
        "The relay source was down at the start: {seconds} s of {filled} from second {start}.",
    ),
    "relay_gap_dropped": (
        "Mất luồng tiếp âm giữa chừng: {seconds} giây phát {filled} từ giây {start}.",
        "The relay source dropped: {seconds} s of {filled} from second {start}.",
    ),
    "relay_fill_silence": ("khoảng lặng", "silence"),
    "relay_fill_fallback": ("tệp phát thay", "the fallback file"),
}
