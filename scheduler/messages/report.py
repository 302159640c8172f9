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
        "{airings} lượt phát/đăng theo lịch: {done} thành công, {problems} lỗi, bỏ lỡ, bỏ qua hoặc chưa rõ, "
        "{dry_runs} chạy thử (không tính); tỷ lệ thành công {rate}; {minutes} phút phát thanh.",
        "{airings} scheduled airings and posts: {done} done, {problems} failed, missed, skipped or unclear, "
        "{dry_runs} dry runs (not counted); success rate {rate}; {minutes} minutes on the radio.",
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
    # the periodic report's words (scheduler.report.labels.label)
    "r_nation": ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM"),
    "r_motto": ("Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"),
    "r_title": ("BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH TUYÊN TRUYỀN", "REPORT ON THE COMMUNICATION PLAN'S IMPLEMENTATION"),
    "r_plan": ("Thực hiện: {title}", "Plan: {title}"),
    "r_no_plan": ("(Chưa có kế hoạch tuyên truyền đang áp dụng)", "(No communication plan in force)"),
    "r_source": (
        "Số liệu tổng hợp tự động từ nhật ký phát sóng của hệ thống Loa, lập lúc {at}.",
        "Figures compiled automatically from the Loa broadcast log at {at}.",
    ),
    "r_sheet_summary": ("Tổng hợp", "Summary"),
    "r_sheet_items": ("Theo nội dung", "By item"),
    "r_sheet_days": ("Phát thanh theo ngày", "Radio by day"),
    "r_sheet_problems": ("Lỗi và bỏ lỡ", "Failures and misses"),
    "r_sheet_lateness": ("Độ trễ", "Lateness"),
    "r_sheet_zones": ("Cụm loa", "Zones"),
    "r_s7": ("VII. KẾT QUẢ THEO CỤM LOA", "VII. RESULTS BY LOUDSPEAKER ZONE"),
    "r_s8": (
        "VIII. CẢNH BÁO MẤT TIẾNG, MẤT KẾT NỐI, GIÁN ĐOẠN TIẾP ÂM",
        "VIII. DEAD AIR, UNREACHABLE MOUNTS, RELAY GAPS",
    ),
    "r_zone": ("Cụm loa", "Zone"),
    "r_zone_all": ("(toàn đài)", "(whole station)"),
    "r_aired": ("Đã phát", "Aired"),
    "r_heard": ("Nghe lại được", "Heard back"),
    "r_delay": ("Trễ nghe trung bình (ms)", "Mean delay heard (ms)"),
    "r_dead_air": ("Mất tiếng", "Dead air"),
    "r_unreachable": ("Mất kết nối", "Unreachable"),
    "r_relay_gaps": ("Gián đoạn tiếp âm", "Relay gaps"),
    "r_at": ("Thời điểm", "At"),
    "r_kind": ("Loại", "Kind"),
    "r_seconds": ("Số giây", "Seconds"),
    "r_no_alerts": ("Không có cảnh báo nào.", "No alert was raised."),
    "r_heard_note": (
        '"Nghe lại được": bộ nghe của Loa kết nối điểm phát như một loa IP và nghe thấy âm thanh của lượt phát.',
        "\"Heard back\": Loa's listener, connected to the mount as an IP loudspeaker is, heard the airing's audio.",
    ),
    "r_s1": ("I. KẾT QUẢ CHUNG", "I. OVERALL RESULTS"),
    "r_s2": ("II. SỐ LƯỢT THEO KÊNH VÀ KẾT QUẢ", "II. AIRINGS BY CHANNEL AND OUTCOME"),
    "r_s3": ("III. SỐ LƯỢT TUYÊN TRUYỀN THEO NỘI DUNG KẾ HOẠCH", "III. AIRINGS BY PLAN ITEM"),
    "r_s4": ("IV. THỜI LƯỢNG PHÁT THANH THEO NGÀY", "IV. RADIO AIR TIME BY DAY"),
    "r_s5": ("V. CÁC LƯỢT PHÁT LỖI, BỎ LỠ, CHƯA RÕ KẾT QUẢ", "V. FAILED, MISSED AND UNCLEAR AIRINGS"),
    "r_s6": ("VI. ĐỘ TRỄ SO VỚI GIỜ PHÁT DỰ KIẾN", "VI. LATENESS AGAINST THE PLANNED TIME"),
    "r_k_airings": ("Tổng số lượt phát, đăng theo lịch", "Scheduled airings and posts"),
    "r_k_done": ("Thành công (đã phát, đã đăng)", "Done (aired, posted)"),
    "r_k_problems": ("Lỗi, bỏ lỡ, bỏ qua, chưa rõ kết quả", "Failed, missed, skipped or unclear"),
    "r_k_dry_runs": ("Chạy thử (không đăng thật)", "Dry runs (nothing posted)"),
    "r_k_rate": ("Tỷ lệ thành công (không tính chạy thử)", "Success rate (dry runs left out)"),
    "r_problems": ("Lỗi, bỏ lỡ, bỏ qua, chưa rõ", "Failed, missed, skipped, unclear"),
    "r_rate": ("Tỷ lệ thành công", "Success rate"),
    "r_dry_run_note": (
        "Lượt chạy thử (kênh đặt dry_run = true) không đăng gì thật: không tính là thành công, cũng không tính là lỗi.",
        "Dry runs (a channel with dry_run = true) post nothing for real: neither a success nor a failure.",
    ),
    "r_k_minutes": ("Tổng thời lượng phát thanh (phút)", "Radio air time (minutes)"),
    "r_k_items": ("Số nội dung kế hoạch đã được tuyên truyền", "Plan items that went out"),
    "r_k_missing": ("Nội dung chưa được tuyên truyền", "Plan items not yet aired"),
    "r_channel": ("Kênh", "Channel"),
    "r_done": ("Thành công", "Done"),
    "r_airings": ("Tổng số lượt", "Airings"),
    "r_records": ("Số bản ghi nhật ký", "Log records"),
    "r_total": ("Tổng cộng", "Total"),
    "r_ref": ("Mục", "Item"),
    "r_item": ("Nội dung tuyên truyền", "Content"),
    "r_last": ("Lần gần nhất", "Last aired"),
    "r_note": ("Ghi chú", "Note"),
    "r_not_aired": ("Chưa được tuyên truyền", "Not aired"),
    "r_via_children": ("Qua các mục con", "Through its sub-items"),
    "r_rotation_skipped": ("Không đưa vào xoay vòng", "Left out of the rotation"),
    "r_announcements": ("Lời mở đầu, kết thúc chương trình", "Programme openings and closings"),
    "r_other": ("Tin, bài khác ngoài kế hoạch", "Other bulletins outside the plan"),
    "r_day": ("Ngày", "Date"),
    "r_weekday": ("Thứ", "Day"),
    "r_count": ("Số lượt", "Airings"),
    "r_minutes": ("Số phút", "Minutes"),
    "r_no": ("STT", "No."),
    "r_airing": ("Lượt phát", "Airing"),
    "r_due": ("Giờ dự kiến", "Due"),
    "r_outcome": ("Kết quả", "Outcome"),
    "r_bulletin": ("Bản tin", "Bulletin"),
    "r_code": ("Mã lỗi", "Error code"),
    "r_reason": ("Lý do", "Reason"),
    "r_retried": ("Phát lại", "Retried"),
    "r_retried_as": ("lượt #{id}: {outcome}", "airing #{id}: {outcome}"),
    "r_no_problems": ("Không có lượt phát nào lỗi hoặc bỏ lỡ.", "No airing failed or was missed."),
    "r_no_record": ("không có bản ghi (quá giờ mà chưa chạy)", "no record (overdue, never run)"),
    "r_measured": ("Số lượt có đo", "Measured"),
    "r_late": ("Trễ từ 1 phút", "Late by 1 min or more"),
    "r_mean": ("Trung bình (giây)", "Mean (s)"),
    "r_median": ("Trung vị (giây)", "Median (s)"),
    "r_p95": ("95% số lượt không quá (giây)", "95th percentile (s)"),
    "r_max": ("Lớn nhất (giây)", "Max (s)"),
    "r_late_note": (
        "Độ trễ tính từ giờ phát dự kiến đến lúc bắt đầu phát/đăng, chỉ với các lượt thành công.",
        "Lateness runs from the planned time to the start of playout or posting, successful airings only.",
    ),
    "r_count_note": (
        "Mỗi lượt phát được tính một lần theo kết quả cuối cùng (bản ghi đính chính được tính thay cho bản ghi trước).",
        "Each airing counts once, by its final outcome (a correcting record replaces the earlier one).",
    ),
    "r_chart_channels": ("Số lượt thành công theo kênh", "Successful airings by channel"),
    "r_chart_minutes": ("Số phút phát thanh mỗi ngày", "Radio minutes per day"),
    "r_chart_items": ("Số lượt tuyên truyền theo nội dung và kênh", "Airings by plan item and channel"),
    "r_recipients": (
        "Nơi nhận:\n- Thường trực UBND xã (để b/c);\n- Lưu: Đài truyền thanh.",
        "To:\n- The Commune People's Committee (for information);\n- File.",
    ),
    "r_signer": ("NGƯỜI LẬP BÁO CÁO", "PREPARED BY"),
    "r_sign_hint": ("(Ký, ghi rõ họ tên)", "(Signature and full name)"),
    "r_month": ("{month_name} năm {year}", "{month_name} {year}"),
    "r_year": ("Năm {year}", "Year {year}"),
    "r_range": ("Từ ngày {first} đến ngày {last}", "From {first} to {last}"),
    "r_issue": ("{place}, ngày {d} tháng {m} năm {y}", "{place}, {d}/{m}/{y}"),
    "r_period_short_month": ("tháng {month}/{year}", "{year}-{month:02d}"),
    "r_period_short_year": ("năm {year}", "{year}"),
    "r_period_short_range": ("từ {first} đến {last}", "{first} to {last}"),
}
