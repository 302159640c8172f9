"""Messages of the social channels and of `loa channels check`, `loa reconcile`, `loa retry`, `loa mark`."""

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
    # Zalo
    "zalo_token_missing": (
        "Chưa có refresh token của Zalo OA: đặt biến môi trường {env} (hoặc khóa {env} trong tệp bí mật) "
        "rồi khởi động lại 'loa run'.",
        "No Zalo OA refresh token: set the environment variable {env} (or the key {env} in the secrets file), "
        "then restart 'loa run'.",
    ),
    "zalo_secret_missing": (
        "Chưa có app secret hoặc app_id của ứng dụng Zalo: đặt app_id trong cấu hình và biến môi trường {env} "
        "(hoặc khóa trong tệp bí mật).",
        "The Zalo app secret or app_id is missing: set app_id in the config and the environment variable {env} "
        "(or the key in the secrets file).",
    ),
    "zalo_reauthorise": (
        "Zalo OA không nhận token nữa (mã {zalo}: {reason}). Kênh Zalo tạm dừng. Cấp quyền lại: vào "
        "developers.zalo.me → ứng dụng → API Explorer (hoặc luồng cấp quyền OA v4), lấy refresh token mới, "
        "đặt vào {env}, chạy 'loa channels check' rồi khởi động lại 'loa run'.",
        "Zalo OA no longer accepts the token (code {zalo}: {reason}). The Zalo channel is stopped. "
        "Re-authorise: at developers.zalo.me → your app → API Explorer (or the OA v4 permission flow) get a new "
        "refresh token, put it in {env}, run 'loa channels check', then restart 'loa run'.",
    ),
    "zalo_throttled": (
        "Zalo tạm thời từ chối ({step}, mã {zalo}: {reason}); chưa gửi gì ở bước này, sẽ thử lại.",
        "Zalo refused for now ({step}, code {zalo}: {reason}); nothing was sent in this step; it will be tried again.",
    ),
    "zalo_rejected": (
        "Zalo từ chối ({step}, mã {zalo}: {reason}).",
        "Zalo rejected it ({step}, code {zalo}: {reason}).",
    ),
    "zalo_step_unclear": (
        "Bước {step} có thể đã tới Zalo ở lần trước; không gửi lại tự động. Kiểm tra rồi dùng 'loa mark' "
        "hoặc 'loa retry'.",
        "Step {step} may have reached Zalo in an earlier attempt; it is not sent again automatically. Check, "
        "then use 'loa mark' or 'loa retry'.",
    ),
    "zalo_article_unverified": (
        "Zalo đã nhận bài viết nhưng chưa cấp mã bài (có thể đang chờ duyệt); lần thử sau chỉ hỏi lại mã, "
        "không tạo bài mới.",
        "Zalo accepted the article but has not given it an id yet (it may await review); the next attempt only "
        "asks for the id again and creates no new article.",
    ),
    "zalo_partial": (
        "Bài viết {article} đã đăng trên OA, nhưng bước {step} lỗi ({cause}: {reason}). "
        "'loa retry' chỉ gửi phần còn thiếu.",
        "Article {article} is posted on the OA, but step {step} failed ({cause}: {reason}). "
        "'loa retry' sends only what is missing.",
    ),
    # Zalo: unclear replies, appsecret_proof, night broadcasts, article requirements (issue 13)
    "zalo_not_created": (
        "Zalo không trả lời rõ cho bước {step} ({cause} {reason}); đã tra lại theo mã lượt phát và không thấy gì "
        "được tạo, nên gửi lại là an toàn.",
        "Zalo gave no clear answer to step {step} ({cause} {reason}); looked up by the airing's key, nothing was "
        "created, so sending it again is safe.",
    ),
    "zalo_lookup_failed": (
        "Zalo không trả lời rõ cho bước {step} ({cause}) và tra lại cũng không được ({reason}); chưa rõ đã gửi hay "
        "chưa nên không gửi lại tự động. Chạy 'loa reconcile' để đối soát.",
        "Zalo gave no clear answer to step {step} ({cause}) and looking it up failed too ({reason}); whether it "
        "went out is unclear, so it is not sent again automatically. Run 'loa reconcile'.",
    ),
    "zalo_proof_rejected": (
        'Zalo từ chối appsecret_proof (mã {zalo}: {reason}). Kênh Zalo tạm dừng. Ứng dụng Zalo bật "yêu cầu '
        'App Secret": đặt appsecret_proof = true trong [channels.zalo] và đúng app secret vào {env}, rồi khởi động '
        "lại 'loa run'.",
        "Zalo rejected the appsecret_proof (code {zalo}: {reason}). The Zalo channel is stopped. The Zalo app "
        "requires the app secret: set appsecret_proof = true in [channels.zalo] and the right app secret in {env}, "
        "then restart 'loa run'.",
    ),
    "zalo_not_now": (
        "Zalo chưa cho gửi lúc này ({step}, mã {zalo}: {reason}).",
        "Zalo does not take it now ({step}, code {zalo}: {reason}).",
    ),
    "zalo_article_no_cover": (
        'Bài viết Zalo của bản tin #{bulletin} cần ảnh bìa: đặt cover_url = "https://..." trong '
        "[channels.zalo]. Chưa gửi gì.",
        'The Zalo article of bulletin #{bulletin} needs a cover: set cover_url = "https://..." in '
        "[channels.zalo]. Nothing was sent.",
    ),
    "zalo_article_no_author": (
        "Bài viết Zalo của bản tin #{bulletin} cần tác giả: đặt author trong [channels.zalo] (hoặc tên Đài trong "
        "[station] name). Chưa gửi gì.",
        "The Zalo article of bulletin #{bulletin} needs an author: set author in [channels.zalo] (or the station "
        "name in [station] name). Nothing was sent.",
    ),
    "zalo_article_no_description": (
        "Bài viết Zalo của bản tin #{bulletin} cần phần mô tả (tối đa 300 ký tự), lấy từ nội dung đăng của bản tin, "
        "nhưng bản tin trống: sửa nội dung bản tin. Chưa gửi gì.",
        "The Zalo article of bulletin #{bulletin} needs a description (at most 300 characters), taken from the "
        "bulletin's post text, which is empty: edit the bulletin. Nothing was sent.",
    ),
    "zalo_article_no_title": (
        "Bài viết Zalo của bản tin #{bulletin} cần tiêu đề (1-150 ký tự): đặt tiêu đề bản tin (hoặc tên Đài trong "
        "[station] name). Chưa gửi gì.",
        "The Zalo article of bulletin #{bulletin} needs a title (1-150 characters): give the bulletin a title (or "
        "set the station name in [station] name). Nothing was sent.",
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
