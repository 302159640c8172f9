"""Messages of the stations kept as data: `loa station add | list | show | edit`, the console page and the API."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # refusals
    "station_bad_code": (
        "Mã đài '{station}' không hợp lệ: dùng chữ thường không dấu, chữ số, '-' hoặc '_' (tối đa 40 ký tự).",
        "Station code '{station}' is not valid: use lower case letters without accents, digits, '-' or '_' "
        "(at most 40 characters).",
    ),
    "station_exists": ("Đã có đài mã '{station}'.", "There is already a station with the code '{station}'."),
    "station_unknown": ("Không có đài mã '{station}'.", "There is no station with the code '{station}'."),
    "station_bad_name": (
        "Tên đài phải có từ 1 đến 200 ký tự, không chứa ký tự điều khiển.",
        "A station name must be 1 to 200 characters, without control characters.",
    ),
    "station_bad_district": (
        "Tên huyện tối đa 100 ký tự, không chứa ký tự điều khiển.",
        "A district name must be at most 100 characters, without control characters.",
    ),
    "station_bad_timezone": (
        "Múi giờ '{timezone}' không có trong cơ sở dữ liệu múi giờ IANA (ví dụ Asia/Ho_Chi_Minh).",
        "The time zone '{timezone}' is not in the IANA time zone database (for example Asia/Ho_Chi_Minh).",
    ),
    "station_not_own_table": (
        "Cấu hình của đài không được có bảng '{key}': đài chỉ có các bảng {allowed}; phần còn lại là của "
        "tệp config.toml chung.",
        "A station's settings cannot hold the table '{key}': a station has only the tables {allowed}; the "
        "rest belongs to the shared config.toml.",
    ),
    "station_file_too_big": (
        "Tệp cấu hình đài {path} quá lớn ({size} byte, tối đa {limit}).",
        "The station file {path} is too big ({size} bytes, at most {limit}).",
    ),
    "station_settings_too_big": (
        "Cấu hình của đài quá lớn ({size} byte, tối đa {limit}).",
        "The station's settings are too big ({size} bytes, at most {limit}).",
    ),
    "station_file_and_config": (
        "Chọn --file hoặc --from-config, không dùng cả hai.",
        "Give --file or --from-config, not both.",
    ),
    "station_bad_set": (
        "Không hiểu '--set {item}': viết khóa=giá trị, ví dụ speech.rate=170 hoặc "
        'channels.enabled=["radio","facebook"].',
        "Cannot read '--set {item}': write key=value, for example speech.rate=170 or "
        'channels.enabled=["radio","facebook"].',
    ),
    "station_set_not_table": (
        "Không đặt được '{key}': '{parent}' không phải là một bảng.",
        "Cannot set '{key}': '{parent}' is not a table.",
    ),
    "station_set_identity": (
        "Không đặt '{key}' bằng --set: dùng --name hoặc --timezone (mã đài không đổi được).",
        "Do not set '{key}' with --set: use --name or --timezone (a station's code cannot change).",
    ),
    "station_from_file": (
        "Đài '{station}' được cấu hình trong tệp {path}: sửa tên, múi giờ và cấu hình của đài trong tệp đó.",
        "Station '{station}' is configured by the file {path}: change its name, time zone and settings there.",
    ),
    "station_bad_value": (
        "Cấu hình của đài chỉ chứa bảng, mảng, chuỗi, số và đúng/sai (không có ngày giờ): '{key}'.",
        "A station's settings hold only tables, arrays, strings, numbers and booleans (no dates): '{key}'.",
    ),
    "station_nothing_to_change": (
        "Không có gì để sửa: dùng --name, --district, --timezone, --active/--inactive, --set hoặc --file.",
        "Nothing to change: give --name, --district, --timezone, --active/--inactive, --set or --file.",
    ),
    "station_forbidden": (
        "Chỉ quản trị cấp tỉnh mới được thêm hoặc sửa đài.",
        "Only a province administrator may add or change stations.",
    ),
    "api_station_body": (
        "Trường '{key}' cần kiểu JSON {expected}.",
        "The field '{key}' expects a JSON {expected}.",
    ),
    # the CLI
    "station_added": ("Đã thêm đài {station} ({name}).", "Added station {station} ({name})."),
    "station_changed": ("Đã sửa đài {station} ({name}).", "Changed station {station} ({name})."),
    "station_list_empty": ("Chưa có đài nào.", "There are no stations yet."),
    "station_settings_file": (
        "(cấu hình từ tệp {path})",
        "(settings from the file {path})",
    ),
    "station_settings_elsewhere": (
        "(cấu hình từ tệp config.toml của đài đó)",
        "(settings from that station's own config.toml)",
    ),
    "station_settings_broken": (
        "Cấu hình đã lưu không còn hợp lệ: {reason}",
        "The stored settings are no longer valid: {reason}",
    ),
    # words (CLI tables and the console)
    "w_stations": ("Đài", "Stations"),
    "w_station_code": ("Mã đài", "Code"),
    "w_station_name": ("Tên đài", "Name"),
    "w_district": ("Huyện", "District"),
    "w_timezone": ("Múi giờ", "Time zone"),
    "w_slot_count": ("Khung giờ", "Slots"),
    "w_zone_list": ("Cụm loa", "Zones"),
    "w_channels_enabled": ("Kênh", "Channels"),
    "w_served_by": ("Máy chạy", "Node"),
    "w_settings": ("Cấu hình (TOML)", "Settings (TOML)"),
    "w_settings_source": ("Nguồn cấu hình", "Settings from"),
    "w_source_file": ("tệp config.toml", "config.toml"),
    "w_source_data": ("cơ sở dữ liệu", "the database"),
    "w_station_add": ("Thêm đài", "Add a station"),
    "w_station_edit": ("Sửa đài", "Edit the station"),
    "w_station_active": ("Đang hoạt động", "Active"),
    "w_station_inactive": ("Ngừng hoạt động", "Inactive"),
    "w_read_only": ("Chỉ xem", "Read only"),
    "w_settings_hint": (
        "Các bảng station, slots, channels, speech, audio, programme, require_approval; không ghi bí mật.",
        "The tables station, slots, channels, speech, audio, programme, require_approval; no secrets.",
    ),
}
