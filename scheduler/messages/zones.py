"""Messages of the radio programme beyond text: loudspeaker zones, relays, recorded bulletins and alerts."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # configuration
    "exp_zone_name": (
        "tên cụm loa viết thường, không dấu, chữ số, '-' hoặc '_' (tối đa 40 ký tự)",
        "a zone name in lower case letters without accents, digits, '-' or '_' (at most 40 characters)",
    ),
    "exp_stream_url": (
        "địa chỉ luồng http:// hoặc https:// (Icecast, MP3/AAC hoặc danh sách HLS .m3u8)",
        "a stream address starting with http:// or https:// (Icecast, MP3/AAC or an HLS .m3u8 playlist)",
    ),
    # playout
    "zone_unknown": (
        "Không có cụm loa '{zone}' (các cụm loa: {zones}).",
        "There is no zone '{zone}' (zones: {zones}).",
    ),
    "media_missing": (
        "Không tìm thấy tệp âm thanh đã lưu {path}; hãy tải tệp lên lại.",
        "The stored audio file {path} is missing; upload it again.",
    ),
    "relay_unknown": (
        "Không có nguồn tiếp âm '{relay}' trong [channels.radio.relays].",
        "There is no relay source '{relay}' in [channels.radio.relays].",
    ),
    "relay_nothing": (
        "Tiếp âm {key} không có âm thanh nào để phát.",
        "The relay {key} had no audio to play.",
    ),
    "relay_over": (
        "Đã quá giờ kết thúc tiếp âm; không phát.",
        "The relay's end time has passed; it was not aired.",
    ),
    # alerts (the Today page, `loa run`, the report)
    "alert_dead_air": (
        "Mất tiếng trên cụm loa {zone}: {seconds} giây im lặng trong lượt phát {airing}.",
        "Dead air in zone {zone}: {seconds} s of silence during airing {airing}.",
    ),
    "alert_mount_unreachable": (
        "Không kết nối được điểm phát của cụm loa {zone} trong {seconds} giây (lượt phát {airing}); "
        "loa IP không nghe được. Kiểm tra máy chủ Icecast.",
        "The mount of zone {zone} could not be reached for {seconds} s (airing {airing}); IP loudspeakers "
        "heard nothing. Check the Icecast server.",
    ),
    "alert_relay_gap": (
        "Tiếp âm {relay} trên cụm loa {zone} bị gián đoạn {gaps} lần, tổng {seconds} giây (đã phát khoảng lặng).",
        "The relay {relay} in zone {zone} dropped {gaps} times, {seconds} s in all (silence was played).",
    ),
    "alert_relay_fallback": (
        "Nguồn tiếp âm {relay} mất tín hiệu {gaps} lần, tổng {seconds} giây trên cụm loa {zone}; đã phát tệp dự phòng.",
        "The relay source {relay} was lost {gaps} times, {seconds} s in all, in zone {zone}; the fallback "
        "file was played.",
    ),
    "log_alert": (
        "CẢNH BÁO [{zone}]: {message}",
        "ALERT [{zone}]: {message}",
    ),
    "log_radio_start_failed": (
        "Chưa kết nối được đầu phát của đài ({reason}); sẽ tự thử lại, các lượt phát vẫn chạy.",
        "The radio's outputs could not connect yet ({reason}); they retry by themselves and airings still run.",
    ),
    # queueing
    "queue_unknown_zone": (
        "Không có cụm loa '{zone}' (các cụm loa: {zones}).",
        "There is no zone '{zone}' (zones: {zones}).",
    ),
    "queue_unknown_relay": (
        "Không có nguồn tiếp âm '{relay}' (các nguồn: {relays}).",
        "There is no relay source '{relay}' (sources: {relays}).",
    ),
    "queue_relay_minutes": (
        "Thời lượng tiếp âm phải từ 1 đến {max} phút.",
        "A relay lasts from 1 to {max} minutes.",
    ),
    "queue_relay_radio_only": (
        "Tiếp âm chỉ phát trên đài truyền thanh; bỏ --channels hoặc chỉ ghi radio.",
        "A relay airs on the radio only; leave out --channels or give radio alone.",
    ),
    "queue_kind_one": (
        "Chỉ chọn một: đọc văn bản, tệp âm thanh (--audio) hoặc tiếp âm (--relay).",
        "Choose one: spoken text, an audio file (--audio) or a relay (--relay).",
    ),
    "notice_audio_radio_only": (
        "Bản tin âm thanh không có văn bản nên chỉ phát trên đài; thêm --text để đăng lên các trang.",
        "The audio bulletin has no text, so it airs on the radio only; add --text to post it on the pages.",
    ),
}
MESSAGES.update(
    {
        "media_unknown": (
            "Không có tệp âm thanh số {media} của đài này.",
            "There is no audio file {media} of this station.",
        ),
        "queue_audio_needs_text": (
            "Bản tin âm thanh không có văn bản chỉ phát được trên đài; thêm --text để đăng lên các trang.",
            "An audio bulletin without text can only air on the radio; add --text to post it on the pages.",
        ),
    }
)
MESSAGES["queue_relay_needs_time"] = (
    "Tiếp âm cần giờ bắt đầu: --at HH:MM (hoặc now).",
    "A relay needs its start time: --at HH:MM (or now).",
)
MESSAGES.update(
    {
        "media_checking": (
            "Đang kiểm tra và chuẩn hóa âm lượng tệp {path}…",
            "Checking {path} and bringing it to the loudness target…",
        ),
        "media_stored": (
            "Đã lưu tệp âm thanh #{id}: dài {length}, âm lượng {lufs} LUFS.",
            "Stored audio file #{id}: {length} long, at {lufs} LUFS.",
        ),
    }
)
MESSAGES["log_mount_back"] = (
    "Điểm phát của cụm loa {zone} đã kết nối lại.",
    "The mount of zone {zone} is connected again.",
)
MESSAGES["alert_mount_down"] = (
    "Điểm phát của cụm loa {zone} mất kết nối đã {seconds} giây ({reason}); Loa đang tự kết nối lại. "
    "Kiểm tra máy chủ Icecast.",
    "The mount of zone {zone} has been disconnected for {seconds} s ({reason}); Loa keeps reconnecting. "
    "Check the Icecast server.",
)
