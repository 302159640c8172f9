"""Messages of changing what is queued: `loa bulletin`, its console pages and API, stopping the radio."""

from __future__ import annotations

__all__ = ["MESSAGES"]

MESSAGES: dict[str, tuple[str, str]] = {
    # what the log and the runner say
    "bulletin_cancelled_by": ("Đã huỷ bởi {user}: {reason}", "Cancelled by {user}: {reason}"),
    "operator_stopped": (
        "Bị ngắt giữa chừng: {user} cho dừng phát.",
        "Interrupted: {user} stopped it on the air.",
    ),
    "log_operator_stop": (
        "Lượt #{airing}: {user} cho dừng phát, đang ngắt loa.",
        "Airing {airing}: {user} asked to stop it, interrupting the radio.",
    ),
    # refusals
    "bulletin_change_forbidden": (
        "Không được thay đổi bản tin số {id}: người trực chỉ huỷ, dời, sửa bản nháp do mình soạn; "
        "bản tin đã duyệt cần người duyệt hoặc quản trị.",
        "You may not change bulletin {id}: an operator cancels, moves or edits only their own drafts; "
        "an approved bulletin needs an approver or an admin.",
    ),
    "bulletin_no_channel": (
        "Bản tin số {id} không có lượt phát trên kênh '{channel}' (có: {known}).",
        "Bulletin {id} has no airing on channel '{channel}' (it has: {known}).",
    ),
    "bulletin_nothing_pending": (
        "Bản tin số {id} không còn lượt nào chờ phát: không có gì để huỷ, dời hay sửa.",
        "Bulletin {id} has nothing left to air: nothing to cancel, move or edit.",
    ),
    "bulletin_move_how": (
        "Cần đúng một trong hai: thời điểm mới (--at) hoặc khung giờ (--slot).",
        "Give exactly one of a new time (--at) or a slot (--slot).",
    ),
    "bulletin_move_past": (
        "Thời điểm {at} đã qua; hãy chọn một thời điểm sắp tới.",
        "The time {at} has passed; choose a time to come.",
    ),
    "bulletin_unknown_slot": (
        "Không có khung giờ '{slot}' (có: {known}).",
        "There is no slot '{slot}' (slots: {known}).",
    ),
    "bulletin_edit_nothing": (
        "Cần nội dung mới hoặc tiêu đề mới (--text, --file hoặc --title).",
        "Give a new text or a new title (--text, --file or --title).",
    ),
    "bulletin_edit_one_source": (
        "Cho nội dung mới bằng --text hoặc --file, không dùng cả hai.",
        "Give the new text with --text or --file, not both.",
    ),
    "bulletin_title_empty": ("Tiêu đề không được để trống.", "The title must not be empty."),
    "bulletin_title_long": ("Tiêu đề dài quá {limit} ký tự.", "The title is longer than {limit} characters."),
    "bulletin_on_air": (
        "Bản tin số {id} đang phát nên chưa sửa được; chờ phát xong, hoặc huỷ kèm dừng phát (--stop) rồi xếp lại.",
        "Bulletin {id} is on the air and cannot be edited now; wait for it to end, or cancel it with --stop "
        "and queue it again.",
    ),
    "api_field_bool": ("Trường '{key}' phải là true hoặc false.", "The field '{key}' must be true or false."),
    # what `loa bulletin` prints
    "bulletin_list_none": ("Không có bản tin nào đang chờ phát.", "No bulletin is waiting to air."),
    "bulletin_heading": ("Bản tin số {id}: {title}", "Bulletin {id}: {title}"),
    "bulletin_facts": (
        "Ưu tiên: {priority} · Duyệt: {approval} · Nguồn: {origin} · Người soạn: {author} · Tạo lúc: {created}",
        "Priority: {priority} · Approval: {approval} · Origin: {origin} · Author: {author} · Created: {created}",
    ),
    "bulletin_body": ("Nội dung:", "Text:"),
    "bulletin_airings": ("Các lượt phát:", "Airings:"),
    "bulletin_cancel_done": (
        "Đã huỷ {count} lượt của bản tin số {id}:",
        "Cancelled {count} airing(s) of bulletin {id}:",
    ),
    "bulletin_move_done": ("Đã dời {count} lượt của bản tin số {id}:", "Moved {count} airing(s) of bulletin {id}:"),
    "bulletin_edit_done": ("Đã sửa bản tin số {id}.", "Edited bulletin {id}."),
    "bulletin_back_to_draft": (
        "Bản tin đã duyệt nay trở lại bản nháp: cần người duyệt duyệt lại trước khi phát (bảng điều khiển, mục Duyệt tin).",
        "The approved bulletin is a draft again: an approver must approve it before it airs (the console's Approvals).",
    ),
    "bulletin_running_left": (
        "Lượt #{airing} ({channel}) đang phát nên không huỷ; thêm --stop để dừng phát trên loa.",
        "Airing {airing} ({channel}) is on the air, so it is not cancelled; add --stop to stop the radio.",
    ),
    "bulletin_running_social": (
        "Lượt #{airing} ({channel}) đang được đăng, không dừng được; kết quả sẽ ghi vào nhật ký.",
        "Airing {airing} ({channel}) is being posted and cannot be stopped; its outcome will be logged.",
    ),
    "bulletin_stopping": (
        "Lượt #{airing} đang phát trên loa: đã yêu cầu dừng phát; nhật ký sẽ ghi là bị ngắt.",
        "Airing {airing} is on the radio: asked to stop it; the log will record it as interrupted.",
    ),
    "bulletin_author_none": ("không rõ", "not known"),
    "bulletin_origin_operator": ("người trực (dòng lệnh)", "operator (command line)"),
    "bulletin_origin_web": ("bảng điều khiển", "the console"),
    # the console
    "w_bulletin": ("Bản tin số {id}", "Bulletin {id}"),
    "w_cancel": ("Huỷ", "Cancel"),
    "w_cancel_confirm": ('Huỷ lượt phát "{title}" trên {channel}?', 'Cancel the airing "{title}" on {channel}?'),
    "w_cancel_all": ("Huỷ mọi lượt chờ phát", "Cancel every pending airing"),
    "w_cancel_reason": ("Lý do huỷ", "Why it is cancelled"),
    "w_stop_radio": ("Dừng phát nếu đang phát trên loa", "Stop the radio if it is on the air"),
    "w_move": ("Dời", "Move"),
    "w_move_at": ("Sang thời điểm", "To the time"),
    "w_move_slot": ("Hoặc sang khung giờ", "Or to the slot"),
    "w_edit": ("Sửa", "Edit"),
    "w_edit_save": ("Lưu nội dung", "Save the text"),
    "w_change": ("Huỷ / dời / sửa", "Cancel / move / edit"),
    "w_cancelled": ("Đã huỷ {count} lượt của bản tin số {id}.", "Cancelled {count} airing(s) of bulletin {id}."),
    "w_moved": ("Đã dời {count} lượt của bản tin số {id}.", "Moved {count} airing(s) of bulletin {id}."),
    "w_edited": ("Đã sửa bản tin số {id}.", "Edited bulletin {id}."),
}
