"""Messages of the console's and the API's radio programme: recorded files, recording in the browser, relays,
zones, alerts and what a listener heard."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # the API's and the console's checks of a request
    "api_field_list": (
        "Trường '{key}' phải là một danh sách chuỗi.",
        "The field '{key}' must be a list of strings.",
    ),
    "api_field_int": ("Trường '{key}' phải là một số nguyên dương.", "The field '{key}' must be a positive integer."),
    "api_field_number": ("Trường '{key}' phải là một số.", "The field '{key}' must be a number."),
    "api_limit_range": (
        "Giới hạn phải từ 1 đến 500 (nhận được '{value}').",
        "The limit must be from 1 to 500 (got '{value}').",
    ),
    "api_bad_instant": (
        "Thời điểm '{value}' không đúng dạng (ví dụ 2026-12-07 hoặc 2026-12-07T08:00).",
        "The time '{value}' is not valid (for example 2026-12-07 or 2026-12-07T08:00).",
    ),
    "w_media_missing": (
        "Chưa có tệp âm thanh: chọn một tệp hoặc ghi âm trước.",
        "No audio file: choose a file or record one first.",
    ),
    # the New bulletin page
    "w_kind": ("Loại bản tin", "Kind of bulletin"),
    "w_kind_speech": ("Đọc văn bản", "Read a text"),
    "w_kind_audio": ("Tệp âm thanh", "Audio file"),
    "w_kind_relay": ("Tiếp âm", "Relay"),
    "w_media_file": ("Chọn tệp âm thanh", "Choose an audio file"),
    "w_media_upload": ("Tải lên", "Upload"),
    "w_record": ("Ghi âm", "Record"),
    "w_record_stop": ("Dừng", "Stop"),
    "w_record_use": ("Dùng bản ghi này", "Use this recording"),
    "w_record_help": (
        "Ghi âm bằng micrô của điện thoại hoặc máy tính, nghe lại, rồi bấm 'Dùng bản ghi này'.",
        "Record with the phone's or computer's microphone, listen back, then press 'Use this recording'.",
    ),
    "w_recording": ("Đang ghi âm… bấm 'Dừng' khi xong.", "Recording… press 'Stop' when done."),
    "w_recorded": ("Đã ghi {seconds} giây. Nghe lại bên dưới.", "Recorded {seconds} s. Listen back below."),
    "w_record_unsupported": (
        "Trình duyệt này không ghi âm được (cần HTTPS và quyền dùng micrô); hãy tải tệp lên.",
        "This browser cannot record (it needs HTTPS and microphone permission); upload a file instead.",
    ),
    "w_uploading": ("Đang tải lên và kiểm tra tệp…", "Uploading and checking the file…"),
    "w_media_ready": (
        "Tệp số {id} đã sẵn sàng: {name}, {seconds} giây.",
        "File {id} is ready: {name}, {seconds} s.",
    ),
    "w_media_id": ("Số tệp âm thanh", "Audio file number"),
    "w_media_recent": ("Tệp đã có", "Stored files"),
    "w_media_none": ("(chưa chọn)", "(none chosen)"),
    "w_audio_text_help": (
        "Văn bản (không bắt buộc): đăng lên các kênh khác; loa phát tệp âm thanh.",
        "Text (optional): posted on the other channels; the radio plays the file.",
    ),
    "w_relay_source": ("Nguồn tiếp âm", "Relay source"),
    "w_relay_minutes": ("Số phút tiếp âm", "Minutes to relay"),
    "w_zones_field": ("Cụm loa", "Loudspeaker zones"),
    "w_zones_help": ("Không chọn: phát ở mọi cụm loa.", "None chosen: every zone."),
    "w_zone": ("Cụm loa", "Zone"),
    "w_node": ("Máy chạy", "Node"),
    # the bulletin page, the programme and the log
    "w_file": ("Tệp", "File"),
    "w_relay_for": ("Tiếp âm {relay} trong {minutes} phút", "Relay {relay} for {minutes} min"),
    "w_relay_until": ("đến {at}", "until {at}"),
    "w_heard": (
        "Người nghe nhận được {seconds} giây, trễ {delay} ms",
        "A listener heard {seconds} s, {delay} ms late",
    ),
    "w_heard_silent": ("im lặng {seconds} giây (dài nhất {longest} giây)", "silent {seconds} s (longest {longest} s)"),
    # Today's alerts
    "w_alerts": ("Cảnh báo 24 giờ qua", "Alerts of the last 24 hours"),
    "w_alert_dead_air": ("Mất tiếng", "Dead air"),
    "w_alert_mount_unreachable": ("Không kết nối được luồng", "Mount unreachable"),
    "w_alert_relay_gap": ("Tiếp âm bị ngắt", "Relay gap"),
    "w_alert_relay_fallback": ("Tiếp âm phải phát dự phòng", "Relay fallback"),
}
