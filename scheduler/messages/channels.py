"""Messages of `loa channels check`, `loa reconcile`, `loa retry`, `loa mark`, and the transport every social channel shares."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # transport (any social channel)
    "channel_unreachable": (
        "Không kết nối được {channel} ({reason}); chưa gửi gì, sẽ thử lại.",
        "Cannot connect to {channel} ({reason}); nothing was sent; it will be tried again.",
    ),
    "channel_tls": (
        "Kết nối bảo mật tới {channel} lỗi ({reason}); kiểm tra địa chỉ trong cấu hình và đồng hồ máy.",
        "The secure connection to {channel} failed ({reason}); check the address in the config and the clock.",
    ),
    "channel_timeout": (
        "{channel} không trả lời sau {seconds} giây; yêu cầu có thể đã tới nơi nên không gửi lại tự động. "
        "Chạy 'loa reconcile' để đối soát.",
        "{channel} did not answer within {seconds} s; the request may have arrived, so it is not sent again "
        "automatically. Run 'loa reconcile'.",
    ),
    "channel_dropped": (
        "Kết nối tới {channel} bị ngắt sau khi đã gửi yêu cầu ({reason}); chưa rõ đã đăng hay chưa. "
        "Chạy 'loa reconcile' để đối soát.",
        "The connection to {channel} dropped after the request was sent ({reason}); whether it was posted is "
        "unclear. Run 'loa reconcile'.",
    ),
    "channel_bad_reply": (
        "{channel} trả lời không đọc được (HTTP {http}: {reason}); chưa rõ đã đăng hay chưa. "
        "Chạy 'loa reconcile' để đối soát.",
        "{channel} sent a reply that cannot be read (HTTP {http}: {reason}); whether it was posted is unclear. "
        "Run 'loa reconcile'.",
    ),
    "channel_server_error": (
        "{channel} báo lỗi máy chủ (HTTP {http} {reason}) sau khi nhận yêu cầu; chưa rõ đã đăng hay chưa. "
        "Chạy 'loa reconcile' để đối soát.",
        "{channel} answered with a server error (HTTP {http} {reason}) after receiving the request; whether it "
        "was posted is unclear. Run 'loa reconcile'.",
    ),
    "post_unclear": (
        "Tiến trình dừng giữa lúc đăng và chưa thấy bài trên trang; chưa rõ đã đăng hay chưa. "
        "Chạy 'loa reconcile' sau ít phút, hoặc kiểm tra rồi dùng 'loa mark' / 'loa retry'.",
        "The runner stopped while posting and the post is not on the page yet; whether it went out is unclear. "
        "Run 'loa reconcile' in a few minutes, or check and use 'loa mark' / 'loa retry'.",
    ),
    # loa channels check
    "check_dry_run": ("chạy thử (dry_run = true): không đăng gì.", "dry run (dry_run = true): nothing is posted."),
    "check_live": ("đăng thật (dry_run = false).", "posting for real (dry_run = false)."),
    "check_fb_no_page": (
        "chưa đặt page_id trong [channels.facebook].",
        "page_id is not set in [channels.facebook].",
    ),
    "check_fb_wrong_page": (
        "token thuộc về {name} ({id}), không phải Trang {page}: tạo Page access token cho đúng Trang và đặt vào {env}.",
        "the token belongs to {name} ({id}), not to Page {page}: create a Page access token for that Page and "
        "put it in {env}.",
    ),
    "check_fb_page": ("token hợp lệ cho Trang {name} ({id}).", "the token is valid for the Page {name} ({id})."),
    "check_fb_feed": (
        "đọc được bảng tin của Trang (dùng để đối soát).",
        "the Page feed can be read (used by reconcile).",
    ),
    "check_zalo_no_cover": (
        "chưa đặt cover_url: Zalo bắt buộc ảnh bìa cho bài viết.",
        "cover_url is not set: Zalo requires a cover image for articles.",
    ),
    "check_zalo_no_app": (
        "chưa đặt app_id trong [channels.zalo].",
        "app_id is not set in [channels.zalo].",
    ),
    "check_zalo_oa": ("token hợp lệ cho OA {name} ({id}).", "the token is valid for the OA {name} ({id})."),
    "check_zalo_group": ("gửi được vào nhóm {name} ({group}).", "the group {name} ({group}) can be reached."),
    "check_zalo_group_disabled": (
        "nhóm {name} ({group}) đang bị khóa: OA không gửi tin vào được.",
        "the group {name} ({group}) is disabled: the OA cannot send to it.",
    ),
    "check_zalo_group_error": (
        "không dùng được nhóm {group} ({cause}: {reason}): kiểm tra mã nhóm trong group_ids.",
        "the group {group} cannot be used ({cause}: {reason}): check its id in group_ids.",
    ),
    "check_header": ("Kênh {channel}:", "Channel {channel}:"),
    "check_nothing": ("không cần kiểm tra.", "nothing to check."),
    "check_all_ok": ("Mọi kênh sẵn sàng.", "Every channel is ready."),
    "check_warnings": (
        "Không có lỗi, nhưng có {count} cảnh báo (các dòng ! ở trên): đọc kỹ trước khi đăng thật.",
        "No errors, but {count} warning(s) (the ! lines above): read them before posting for real.",
    ),
    "check_problems": (
        "Có {count} vấn đề cần sửa (xem các dòng ✗ ở trên).",
        "{count} problem(s) to fix (see the ✗ lines above).",
    ),
    # loa reconcile / retry / mark
    "reconcile_none": ("Không có lượt nào chưa rõ kết quả.", "No airing has an unclear outcome."),
    "reconcile_settled": (
        "Lượt #{airing} ({channel}): đã tìm thấy bài {id} — ghi nhận đã đăng.",
        "Airing {airing} ({channel}): post {id} found — recorded as posted.",
    ),
    "reconcile_open": (
        "Lượt #{airing} ({channel}, {due}): vẫn chưa rõ. Kiểm tra trên trang, rồi "
        "'loa mark {airing} --as posted --external-id MÃ' hoặc 'loa mark {airing} --as failed', "
        "hoặc 'loa retry {airing}' để đăng lại.",
        "Airing {airing} ({channel}, {due}): still unclear. Check the page, then "
        "'loa mark {airing} --as posted --external-id ID' or 'loa mark {airing} --as failed', "
        "or 'loa retry {airing}' to post it again.",
    ),
    "reconcile_error": (
        "Lượt #{airing} ({channel}): chưa tra cứu được ({reason}); thử lại sau.",
        "Airing {airing} ({channel}): could not look it up ({reason}); try again later.",
    ),
    "reconcile_disabled": (
        "Lượt #{airing}: kênh {channel} không bật nên không tra cứu được.",
        "Airing {airing}: channel {channel} is not enabled, so it cannot be looked up.",
    ),
    "reconciled_note": ("Đối soát: đã tìm thấy bài trên trang.", "Reconciled: the post was found on the page."),
    "retry_queued": (
        "Đã xếp lượt #{new} đăng lại lượt #{airing} trên {channel} lúc {due}.",
        "Queued airing {new} to post airing {airing} again on {channel} at {due}.",
    ),
    "retry_carried": (
        "Phần đã đăng sẽ không gửi lại: {steps}.",
        "What already went out is not sent again: {steps}.",
    ),
    "retry_found": (
        "Lượt #{airing} thực ra đã đăng (bài {id}); đã ghi nhận, không đăng lại.",
        "Airing {airing} was posted after all (post {id}); recorded, not posted again.",
    ),
    "retried_note": (
        "Người trực cho đăng lại thành lượt #{new}.",
        "The operator posted it again as airing {new}.",
    ),
    "airing_not_retryable": (
        "Lượt #{id} đang ở trạng thái {state}; chỉ đăng lại được lượt lỗi, bỏ lỡ hoặc chưa rõ.",
        "Airing {id} is {state}; only failed, missed or unclear airings can be retried.",
    ),
    "airing_not_unknown": (
        "Lượt #{id} đang ở trạng thái {state}; chỉ đánh dấu được lượt chưa rõ kết quả.",
        "Airing {id} is {state}; only airings with an unclear outcome can be marked.",
    ),
    "airing_channel_off": (
        "Kênh {channel} của lượt #{id} không bật trong cấu hình.",
        "Channel {channel} of airing {id} is not enabled in the configuration.",
    ),
    "mark_done": ("Đã ghi lượt #{airing}: {outcome}.", "Recorded airing {airing}: {outcome}."),
    "marked_note": ("Người trực đánh dấu: {note}", "Marked by the operator: {note}"),
    # the radio's unknown outcomes (loa reconcile, loa mark)
    "reconcile_radio_aired": (
        "Lượt #{airing} (truyền thanh, {due}): bộ phát đã nhận và phát bản tin — ghi nhận đã phát.",
        "Airing {airing} (radio, {due}): the playout took it and aired it — recorded as aired.",
    ),
    "reconcile_radio_not_played": (
        "Lượt #{airing} (truyền thanh, {due}): bộ phát chưa hề nhận bản tin — ghi nhận lỗi; "
        "'loa retry {airing}' để phát lại.",
        "Airing {airing} (radio, {due}): the playout never received it — recorded as failed; "
        "'loa retry {airing}' airs it again.",
    ),
    "reconcile_radio_radio_open": (
        "Lượt #{airing} (truyền thanh, {due}): bộ phát không biết đã phát hết hay chưa. Nghe lại bản lưu "
        "hoặc hỏi người trực, rồi 'loa mark {airing} --as aired', '--as failed' hoặc '--as missed'.",
        "Airing {airing} (radio, {due}): the playout cannot tell whether it aired. Listen to the archive "
        "or ask who was there, then 'loa mark {airing} --as aired', '--as failed' or '--as missed'.",
    ),
    "reconcile_radio_radio_off": (
        "Lượt #{airing} (truyền thanh, {due}): truyền thanh không bật trong cấu hình nên không hỏi được bộ phát; "
        "kiểm tra rồi 'loa mark {airing} --as aired', '--as failed' hoặc '--as missed'.",
        "Airing {airing} (radio, {due}): the radio is not enabled in the configuration, so its playout cannot be "
        "asked; check, then 'loa mark {airing} --as aired', '--as failed' or '--as missed'.",
    ),
    "reconciled_radio_note": (
        "Đối soát: sổ bàn giao của bộ phát ghi đã phát.",
        "Reconciled: the playout's hand-over ledger says it aired.",
    ),
    "reconciled_radio_not_played": (
        "Đối soát: bộ phát chưa hề nhận bản tin này.",
        "Reconciled: the playout never received this bulletin.",
    ),
    "mark_outcome_radio": (
        "Lượt #{id} là lượt truyền thanh: ghi nhận là aired (đã phát), failed (lỗi) hoặc missed (bỏ lỡ), "
        "không phải '{value}'.",
        "Airing {id} is a radio airing: record it as aired, failed or missed, not '{value}'.",
    ),
    "mark_outcome_social": (
        "Lượt #{id} trên {channel}: ghi nhận là posted (đã đăng) hoặc failed (lỗi), không phải '{value}'.",
        "Airing {id} on {channel}: record it as posted or failed, not '{value}'.",
    ),
    # what a channel's settings expect (Problem.expected)
    "exp_post_template": (
        "một mẫu chỉ dùng các trường {fields} và bắt buộc có {{key}}",
        "a template using only the fields {fields}, and {{key}} among them",
    ),
    "exp_command_file": (
        "một lệnh có {{file}}",
        "a command containing {{file}}",
    ),
    "exp_quiet_hours": (
        '"HH:MM-HH:MM" hoặc ""',
        '"HH:MM-HH:MM" or ""',
    ),
    "exp_page_id": (
        "mã Trang Facebook khi dry_run = false",
        "the Page id when dry_run = false",
    ),
    "exp_zalo_app_id": (
        "mã ứng dụng Zalo khi dry_run = false",
        "the app id when dry_run = false",
    ),
    "exp_zalo_cover": (
        "ảnh bìa http(s):// (Zalo bắt buộc)",
        "a cover image URL (required)",
    ),
}
