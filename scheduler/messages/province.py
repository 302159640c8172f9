"""Messages of a province's deployment: account scopes, bulletins sent to many stations and the consolidated log."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # scopes
    "unknown_scope": ("Phạm vi không hợp lệ: {scope} (có: {known}).", "Unknown scope: {scope} (known: {known})."),
    "scope_needs_district": (
        "Tài khoản cấp huyện cần ghi huyện (--district).",
        "A district account needs its district (--district).",
    ),
    "bad_district": ("Tên huyện không hợp lệ.", "Invalid district name."),
    # dispatches
    "dispatch_needs_scope": (
        "Chỉ tài khoản cấp huyện hoặc tỉnh gửi được bản tin cho nhiều đài.",
        "Only a district or province account can send a bulletin to many stations.",
    ),
    "dispatch_bad_target": (
        "Nơi nhận không hợp lệ: {target} (dùng all, một huyện hoặc danh sách mã đài).",
        "Invalid recipients: {target} (use all, a district or a list of station codes).",
    ),
    "dispatch_unknown_station": (
        "Không có đài mã '{station}' trong phạm vi của bạn.",
        "There is no station '{station}' within your reach.",
    ),
    "dispatch_other_district": (
        "Tài khoản huyện {district} không gửi được cho huyện {target}.",
        "An account of district {district} cannot send to district {target}.",
    ),
    "dispatch_no_station": (
        "Không có đài nào nhận bản tin này.",
        "No station would receive this bulletin.",
    ),
    "dispatch_unknown": ("Không có bản tin gửi nhiều đài số {id}.", "There is no dispatch {id}."),
    "dispatch_inactive": ("đài đang ngừng hoạt động", "the station is inactive"),
    "dispatch_sent": (
        "Đã gửi bản tin {id} tới {sent} đài; {skipped} đài bỏ qua, {failed} đài không nhận được.",
        "Dispatch {id} sent to {sent} stations; {skipped} skipped, {failed} not queued.",
    ),
    "dispatch_station_line": ("{station}: {status} {detail}", "{station}: {status} {detail}"),
    "queued_short": ("đã xếp lịch", "queued"),
    "dispatch_status_aired": ("đã phát", "aired"),
    "dispatch_status_pending": ("chờ phát", "pending"),
    "dispatch_status_failed": ("lỗi", "failed"),
    "dispatch_status_missed": ("bị lỡ", "missed"),
    "dispatch_status_skipped": ("bỏ qua", "skipped"),
    "dispatch_status_not_queued": ("không xếp được", "not queued"),
    "dispatch_status_draft": ("chờ duyệt", "waiting for approval"),
    "dispatch_status_cancelled": ("đã hủy", "cancelled"),
    # the province's report
    "report_province_header": (
        "Đài                    Lượt  Xong  Lỗi  Lỡ  Chưa rõ",
        "Station              Airings  Done Fail Miss Unknown",
    ),
    # console
    "w_dispatch": ("Gửi nhiều đài", "Send to stations"),
    "w_dispatch_to": ("Gửi tới", "Send to"),
    "w_dispatch_all": ("Tất cả các đài", "Every station"),
    "w_dispatch_district": ("Huyện", "District"),
    "w_dispatch_stations": ("Mã các đài (cách nhau bởi dấu phẩy)", "Station codes (comma separated)"),
    "w_dispatch_send": ("Gửi", "Send"),
    "w_dispatch_recent": ("Đã gửi gần đây", "Recently sent"),
    "w_station": ("Đài", "Station"),
    "w_detail": ("Chi tiết", "Detail"),
    # the station switcher and the log of every station one reaches
    "station_not_reached": (
        "Tài khoản của bạn không làm việc được với đài này (ngoài phạm vi của bạn hoặc không có).",
        "Your account cannot work on that station (it is outside your reach or does not exist).",
    ),
    "station_not_switchable": (
        "Không chuyển được sang đài {station}: cấu hình của đài không nằm trong cơ sở dữ liệu hoặc không "
        "hợp lệ (dùng bảng điều khiển của chính đài đó).",
        "Cannot switch to station {station}: its settings are not kept in the database or are not valid "
        "(use that station's own console).",
    ),
    "station_switched": ("Đang làm việc với đài {name} ({station}).", "Now working on station {name} ({station})."),
    "w_station_switch": ("Chuyển đài", "Switch"),
    "w_log_stations": ("Phạm vi", "Stations"),
    "w_log_this_station": ("Đài {name}", "Station {name}"),
    "w_log_all_mine": ("Tất cả đài của tôi", "All my stations"),
    "w_log_page": (
        "Trang {page}/{pages} · {first}-{last} trong {total} bản ghi",
        "Page {page} of {pages} · {first}-{last} of {total} records",
    ),
    "w_log_newer": ("← Mới hơn", "← Newer"),
    "w_log_older": ("Cũ hơn →", "Older →"),
}
