"""Messages of the Zalo OA channel: articles, broadcasts, group messages, tokens, unclear replies, night deferral."""

from __future__ import annotations

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
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
}
