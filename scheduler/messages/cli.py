"""Messages of the command line: what `loa` prints, in Vietnamese and English."""

from __future__ import annotations

__all__ = ["MESSAGES"]

MESSAGES: dict[str, tuple[str, str]] = {
    "error_prefix": ("Lỗi", "Error"),
    "internal_cli": (
        "lỗi nội bộ ({reason}). Chạy lại với --debug để xem chi tiết và báo cho người quản trị.",
        "internal error ({reason}). Run again with --debug for details and report it.",
    ),
    "interrupted": ("Đã dừng theo yêu cầu.", "Stopped on request."),
    "queue_one_source": (
        "Cần đúng một trong --text, --file hoặc --item (hoặc --audio, --relay).",
        "Give exactly one of --text, --file or --item (or --audio, --relay).",
    ),
    "queued": ("Đã xếp bản tin số {id}:", "Queued bulletin {id}:"),
    "said": (
        "Đã ghi {path} ({seconds} giây, bộ đọc {engine}, sha256 {sha256}).",
        "Wrote {path} ({seconds} s, engine {engine}, sha256 {sha256}).",
    ),
    "running": (
        "Loa đang chạy cho {station}. Nhấn Ctrl+C để dừng.",
        "Loa is running for {station}. Press Ctrl+C to stop.",
    ),
    "running_node": (
        "Loa (máy chạy {node}) đang chạy cho {count} đài: {stations}. Nhấn Ctrl+C để dừng.",
        "Loa (node {node}) is running for {count} stations: {stations}. Press Ctrl+C to stop.",
    ),
    "run_no_station": (
        "Máy chạy {node} không có đài nào để phục vụ ([runner] stations = {wanted}); xem 'loa station list'.",
        "Node {node} has no station to serve ([runner] stations = {wanted}); see 'loa station list'.",
    ),
    "stopping": (
        "Đang dừng: chờ lượt phát đang làm xong và được ghi nhật ký…",
        "Stopping: waiting for the airing in hand to finish and be logged…",
    ),
    "demo_start": (
        "Loa demo — {station}\nThư mục: {dir}",
        "Loa demo — {station}\nFolder: {dir}",
    ),
    "demo_plan": (
        "Đã nhập kế hoạch mẫu: {title} ({items} nội dung; kênh: {channels}).",
        "Imported the sample plan: {title} ({items} items; channels: {channels}).",
    ),
    "demo_plan_again": (
        "Kế hoạch mẫu đã có sẵn: {title} ({items} nội dung; kênh: {channels}).",
        "The sample plan is already stored: {title} ({items} items; channels: {channels}).",
    ),
    "demo_queued": (
        "  xếp lượt phát #{id} (bản tin {bulletin}) trên {channel} lúc {at}",
        "  queued airing #{id} (bulletin {bulletin}) on {channel} at {at}",
    ),
    "demo_progress": ("[{time}] lượt #{id} {channel}: {outcome}", "[{time}] airing #{id} {channel}: {outcome}"),
    "demo_audio": ("Âm thanh: {path} ({seconds} giây, sha256 {sha}…)", "Audio: {path} ({seconds} s, sha256 {sha}…)"),
    "demo_outbox": (
        "Thư mục nhận bản tin của đài (đầu ra kiểu thư mục): {outbox}",
        "Radio outbox (the folder output): {outbox}",
    ),
    "demo_dry_run": (
        "{channels}: chạy thử — không đăng gì lên trang thật; bài viết sẽ đăng nằm trong nhật ký "
        "(loa --config {config} log --format json). Để đăng thật, đặt dry_run = false và mã truy cập của trang.",
        "{channels}: dry run — nothing was posted to the real pages; what would be posted is in the log "
        "(loa --config {config} log --format json). To post for real, set dry_run = false and the page's token.",
    ),
    "demo_next": (
        "Cấu hình đài mẫu: {config}\n"
        "Xem lại nhật ký: loa --config {config} log\n"
        "Chạy đài theo lịch: loa --config {config} run\n"
        "Mở bảng điều khiển: loa --config {config} user add admin, rồi loa --config {config} web",
        "The sample station's config: {config}\n"
        "See the log again: loa --config {config} log\n"
        "Run the station on its schedule: loa --config {config} run\n"
        "Open the console: loa --config {config} user add admin, then loa --config {config} web",
    ),
    "log_unknown_station": (
        "Không có đài mã {station}. Các đài: {known}.",
        "There is no station {station}. Stations: {known}.",
    ),
    "log_unknown_channel": (
        "Không có kênh '{channel}' (các kênh: {known}).",
        "There is no channel '{channel}' (channels: {known}).",
    ),
    "log_since_after_until": (
        "Ngày bắt đầu {since} ở sau ngày kết thúc {until}: không có gì trong khoảng đó.",
        "The start date {since} is after the end date {until}: that period holds nothing.",
    ),
    "say_not_mp3": (
        "Loa chỉ ghi âm thanh MP3: đặt tên tệp ra có đuôi .mp3 (không phải '{suffix}').",
        "Loa writes MP3 audio only: give the output file an .mp3 name (not '{suffix}').",
    ),
    "output_folder_missing": (
        "Không có thư mục {folder} để ghi tệp vào; tạo thư mục trước hoặc chọn nơi khác.",
        "The folder {folder} does not exist; create it first or choose another place.",
    ),
    "web_port_in_use": (
        "Cổng {port} trên {host} đã có chương trình khác dùng; chọn cổng khác bằng --port (hoặc [web] port).",
        "Port {port} on {host} is already in use; choose another with --port (or [web] port).",
    ),
    "web_port_denied": (
        "Không được phép mở cổng {port} trên {host} (cổng dưới 1024 cần quyền quản trị); chọn --port khác.",
        "Not allowed to open port {port} on {host} (ports below 1024 need administrator rights); choose another --port.",
    ),
    "web_host_unknown": (
        "Không lắng nghe được trên địa chỉ {host}: {reason}. Kiểm tra --host (hoặc [web] host).",
        "Cannot listen on the address {host}: {reason}. Check --host (or [web] host).",
    ),
    "password_prompt": ("Mật khẩu", "Password"),
    "password_repeat": ("Nhập lại mật khẩu", "Repeat the password"),
    "demo_timeout": (
        "Còn {left} lượt phát chưa xong sau {timeout} giây.",
        "{left} airings were not finished after {timeout} s.",
    ),
    "quiet_hours_wait": (
        "Đang trong giờ yên lặng của loa: lượt phát {channel} chờ đến khung giờ {at}.",
        "Inside the radio's quiet hours: the {channel} airing waits for the slot at {at}.",
    ),
    "slot_full_moved": (
        "Khung giờ đã đầy: bản tin được chuyển sang {at}.",
        "The slot is full: the bulletin moves to {at}.",
    ),
    "slot_passed_moved": (
        "Khung giờ của bản nháp đã qua khi được duyệt: bản tin chuyển sang {at}.",
        "The draft's slot went by before it was approved: the bulletin moves to {at}.",
    ),
    "slot_pushed_other": (
        "Bản tin ưu tiên hơn chen trước: lượt phát #{airing} chuyển sang {at}.",
        "A higher-priority bulletin goes first: airing #{airing} moves to {at}.",
    ),
    "programme_empty": (
        "Không có gì trong chương trình {days} ngày tới.",
        "Nothing in the programme for the next {days} days.",
    ),
    "programme_no_slot": ("(ngoài khung giờ)", "(outside the slots)"),
    "rotation_set": (
        "Nội dung {ref}: xoay vòng = {mode}, thứ tự = {order}.",
        "Item {ref}: rotation = {mode}, order = {order}.",
    ),
    "plan_summary": (
        "{title}\nNăm: {year} · Cơ quan ban hành: {issuer} · Kênh: {channels} · {items} nội dung",
        "{title}\nYear: {year} · Issuer: {issuer} · Channels: {channels} · {items} items",
    ),
    "plan_dry_run": ("(chạy thử: chưa lưu gì)", "(dry run: nothing stored)"),
    "plan_stored": ("Đã lưu kế hoạch số {id}.", "Stored as plan {id}."),
    "plan_duplicate": (
        "Tệp này đã được nhập trước đây (kế hoạch số {id}); không lưu lại.",
        "This file was imported before (plan {id}); not stored again.",
    ),
    "run_once_done": ("Đã xử lý {count} lượt phát.", "Processed {count} airings."),
    "h_plan_id": ("Số", "ID"),
    "h_plan_year": ("Năm", "Year"),
    "h_plan_title": ("Tiêu đề", "Title"),
    "h_plan_items": ("Nội dung", "Items"),
    "h_plan_imported": ("Nhập lúc", "Imported"),
    "h_plan_file": ("Tệp", "File"),
    "log_empty": ("(nhật ký trống)", "(the log is empty)"),
    "second_signal": ("Nhận tín hiệu dừng lần hai: dừng ngay.", "Second signal: stopping at once."),
    # the plan in use (loa plan use / list / show / import --use)
    "plan_same_content": (
        "Kế hoạch này đã có (kế hoạch số {id}, nhập từ tệp '{file}'), cùng nội dung; không lưu lại.",
        "This plan is already stored (plan {id}, imported from '{file}') with the same content; not stored again.",
    ),
    "plan_now_in_use": (
        "Kế hoạch số {id} là kế hoạch đang dùng: xoay vòng, 'loa queue --item' và báo cáo dùng kế hoạch này.",
        "Plan {id} is the plan in use: rotation, 'loa queue --item' and the report work from it.",
    ),
    "plan_kept_in_use": (
        "Kế hoạch đang dùng vẫn là số {current}. Để dùng kế hoạch này: loa plan use {id}",
        "The plan in use is still plan {current}. To use this one: loa plan use {id}",
    ),
    "plan_held": (
        "Chưa có kế hoạch đang dùng; kế hoạch số {id} chỉ được dùng khi người duyệt chọn nó (loa plan use {id}).",
        "No plan is in use; plan {id} is used only once an approver chooses it (loa plan use {id}).",
    ),
    "plan_none_in_use": (
        "Chưa chọn kế hoạch đang dùng. Chọn bằng: loa plan use SỐ",
        "No plan is in use. Choose one with: loa plan use ID",
    ),
    "no_plan_in_use": (
        "Chưa có kế hoạch đang dùng. Nhập bằng 'loa plan import TỆP' hoặc chọn bằng 'loa plan use SỐ'.",
        "No plan is in use. Import one with 'loa plan import FILE' or choose one with 'loa plan use ID'.",
    ),
    "plan_used": (
        "Từ bây giờ kế hoạch đang dùng là số {id}: {title}",
        "The plan in use is now plan {id}: {title}",
    ),
    "plan_shown_in_use": ("(kế hoạch đang dùng)", "(the plan in use)"),
    "plan_shown_not_in_use": (
        "(không phải kế hoạch đang dùng; chọn bằng: loa plan use {id})",
        "(not the plan in use; choose it with: loa plan use {id})",
    ),
    "plan_item_not_in_plan": (
        "Không tìm thấy nội dung tuyên truyền '{ref}' trong kế hoạch số {plan}.",
        "Content item '{ref}' not found in plan {plan}.",
    ),
    "h_plan_in_use": ("Đang dùng", "In use"),
    "plan_in_use_mark": ("đang dùng", "in use"),
    "rotation_normal": ("bình thường", "normal"),
    "rotation_pinned": ("ghim", "pinned"),
    "rotation_skipped": ("bỏ qua", "skipped"),
    "rotation_order": ("thứ tự {order}", "order {order}"),
}
