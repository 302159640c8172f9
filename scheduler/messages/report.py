"""Messages of `loa log`, `loa report` and `loa archive prune`."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # loa log
    "bad_outcome": (
        "Kết quả không xác định '{value}' (có: {known}).",
        "Unknown outcome '{value}' (known: {known}).",
    ),
    "bad_month": (
        "Không hiểu tháng '{value}'. Dùng YYYY-MM, ví dụ 2026-11.",
        "Cannot read the month '{value}'. Use YYYY-MM, e.g. 2026-11.",
    ),
    "bad_year": (
        "Năm không hợp lệ '{value}'. Dùng 4 chữ số, ví dụ 2026.",
        "Invalid year '{value}'. Use four digits, e.g. 2026.",
    ),
    "log_period_conflict": (
        "Dùng --month hoặc --since/--until, không dùng cả hai.",
        "Give --month or --since/--until, not both.",
    ),
    "log_page": (
        "Trang {page}/{pages}: bản ghi {first}–{last} trong {total}.",
        "Page {page}/{pages}: records {first}–{last} of {total}.",
    ),
    "log_page_next": ("Xem tiếp: --page {next}", "Next: --page {next}"),
    "log_page_beyond": (
        "Không có trang {page}: chỉ có {pages} trang ({total} bản ghi).",
        "There is no page {page}: there are {pages} pages ({total} records).",
    ),
    # loa report
    "report_period_missing": (
        "Cần chọn kỳ báo cáo: --month YYYY-MM, --year YYYY hoặc --from YYYY-MM-DD [--to YYYY-MM-DD].",
        "Choose the period: --month YYYY-MM, --year YYYY or --from YYYY-MM-DD [--to YYYY-MM-DD].",
    ),
    "report_period_conflict": (
        "Chỉ dùng một trong --month, --year hoặc --from/--to.",
        "Give only one of --month, --year or --from/--to.",
    ),
    "report_period_order": (
        "Ngày bắt đầu {first} ở sau ngày kết thúc {last}.",
        "The first day {first} is after the last day {last}.",
    ),
    "report_out_type": (
        "Không ghi được báo cáo ra '{path}': chỉ hỗ trợ tệp .xlsx hoặc .csv.",
        "Cannot write the report to '{path}': only .xlsx and .csv files are supported.",
    ),
    "report_written": ("Đã ghi báo cáo {period}: {path}", "Wrote the report for {period}: {path}"),
    "report_summary": (
        "{airings} lượt phát/đăng theo lịch: {done} thành công, {problems} lỗi, bỏ lỡ hoặc chưa rõ; "
        "{minutes} phút phát thanh.",
        "{airings} scheduled airings and posts: {done} done, {problems} failed, missed or unclear; "
        "{minutes} minutes on the radio.",
    ),
    "report_items": (
        "{covered}/{items} nội dung của kế hoạch '{plan}' đã được tuyên truyền; chưa phát: {missing}.",
        "{covered}/{items} items of the plan '{plan}' went out; not yet: {missing}.",
    ),
    "report_no_plan": (
        "Chưa có kế hoạch đang dùng: báo cáo không có bảng theo nội dung.",
        "No active plan: the report has no table by content item.",
    ),
    # loa archive prune
    "archive_none": (
        "Chưa có kho âm thanh {path}: không có gì để dọn.",
        "There is no audio archive at {path}: nothing to prune.",
    ),
    "archive_nothing": (
        "Không có tệp âm thanh nào quá hạn lưu {days} ngày (ghi trước ngày {cutoff}).",
        "No audio is past the {days}-day retention (recorded before {cutoff}).",
    ),
    "archive_would_delete": (
        "Chạy thử: sẽ xóa {files} tệp âm thanh ({size}) ghi trước ngày {cutoff} (giữ {days} ngày). "
        "Bỏ --dry-run để xóa.",
        "Dry run: would delete {files} audio files ({size}) recorded before {cutoff} (keeping {days} days). "
        "Run without --dry-run to delete.",
    ),
    "archive_deleted": (
        "Đã xóa {files} tệp âm thanh, giải phóng {size} (ghi trước ngày {cutoff}, giữ {days} ngày). "
        "Danh sách ghi trong {manifest}.",
        "Deleted {files} audio files, freeing {size} (recorded before {cutoff}, keeping {days} days). "
        "Listed in {manifest}.",
    ),
    "archive_kept": (
        "Giữ lại {files} tệp quá hạn vì nhật ký còn cần hoặc không khớp mã băm (xóa cả: --force):",
        "Kept {files} files past retention that the log still needs or whose checksum does not match "
        "(delete them too: --force):",
    ),
    "archive_keep_unsettled": (
        "lượt phát #{airing} chưa có kết quả cuối ({status}); chạy 'loa reconcile'",
        "airing #{airing} has no final outcome yet ({status}); run 'loa reconcile'",
    ),
    "archive_keep_recent": (
        "bản ghi nhật ký #{record} còn trong thời hạn lưu",
        "log record #{record} is still within retention",
    ),
    "archive_keep_mismatch": (
        "mã sha256 của tệp ({actual}…) khác nhật ký ({expected}…): cần kiểm tra",
        "the file's sha256 ({actual}…) differs from the log ({expected}…): check it",
    ),
    "archive_failed": (
        "Không xóa được {path}: {reason}",
        "Cannot delete {path}: {reason}",
    ),
}
