"""Messages about the limits of a bulletin and its time: size, spoken length, channel text, times in the past."""

from __future__ import annotations

__all__ = ["MESSAGES"]

MESSAGES: dict[str, tuple[str, str]] = {
    "text_too_large": (
        "Nội dung quá dài: {chars} ký tự (tối đa {limit}). Không lưu gì.",
        "The text is too long: {chars} characters (at most {limit}). Nothing was stored.",
    ),
    "file_too_large": (
        "Tệp {path} quá lớn: {size} byte (tối đa {limit}). Không lưu gì.",
        "The file {path} is too large: {size} bytes (at most {limit}). Nothing was stored.",
    ),
    "bulletin_too_long": (
        "Bản tin quá dài cho loa: khoảng {length} phút đọc, tối đa {limit} (programme.max_bulletin_minutes). "
        "Hãy rút gọn hoặc chia thành nhiều bản tin.",
        "The bulletin is too long for the radio: about {length} min of speech, at most {limit} "
        "(programme.max_bulletin_minutes). Shorten it or split it into several bulletins.",
    ),
    "bulletin_longer_than_slot": (
        "Bản tin dài hơn khung giờ phát: khoảng {length} phút đọc, khung giờ chỉ có {limit}. Hãy rút gọn.",
        "The bulletin is longer than its slot: about {length} min of speech, the slot has {limit}. Shorten it.",
    ),
    "text_over_channel_limit": (
        "Nội dung quá dài cho kênh {channel}: {chars} ký tự, kênh nhận tối đa {limit}.",
        "The text is too long for {channel}: {chars} characters, the channel takes at most {limit}.",
    ),
    "rotation_item_too_long": (
        "Bỏ qua nội dung {ref} của kế hoạch ở khung giờ {slot} lúc {at}: {reason}",
        "Skipped plan item {ref} in the slot {slot} at {at}: {reason}",
    ),
    "announcement_too_long": (
        "Bỏ qua lời {origin} của khung giờ {slot} lúc {at}: {reason}",
        "Skipped the {origin} of the slot {slot} at {at}: {reason}",
    ),
    "slot_empty_skipped": (
        "Khung giờ {slot} lúc {at} không có bản tin nào: không phát lời mở đầu, kết thúc "
        "(programme.announce_empty_slots).",
        "The slot {slot} at {at} has nothing in it: its opening and closing are not aired "
        "(programme.announce_empty_slots).",
    ),
    "at_in_past": (
        "Thời điểm {at} đã qua (bây giờ là {now}). Hãy chọn một thời điểm sắp tới, now hoặc next.",
        "The time {at} has passed (it is {now} now). Choose a time to come, now or next.",
    ),
    "queued_estimate": ("Thời lượng đọc ước tính: {length} phút.", "Estimated speaking time: {length} min."),
    "w_length": ("Thời lượng đọc ước tính", "Estimated speaking time"),
}
