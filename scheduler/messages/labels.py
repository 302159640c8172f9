"""Label tables in Vietnamese and English (outcomes, statuses, actions, channels, ...), the same keys in each."""

from __future__ import annotations

__all__ = [
    "OUTCOME_LABELS",
    "STATUS_LABELS",
    "ACTION_LABELS",
    "CHANNEL_LABELS",
    "PRIORITY_LABELS",
    "ORIGIN_LABELS",
    "LOG_HEADERS",
    "NOTE_LABELS",
    "KIND_LABELS",
    "WEEKDAY_LABELS",
    "MONTH_NAMES",
]

OUTCOME_LABELS = {
    "vi": {
        "aired": "đã phát",
        "posted": "đã đăng",
        "failed": "lỗi",
        "missed": "bỏ lỡ",
        "skipped": "bỏ qua",
        "dry_run": "chạy thử",
        "unknown": "chưa rõ",
    },
    "en": {
        "aired": "aired",
        "posted": "posted",
        "failed": "failed",
        "missed": "missed",
        "skipped": "skipped",
        "dry_run": "dry run",
        "unknown": "unknown",
    },
}
STATUS_LABELS = {  # an airing's status (broadcasts.models.AiringStatus)
    "vi": {
        "pending": "chờ phát",
        "running": "đang phát",
        "unknown": "chưa rõ",
        "done": "đã xong",
        "cancelled": "đã hủy",
    },
    "en": {"pending": "pending", "running": "running", "unknown": "unknown", "done": "done", "cancelled": "cancelled"},
}
ACTION_LABELS = {  # what the audit trail records (scheduler.services.users.audit and friends)
    "vi": {
        "login": "đăng nhập",
        "logout": "đăng xuất",
        "login_failed": "đăng nhập sai",
        "login_locked": "tài khoản bị khóa tạm",
        "user_add": "thêm người dùng",
        "user_change": "sửa người dùng",
        "token_add": "cấp mã API",
        "token_revoke": "thu hồi mã API",
        "password_reset": "đặt lại mật khẩu",
        "user_assign": "gán người dùng cho đài",
        "draft": "soạn bản nháp",
        "queue": "xếp bản tin",
        "emergency": "phát khẩn cấp",
        "approved": "duyệt",
        "rejected": "từ chối",
        "plan_import": "nạp kế hoạch",
        "bulletin_cancel": "huỷ bản tin",
        "bulletin_move": "dời bản tin",
        "bulletin_edit": "sửa bản tin",
        "radio_stop": "dừng phát",
        "station_add": "thêm đài",
        "station_change": "sửa đài",
    },
    "en": {
        "login": "login",
        "logout": "logout",
        "login_failed": "failed login",
        "login_locked": "account locked",
        "user_add": "user added",
        "user_change": "user changed",
        "token_add": "API token issued",
        "token_revoke": "API token revoked",
        "password_reset": "password reset",
        "user_assign": "user assigned to the station",
        "draft": "draft",
        "queue": "queued",
        "emergency": "emergency",
        "approved": "approved",
        "rejected": "rejected",
        "plan_import": "plan imported",
        "bulletin_cancel": "bulletin cancelled",
        "bulletin_move": "bulletin moved",
        "bulletin_edit": "bulletin edited",
        "radio_stop": "radio stopped",
        "station_add": "station added",
        "station_change": "station changed",
    },
}
CHANNEL_LABELS = {
    "vi": {
        "radio": "Truyền thanh",
        "facebook": "Facebook",
        "zalo": "Zalo",
        "led": "Màn hình LED",
        "portal": "Cổng thông tin",
        "email": "Thư điện tử",
    },
    "en": {
        "radio": "Radio",
        "facebook": "Facebook",
        "zalo": "Zalo",
        "led": "LED screen",
        "portal": "Web portal",
        "email": "E-mail",
    },
}
PRIORITY_LABELS = {
    "vi": {"normal": "", "priority": "ƯU TIÊN", "emergency": "KHẨN CẤP"},
    "en": {"normal": "", "priority": "PRIORITY", "emergency": "EMERGENCY"},
}
ORIGIN_LABELS = {
    "vi": {"opening": "mở đầu", "closing": "kết thúc", "rotation": "xoay vòng", "operator": "", "demo": "demo"},
    "en": {"opening": "opening", "closing": "closing", "rotation": "rotation", "operator": "", "demo": "demo"},
}
LOG_HEADERS = {  # the columns of `loa log`
    "vi": ["Số", "Lượt", "Giờ phát", "Kênh", "Kết quả", "Trễ", "Thời lượng", "Bản tin", "Chi tiết"],
    "en": ["ID", "Airing", "Due", "Channel", "Outcome", "Late", "Length", "Bulletin", "Detail"],
}
NOTE_LABELS = {  # what a log record's detail notes (reconciled, marked, recovered)
    "vi": {
        "reconciled": "đối soát",
        "marked_by_operator": "người trực ghi nhận",
        "recovered": "khôi phục",
        "broadcast_deferred": "quảng bá hoãn",
        "deferred_from": "quảng bá đã hoãn",
    },
    "en": {
        "reconciled": "reconciled",
        "marked_by_operator": "marked by operator",
        "recovered": "recovered",
        "broadcast_deferred": "broadcast deferred",
        "deferred_from": "deferred broadcast",
    },
}
KIND_LABELS = {  # what a NotFoundError's `kind` names
    "vi": {
        "plan": "kế hoạch",
        "bulletin": "bản tin",
        "airing": "lượt phát",
        "audio": "âm thanh",
        "preview": "bản nghe thử",
        "token": "mã truy cập API",
    },
    "en": {
        "plan": "plan",
        "bulletin": "bulletin",
        "airing": "airing",
        "audio": "audio",
        "preview": "preview",
        "token": "API token",
    },
}
WEEKDAY_LABELS = {  # the report's days of the week, Monday first
    "vi": ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTH_NAMES = {  # a month as the report's period names it
    "vi": [
        "Tháng 1",
        "Tháng 2",
        "Tháng 3",
        "Tháng 4",
        "Tháng 5",
        "Tháng 6",
        "Tháng 7",
        "Tháng 8",
        "Tháng 9",
        "Tháng 10",
        "Tháng 11",
        "Tháng 12",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
