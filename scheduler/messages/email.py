"""Messages of the e-mail channel: SMTP refusals, unclear sends, `loa channels check`, its settings."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "email_password_missing": (
        "Chưa có mật khẩu thư điện tử: đặt biến môi trường {env} hoặc khóa {env} trong tệp bí mật.",
        "The e-mail password is missing: set the environment variable {env} or the key {env} in the secrets file.",
    ),
    "email_login_refused": (
        "Máy chủ thư từ chối đăng nhập của {user} ({code} {reason}): kiểm tra mật khẩu trong {env}; "
        "kênh thư điện tử tạm dừng.",
        "The mail server refused the login of {user} ({code} {reason}): check the password in {env}; "
        "the e-mail channel stops.",
    ),
    "email_no_starttls": (
        'Máy chủ thư {server} không hỗ trợ STARTTLS: đặt security = "ssl" (cổng 465) hoặc dùng máy chủ khác.',
        'The mail server {server} does not offer STARTTLS: set security = "ssl" (port 465) or use another server.',
    ),
    "email_no_auth": (
        "Máy chủ thư {server} không cho đăng nhập (AUTH) trên kết nối này: kiểm tra security và username.",
        "The mail server {server} offers no login (AUTH) on this connection: check security and username.",
    ),
    "email_refused_session": (
        "Máy chủ thư {server} từ chối phiên gửi ({smtp} {reason}); chưa gửi gì.",
        "The mail server {server} refused the session ({smtp} {reason}); nothing was sent.",
    ),
    "email_sender_refused": (
        "Máy chủ thư từ chối địa chỉ gửi {sender} ({smtp} {reason}); chưa gửi gì.",
        "The mail server refused the sender {sender} ({smtp} {reason}); nothing was sent.",
    ),
    "email_all_refused": (
        "Máy chủ thư từ chối cả {count} người nhận: {refused}; chưa gửi gì. Sửa danh sách trong [channels.email].",
        "The mail server refused all {count} recipients: {refused}; nothing was sent. Fix the lists in "
        "[channels.email].",
    ),
    "email_some_refused": (
        "Đã gửi thư, nhưng máy chủ từ chối {count}/{total} người nhận: {refused}. Sửa các địa chỉ này trong "
        "[channels.email]; những người còn lại đã nhận, không gửi lại.",
        "The e-mail was sent, but the server refused {count} of {total} recipients: {refused}. Fix these "
        "addresses in [channels.email]; the others have it, it is not sent again.",
    ),
    "email_data_refused": (
        "Máy chủ thư không nhận thư ({smtp} {reason}); chưa gửi tới ai.",
        "The mail server did not accept the message ({smtp} {reason}); it reached no one.",
    ),
    "email_dropped": (
        "Kết nối tới máy chủ thư bị ngắt sau khi đã gửi nội dung thư ({reason}); chưa rõ thư {id} đã đi hay chưa "
        "nên không gửi lại tự động. Hỏi người nhận hoặc nhật ký máy chủ thư, rồi 'loa mark' hoặc 'loa retry'.",
        "The connection to the mail server dropped after the message data was sent ({reason}); whether {id} went "
        "out is unclear, so it is not sent again automatically. Ask a recipient or the mail server's log, then "
        "'loa mark' or 'loa retry'.",
    ),
    "email_unclear": (
        "Một lần gửi trước của thư {id} có thể đã tới máy chủ; không gửi lại tự động. "
        "Hỏi người nhận hoặc nhật ký máy chủ thư, rồi 'loa mark' hoặc 'loa retry'.",
        "An earlier send of {id} may have reached the server; it is not sent again automatically. "
        "Ask a recipient or the mail server's log, then 'loa mark' or 'loa retry'.",
    ),
    "email_unclear_crash": (
        "Tiến trình dừng giữa lúc gửi thư; chưa rõ thư đã đi hay chưa nên không gửi lại tự động. "
        "Hỏi người nhận hoặc nhật ký máy chủ thư (Message-ID trong nhật ký), rồi 'loa mark' hoặc 'loa retry'.",
        "The runner stopped while sending the e-mail; whether it went out is unclear, so it is not sent again "
        "automatically. Ask a recipient or the mail server's log (the Message-ID is in the log), then "
        "'loa mark' or 'loa retry'.",
    ),
    "email_no_recipients": (
        "Không có người nhận nào trong [channels.email] lists: không gửi được thư.",
        "There is no recipient in [channels.email] lists: the e-mail cannot be sent.",
    ),
    "email_no_journal": (
        "Kênh thư điện tử chưa có sổ gửi (thư mục dữ liệu): không gửi.",
        "The e-mail channel has no send journal (data folder): nothing is sent.",
    ),
    # loa reconcile: a channel that cannot look its messages up
    "reconcile_manual": (
        "Lượt #{airing} ({channel}, {due}): chưa rõ, và thư điện tử không tra lại được trên máy chủ. "
        "Hỏi người nhận hoặc xem nhật ký máy chủ thư (tìm Message-ID trong 'loa log'), rồi "
        "'loa mark {airing} --as posted' nếu thư đã đến, 'loa mark {airing} --as failed' nếu chưa, "
        "hoặc 'loa retry {airing}' để gửi lại (có thể thành hai thư).",
        "Airing {airing} ({channel}, {due}): unclear, and e-mail cannot be looked up on the server. "
        "Ask a recipient or read the mail server's log (find the Message-ID in 'loa log'), then "
        "'loa mark {airing} --as posted' if it arrived, 'loa mark {airing} --as failed' if not, "
        "or 'loa retry {airing}' to send it again (which may make two messages).",
    ),
    # loa channels check
    "check_email_lists": (
        "{lists} danh sách, {count} người nhận.",
        "{lists} list(s), {count} recipient(s).",
    ),
    "check_email_no_lists": (
        "chưa có người nhận: thêm [[channels.email.lists]] với addresses.",
        "no recipients: add [[channels.email.lists]] with addresses.",
    ),
    "check_email_no_host": (
        "chưa đặt host (máy chủ thư SMTP) trong [channels.email].",
        "host (the SMTP server) is not set in [channels.email].",
    ),
    "check_email_server": (
        "kết nối được máy chủ thư {server} ({security}).",
        "the mail server {server} answers ({security}).",
    ),
    "check_email_plain": (
        'kết nối được máy chủ thư {server} nhưng không mã hóa (security = "plain"): chỉ dùng cho máy chủ nội bộ.',
        'the mail server {server} answers, unencrypted (security = "plain"): for a local relay only.',
    ),
    "check_email_login": ("đăng nhập được với tài khoản {user}.", "the login as {user} works."),
    "check_email_size": (
        "máy chủ nhận thư tối đa {server} MB, nhỏ hơn tệp đính kèm cho phép ({mine} MB, thêm mã hóa): "
        'giảm max_attachment_mb hoặc dùng audio = "link".',
        "the server takes messages up to {server} MB, less than the attachments allowed ({mine} MB plus "
        'encoding): lower max_attachment_mb or use audio = "link".',
    ),
    # what the e-mail settings expect (Problem.expected)
    "exp_email_address": ("một địa chỉ thư điện tử (ten@mien.vn)", "an e-mail address (name@domain)"),
    "exp_email_host": ("máy chủ SMTP khi dry_run = false", "the SMTP server when dry_run = false"),
    "exp_email_lists": (
        "ít nhất một danh sách có người nhận khi dry_run = false",
        "at least one list with recipients when dry_run = false",
    ),
    "exp_email_list_name": ("tên danh sách (không để trống)", "a list name (not empty)"),
}
