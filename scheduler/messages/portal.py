"""Messages of the web portal channel: the public folder, the WordPress site's refusals and unclear replies."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "portal_folder_failed": (
        "Không ghi được trang nghe vào thư mục {folder} ({reason}). Kiểm tra quyền ghi và chỗ trống của ổ đĩa.",
        "Could not write the listening page into the folder {folder} ({reason}). Check write permission and disk "
        "space.",
    ),
    "portal_wp_password_missing": (
        "Chưa có mật khẩu ứng dụng WordPress: đặt user trong [channels.portal.wordpress] và biến môi trường {env} "
        "(hoặc khóa {env} trong tệp bí mật), rồi khởi động lại 'loa run'.",
        "No WordPress application password: set user in [channels.portal.wordpress] and the environment variable "
        "{env} (or the key {env} in the secrets file), then restart 'loa run'.",
    ),
    "portal_wp_auth": (
        "WordPress từ chối đăng nhập hoặc quyền (HTTP {http}, {wp}: {reason}). Kênh cổng thông tin tạm dừng. "
        "Tạo mật khẩu ứng dụng mới (Người dùng > Hồ sơ > Mật khẩu ứng dụng) cho người có quyền đăng bài và tải "
        "tệp lên, chạy 'loa channels check' rồi khởi động lại 'loa run'.",
        "WordPress refused the login or permission (HTTP {http}, {wp}: {reason}). The portal channel is stopped. "
        "Create a new application password (Users > Profile > Application Passwords) for a user who may publish "
        "posts and upload files, run 'loa channels check', then restart 'loa run'.",
    ),
    "portal_wp_rejected": (
        "WordPress từ chối (HTTP {http}, {wp}: {reason}); chưa đăng gì.",
        "WordPress refused (HTTP {http}, {wp}: {reason}); nothing was posted.",
    ),
    "portal_wp_unclear_reply": (
        "WordPress trả lời HTTP {http} ({wp}) và không thấy bài có slug {slug}; bài có thể đã đăng nên không "
        "đăng lại. Chạy 'loa reconcile'.",
        "WordPress answered HTTP {http} ({wp}) and no post with the slug {slug} was found; it may exist, so it is "
        "not posted again. Run 'loa reconcile'.",
    ),
    "portal_wp_unclear": (
        "Một lần đăng trước có thể đã tới WordPress nhưng chưa thấy bài có slug {slug}; không đăng lại. "
        "Chạy 'loa reconcile'.",
        "An earlier attempt may have reached WordPress but no post with the slug {slug} is there; not posting "
        "again. Run 'loa reconcile'.",
    ),
    "portal_wp_recheck": (
        "WordPress báo lỗi HTTP {http} và không có bài slug {slug}. Chờ {wait} giây, tìm lại rồi mới đăng lại.",
        "WordPress answered with its error HTTP {http} and there is no post with the slug {slug}. Looking again "
        "in {wait} s, and only then posting again.",
    ),
    "check_portal_folder": (
        "ghi được thư mục trang nghe {folder}.",
        "the listening page folder {folder} is writable.",
    ),
    "check_portal_folder_bad": (
        "không ghi được thư mục trang nghe {folder}: {reason}.",
        "the listening page folder {folder} is not writable: {reason}.",
    ),
    "check_wp_user": (
        "WordPress {url}: đăng nhập được với tên {name}.",
        "WordPress {url}: logged in as {name}.",
    ),
    "check_wp_caps": (
        "người dùng WordPress thiếu quyền: {missing}.",
        "the WordPress user lacks the capabilities: {missing}.",
    ),
    "exp_portal_wp_user": (
        "tên người dùng WordPress của mật khẩu ứng dụng",
        "the WordPress user name of the application password",
    ),
}
