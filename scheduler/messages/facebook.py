"""Messages of the Facebook Page channel: Graph's refusals, throttling, unclear replies, the app secret proof."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # Facebook
    "facebook_token_missing": (
        "Chưa có Page access token của Facebook: đặt biến môi trường {env} (hoặc khóa {env} trong tệp bí mật) "
        "rồi khởi động lại 'loa run'.",
        "No Facebook Page access token: set the environment variable {env} (or the key {env} in the secrets "
        "file), then restart 'loa run'.",
    ),
    "facebook_token_expired": (
        "Page access token của Facebook đã hết hạn hoặc bị thu hồi (Graph {graph}/{subcode}: {reason}). "
        "Kênh Facebook tạm dừng. Cấp quyền lại: tạo Page access token mới cho Trang (Meta Business Suite hoặc "
        "Graph API Explorer, quyền pages_manage_posts và pages_read_engagement), đặt vào {env}, "
        "chạy 'loa channels check' rồi khởi động lại 'loa run'.",
        "The Facebook Page access token expired or was revoked (Graph {graph}/{subcode}: {reason}). "
        "The Facebook channel is stopped. Re-authorise: create a new Page access token for the Page "
        "(Meta Business Suite or Graph API Explorer, permissions pages_manage_posts and pages_read_engagement), "
        "put it in {env}, run 'loa channels check', then restart 'loa run'.",
    ),
    "facebook_permission": (
        "Token Facebook thiếu quyền đăng lên Trang (Graph {graph}: {reason}). Kênh Facebook tạm dừng. "
        "Cấp lại token có quyền pages_manage_posts và pages_read_engagement, với vai trò tạo nội dung trên "
        "Trang, đặt vào {env} rồi khởi động lại 'loa run'.",
        "The Facebook token lacks a permission to post on the Page (Graph {graph}: {reason}). The Facebook "
        "channel is stopped. Issue a token with pages_manage_posts and pages_read_engagement, by someone who "
        "can create content on the Page, put it in {env}, then restart 'loa run'.",
    ),
    "facebook_throttled": (
        "Facebook tạm thời từ chối (Graph {graph}: {reason}); chưa đăng gì. Chờ {wait} giây rồi thử lại.",
        "Facebook refused for now (Graph {graph}: {reason}); nothing was posted. Waiting {wait} s, then trying again.",
    ),
    "facebook_rejected": (
        "Facebook từ chối bài đăng (Graph {graph}/{subcode}: {reason}; fbtrace {trace}); chưa đăng gì.",
        "Facebook rejected the post (Graph {graph}/{subcode}: {reason}; fbtrace {trace}); nothing was posted.",
    ),
    "facebook_unclear": (
        "Một lần đăng trước có thể đã tới Facebook nhưng chưa thấy bài trên Trang; không đăng lại. "
        "Chạy 'loa reconcile'.",
        "An earlier attempt may have reached Facebook but the post is not on the Page; not posting again. "
        "Run 'loa reconcile'.",
    ),
    # Facebook: unclear replies, throttling, app secret proof, login (issue 13)
    "facebook_unclear_reply": (
        "Facebook trả lời HTTP {http} (Graph {graph}/{subcode}: {reason}; fbtrace {trace}) và không tra được "
        "bài trên Trang; bài có thể đã đăng nên không đăng lại. Chạy 'loa reconcile'.",
        "Facebook answered HTTP {http} (Graph {graph}/{subcode}: {reason}; fbtrace {trace}) and the Page could "
        "not be searched; the post may exist, so it is not posted again. Run 'loa reconcile'.",
    ),
    "facebook_recheck": (
        "Facebook trả lời HTTP {http} (Graph {graph}: {reason}) và chưa thấy bài trên Trang. Chờ {wait} giây "
        "rồi tìm lại; chỉ đăng lại khi vẫn không thấy. Nếu hết lượt thử, lượt phát để 'chưa rõ': chạy "
        "'loa reconcile'.",
        "Facebook answered HTTP {http} (Graph {graph}: {reason}) and the post is not on the Page. Looking again "
        "in {wait} s; it is posted again only if it is still not there. If the attempts run out, the airing "
        "stays unclear: run 'loa reconcile'.",
    ),
    "facebook_duplicate": (
        "Facebook báo bài trùng (Graph {graph}: {reason}): bài này đã có trên Trang nhưng chưa tìm thấy; "
        "không đăng lại. Chạy 'loa reconcile'.",
        "Facebook says the post is a duplicate (Graph {graph}: {reason}): it is on the Page already but was not "
        "found yet; it is not posted again. Run 'loa reconcile'.",
    ),
    "facebook_lookup_incomplete": (
        "Đã đọc {pages} trang bảng tin mà chưa hết khoảng thời gian cần tìm; chưa kết luận được.",
        "Read {pages} pages of the feed without covering the whole lookup window; cannot tell yet.",
    ),
    "facebook_login_required": (
        "Facebook yêu cầu người cấp token đăng nhập lại tại www.facebook.com (Graph {graph}/{subcode}: "
        "{reason}). Kênh Facebook tạm dừng. Người quản trị Trang đăng nhập facebook.com, làm theo yêu cầu "
        "(xác minh tài khoản), rồi tạo Page access token mới, đặt vào {env} và khởi động lại 'loa run'.",
        "Facebook wants the person behind the token to log in at www.facebook.com (Graph {graph}/{subcode}: "
        "{reason}). The Facebook channel is stopped. The Page admin logs in at facebook.com, completes what it "
        "asks (account checks), then creates a new Page access token, puts it in {env} and restarts 'loa run'.",
    ),
    "facebook_secret_missing": (
        "appsecret_proof = true nhưng chưa có app secret của ứng dụng Facebook: đặt biến môi trường {env} "
        "(hoặc khóa {env} trong tệp bí mật) rồi khởi động lại 'loa run'.",
        "appsecret_proof = true but the Facebook app secret is missing: set the environment variable {env} "
        "(or the key {env} in the secrets file), then restart 'loa run'.",
    ),
    "facebook_proof_refused": (
        "Ứng dụng Facebook đòi appsecret_proof và không nhận (Graph {graph}: {reason}). Kênh Facebook tạm "
        "dừng. Đặt appsecret_proof = true trong [channels.facebook] và app secret đúng của ứng dụng đã cấp "
        "token vào {env}, rồi khởi động lại 'loa run'.",
        "The Facebook app requires an appsecret_proof and refused this one (Graph {graph}: {reason}). The "
        "Facebook channel is stopped. Set appsecret_proof = true in [channels.facebook] and the secret of the "
        "app that issued the token in {env}, then restart 'loa run'.",
    ),
    "check_fb_no_app": (
        "chưa đặt app_id và app secret ({env}): không kiểm tra được quyền đăng bài và hạn của token.",
        "app_id and the app secret ({env}) are not set: the posting permission and the token's expiry cannot "
        "be checked.",
    ),
    "check_fb_token_invalid": (
        "debug_token: token không còn hiệu lực ({reason}); tạo Page access token mới và đặt vào {env}.",
        "debug_token: the token is no longer valid ({reason}); create a new Page access token and put it in {env}.",
    ),
    "check_fb_may_post": (
        "token có quyền {permission}: Loa đăng được lên Trang.",
        "the token has {permission}: Loa may post on the Page.",
    ),
    "check_fb_cannot_post": (
        "token chỉ đọc được, không đăng được lên Trang {page}: cấp quyền {permission} cho ứng dụng, bởi người "
        "có nhiệm vụ {task} (tạo nội dung) trên Trang, rồi tạo lại Page access token và đặt vào {env}.",
        "the token can read but not post on Page {page}: grant {permission} to the app, by someone with the "
        "{task} task on the Page, then create a new Page access token and put it in {env}.",
    ),
    "check_fb_expires": ("token hết hạn lúc {when}.", "the token expires at {when}."),
    "check_fb_never_expires": ("token không hết hạn.", "the token does not expire."),
    "check_fb_data_access": (
        "quyền truy cập dữ liệu hết hạn lúc {when} (khi đó cần cấp quyền lại).",
        "data access expires at {when} (re-authorise by then).",
    ),
}
