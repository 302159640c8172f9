"""What the runner writes to its log while it airs, in Vietnamese and English (the operator reads it)."""

from __future__ import annotations

__all__ = ["MESSAGES"]

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "log_node_station_unknown": (
        "Máy chạy {node}: không có đài mã '{station}' trong cơ sở dữ liệu (thêm bằng 'loa station add'); bỏ qua.",
        "Node {node}: there is no station '{station}' in the database (add it with 'loa station add'); skipped.",
    ),
    "log_node_station_refused": (
        "Máy chạy {node}: chưa phục vụ đài {station} vì thiết lập của đài sai: {reason}",
        "Node {node}: not serving station {station}, its settings are wrong: {reason}",
    ),
    "log_node_station_added": (
        "Máy chạy {node}: bắt đầu phục vụ đài {station}.",
        "Node {node}: now serving station {station}.",
    ),
    "log_node_station_dropped": (
        "Máy chạy {node}: thôi phục vụ đài {station} (đã tắt, đã sửa hoặc không còn trong danh sách).",
        "Node {node}: no longer serving station {station} (switched off, edited or no longer listed).",
    ),
    "log_node_store_lost": (
        "Máy chạy {node}: mất kết nối cơ sở dữ liệu ({reason}); các lượt phát đã hẹn vẫn chạy, sẽ thử lại.",
        "Node {node}: lost the database ({reason}); timers already set still run; trying again.",
    ),
    "log_node_store_back": (
        "Máy chạy {node}: đã kết nối lại cơ sở dữ liệu.",
        "Node {node}: the database is back.",
    ),
    "log_late": (
        "Lượt phát #{airing} trên {channel} bắt đầu trễ {seconds:.1f} giây.",
        "Airing #{airing} on {channel} starts {seconds:.1f} s late.",
    ),
    "log_lease_renew_failed": (
        "Lượt phát #{airing}: chưa gia hạn được quyền giữ việc trong cơ sở dữ liệu; sẽ thử lại.",
        "Airing #{airing}: could not renew its lease in the database; trying again.",
    ),
    "log_zone_waiting": (
        "Lượt phát #{airing}: vùng loa {zone} đang do máy {node} phát; chờ đến lượt.",
        "Airing #{airing}: zone {zone} is playing on node {node}; waiting for its turn.",
    ),
    "log_zone_cut": (
        "Lượt phát #{airing}: máy {node} cần vùng loa {zone} cho tin ưu tiên hơn; cắt ngang và nhường vùng.",
        "Airing #{airing}: node {node} needs zone {zone} for a bulletin that goes first; cutting and giving it up.",
    ),
    "log_zone_lost": (
        "Lượt phát #{airing}: mất quyền giữ vùng loa {zone} (không gia hạn kịp); dừng phát để không phát chồng.",
        "Airing #{airing}: lost its lease on zone {zone} (not renewed in time); stopping so as not to play over another.",
    ),
    "log_zone_lease_failed": (
        "Vùng loa {zone}: không đọc hoặc ghi được quyền giữ vùng trong cơ sở dữ liệu; sẽ thử lại.",
        "Zone {zone}: could not read or write its lease in the database; trying again.",
    ),
    "log_quiet_wait": (
        "Lượt phát #{airing}: đang giờ yên lặng của loa, chờ đến khung giờ {at}.",
        "Airing #{airing}: inside the radio's quiet hours, waits for the slot at {at}.",
    ),
    "log_requeued": (
        "Lượt phát #{airing} bị cắt ngang; bản tin #{bulletin} được xếp phát lại ngay sau.",
        "Airing #{airing} was interrupted; bulletin #{bulletin} is queued again right after.",
    ),
    "log_render_failed": (
        "Lượt phát #{airing}: dựng âm thanh trước không được ({reason}); sẽ dựng lại lúc phát.",
        "Airing #{airing}: rendering ahead failed ({reason}); it is rendered again at air time.",
    ),
    "log_channel_stopped": (
        "Kênh {channel} tạm dừng: {reason}",
        "Channel {channel} stopped: {reason}",
    ),
    "log_unclear": (
        "Lượt phát #{airing} trên {channel}: chưa rõ kết quả, cần đối soát: {reason}",
        "Airing #{airing} on {channel}: the outcome is unclear and needs reconciling: {reason}",
    ),
    "log_retrying": (
        "Lượt phát #{airing} trên {channel}: {reason}; thử lại sau {seconds:.1f} giây.",
        "Airing #{airing} on {channel}: {reason}; retrying in {seconds:.1f} s.",
    ),
    "log_failed": (
        "Lượt phát #{airing} trên {channel} không thành: {reason}",
        "Airing #{airing} on {channel} failed: {reason}",
    ),
    "log_interrupted": (
        "Lượt phát #{airing} trên {channel} bị cắt ngang để phát tin khẩn cấp.",
        "Airing #{airing} on {channel} was interrupted for an emergency.",
    ),
    "log_internal": (
        "Lượt phát #{airing} trên {channel}: lỗi nội bộ của Loa (chi tiết bên dưới); đã ghi nhật ký là không thành.",
        "Airing #{airing} on {channel}: internal error in Loa (details below); logged as failed.",
    ),
    "log_claim_lost_unsent": (
        "Lượt phát #{airing}: máy khác đã nhận lại việc này (hạn giữ việc đã qua) trước khi phát; "
        "máy này không phát, không gửi gì.",
        "Airing #{airing}: another node took it over (its lease had lapsed) before it went out; "
        "this node neither played nor sent anything.",
    ),
    "log_claim_lost": (
        "Lượt phát #{airing}: mất quyền giữ việc trước khi ghi nhật ký (một máy khác đã nhận nó).",
        "Airing #{airing}: the claim was lost before recording (another node took it over).",
    ),
    "log_outcome": (
        "Lượt phát #{airing} trên {channel}: {outcome}.",
        "Airing #{airing} on {channel}: {outcome}.",
    ),
    "log_deferred": (
        "Lượt phát #{airing} trên {channel}: đã gửi phần được phép; tin quảng bá tới người theo dõi hoãn đến {at} "
        "(Zalo không gửi quảng bá 22:00-06:00), sẽ gửi ở lượt phát #{new}.",
        "Airing #{airing} on {channel}: what may go out now went out; the broadcast to followers is deferred to "
        "{at} (Zalo sends no broadcasts 22:00-06:00) and goes out as airing #{new}.",
    ),
    "log_follow_up_impossible": (
        "Lượt phát #{airing} trên {channel}: một bước bị hoãn nhưng kênh không tiếp tục được từ phần đã gửi; "
        "kiểm tra rồi dùng 'loa retry'.",
        "Airing #{airing} on {channel}: a step was deferred but the channel cannot continue from what went out; "
        "check, then use 'loa retry'.",
    ),
    "log_abandoned": (
        "Lượt phát #{airing} trên {channel}: máy chạy {node} đã bỏ dở (ngừng, mất nhịp hoặc hết hạn giữ việc); "
        "xem bằng chứng đã gửi trong cơ sở dữ liệu để quyết định.",
        "Airing #{airing} on {channel}: node {node} left it unfinished (stopped, no heartbeat, or lease expired); "
        "the delivery evidence in the database decides what happened.",
    ),
    "node_name_taken": (
        "Tên máy chạy '{name}' đang được một tiến trình khác dùng (máy {host}, pid {pid}); hai tiến trình không "
        "được trùng tên. Đặt tên khác bằng LOA_NODE hoặc [runner] node, hoặc dừng tiến trình kia.",
        "The node name '{name}' is in use by another live process (host {host}, pid {pid}); two processes must "
        "not share a name. Choose another with LOA_NODE or [runner] node, or stop the other one.",
    ),
    "log_node_name_lost": (
        "Máy chạy {node}: một tiến trình khác đã nhận tên này; tiến trình này cần được dừng lại.",
        "Node {node}: another process has taken this name; this process should be stopped.",
    ),
    "log_heartbeat_failed": (
        "Máy chạy {node}: chưa ghi được nhịp sống vào cơ sở dữ liệu; sẽ thử lại.",
        "Node {node}: could not write its heartbeat to the database; trying again.",
    ),
    "log_rerun": (
        "Lượt phát #{airing} trên {channel}: lần chạy trước dừng khi chưa gửi gì; sẽ phát lại.",
        "Airing #{airing} on {channel}: the previous runner stopped before delivering; it runs again.",
    ),
    "log_sync_failed": (
        "Không đọc được lịch từ cơ sở dữ liệu; sẽ thử lại ở lần đọc sau.",
        "Could not refresh the timers from the database; trying again at the next poll.",
    ),
    "log_timers_ready": (
        "Đã hẹn giờ {count} lượt phát trong {seconds:.0f} giây tới; các lượt sau được hẹn dần khi đến gần.",
        "Timers set for {count} airings due within {seconds:.0f} s; later ones are timed as they come near.",
    ),
    "log_engine_fallback": (
        "{error} Chuyển sang bộ đọc kế tiếp.",
        "{error} Trying the next engine.",
    ),
    "log_engine_back": (
        "Bộ đọc {engine} đã trả lời trở lại; dùng lại bộ đọc này.",
        "Speech engine {engine} answers again; using it.",
    ),
    "log_engine_paused": (
        "Bộ đọc {engine} lỗi {failures} lần liên tiếp; tạm không dùng trong {seconds:.0f} giây.",
        "Speech engine {engine} failed {failures} times in a row; not asked for {seconds:.0f} s.",
    ),
    "log_cache_trimmed": (
        "Bộ nhớ đệm giọng đọc {folder}: đã xóa {count} tệp lâu không dùng.",
        "Speech cache {folder}: removed {count} least recently used files.",
    ),
    "log_cache_unwritable": (
        "Không ghi được bộ nhớ đệm giọng đọc {folder} ({reason}); bản tin vẫn phát bình thường.",
        "Cannot write the speech cache {folder} ({reason}); the bulletin goes out all the same.",
    ),
    "log_no_jingle": (
        "Bản tin #{bulletin} phát không có nhạc hiệu: {error}",
        "Bulletin #{bulletin} goes out without its jingle: {error}",
    ),
    # the store or the data folder going away (#15.10)
    "log_store_down": (
        "Mất kết nối cơ sở dữ liệu ({reason}); các lượt phát chờ đến khi kết nối lại, không mất lượt nào.",
        "The database is unavailable ({reason}); airings wait until it is back, none is lost.",
    ),
    "log_store_back": (
        "Đã kết nối lại cơ sở dữ liệu sau {seconds} s; tiếp tục phát theo lịch.",
        "The database is back after {seconds} s; the programme goes on.",
    ),
    "log_storage_retry": (
        "Lượt phát #{airing} ({channel}): thư mục dữ liệu không ghi được ({reason}); thử lại sau {seconds:.0f} s, trong thời gian cho phép trễ.",
        "Airing #{airing} ({channel}): the data folder refuses writes ({reason}); trying again in {seconds:.0f} s, within its grace.",
    ),
    # wake-ups through PostgreSQL LISTEN/NOTIFY (#17)
    "log_wakeups_lost": (
        "Mất kết nối nhận tín hiệu tức thời từ cơ sở dữ liệu ({reason}); vẫn đọc lịch mỗi {poll} giây, đang kết nối lại.",
        "Lost the database's instant wake-ups ({reason}); still reading the schedule every {poll} s, reconnecting.",
    ),
    "log_wakeups_back": (
        "Đã nhận lại tín hiệu tức thời từ cơ sở dữ liệu sau {seconds:.0f} s; đọc lại lịch ngay.",
        "Instant wake-ups are back after {seconds:.0f} s; reading the schedule now.",
    ),
}
