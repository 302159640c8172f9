"""Messages of the LED screen channel (broadcasts/channels/led*.py) and its `loa channels check`."""

from __future__ import annotations

__all__ = ["MESSAGES"]

# code -> (Vietnamese, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "led_unclear": (
        "Lượt phát {key} đã bắt đầu đưa lên bảng LED ({step}) nhưng chưa rõ đã xong chưa; không gửi lại tự động. "
        "Kiểm tra bảng LED rồi dùng 'loa mark' / 'loa retry'.",
        "Airing {key} was being handed to the LED board ({step}) and whether it got there is unclear; it is not "
        "sent again automatically. Check the board, then use 'loa mark' / 'loa retry'.",
    ),
    "led_font": (
        "Không đọc được phông chữ {font} cho bảng LED ({reason}); sửa [channels.led] font.",
        "Cannot read the LED board's font {font} ({reason}); fix [channels.led] font.",
    ),
    "led_folder_failed": (
        "Không ghi được ảnh bảng LED vào thư mục {folder} ({reason}); chưa đưa gì lên bảng, sẽ thử lại.",
        "Cannot write the LED slides into {folder} ({reason}); nothing reached the board; it will be tried again.",
    ),
    "led_command_missing": (
        "Không chạy được lệnh bảng LED {program} ({reason}); sửa [channels.led] command.",
        "Cannot run the LED board's command {program} ({reason}); fix [channels.led] command.",
    ),
    "led_command_failed": (
        "Lệnh bảng LED {program} báo lỗi (mã {exit}: {reason}); ảnh này chưa được nhận, sẽ thử lại.",
        "The LED board's command {program} failed (exit status {exit}: {reason}); the slide was not taken; it "
        "will be tried again.",
    ),
    "led_command_timeout": (
        "Lệnh bảng LED {program} chạy quá {seconds} giây và bị dừng; chưa rõ bảng đã nhận ảnh chưa, không gửi lại "
        "tự động.",
        "The LED board's command {program} ran longer than {seconds} s and was stopped; whether the board took the "
        "slide is unclear; it is not sent again automatically.",
    ),
    "led_mqtt_unreachable": (
        "Không kết nối được máy chủ MQTT {broker} ({reason}); chưa gửi gì, sẽ thử lại.",
        "Cannot connect to the MQTT broker {broker} ({reason}); nothing was sent; it will be tried again.",
    ),
    "led_mqtt_login": (
        "Máy chủ MQTT từ chối đăng nhập ({reason}); kiểm tra mqtt_username và mật khẩu trong mqtt_password_env.",
        "The MQTT broker refused the login ({reason}); check mqtt_username and the password in mqtt_password_env.",
    ),
    "led_mqtt_refused": (
        "Máy chủ MQTT {broker} từ chối kết nối ({reason}); chưa gửi gì.",
        "The MQTT broker {broker} refused the connection ({reason}); nothing was sent.",
    ),
    "led_mqtt_not_sent": (
        "Không gửi được tin MQTT tới {broker} ({reason}); chưa gửi gì, sẽ thử lại.",
        "The MQTT message could not be sent to {broker} ({reason}); nothing was sent; it will be tried again.",
    ),
    "led_mqtt_no_puback": (
        "Máy chủ MQTT {broker} không xác nhận (PUBACK) tin gửi tới {topic} sau {seconds} giây; có thể đã nhận nên "
        "không gửi lại tự động.",
        "The MQTT broker {broker} did not acknowledge (PUBACK) the message to {topic} within {seconds} s; it may "
        "have it, so it is not sent again automatically.",
    ),
    "led_mqtt_dropped": (
        "Kết nối tới máy chủ MQTT {broker} bị ngắt sau khi gửi tin tới {topic}, trước khi được xác nhận; có thể đã "
        "nhận nên không gửi lại tự động.",
        "The connection to the MQTT broker {broker} dropped after the message to {topic} was sent and before it was "
        "acknowledged; it may have it, so it is not sent again automatically.",
    ),
    # loa channels check
    "check_led_board": ("bảng LED {size}, đưa lên bằng {output}.", "LED board {size}, fed by {output}."),
    "check_led_font": ("không thấy tệp phông chữ {font}.", "the font file {font} is not there."),
    "check_led_folder": ("ghi được vào thư mục {folder}.", "the folder {folder} is writable."),
    "check_led_folder_bad": (
        "không ghi được vào thư mục {folder} ({reason}).",
        "cannot write into the folder {folder} ({reason}).",
    ),
    "check_led_command": ("có lệnh {program}.", "the command {program} is there."),
    "check_led_no_command": (
        "không tìm thấy lệnh {program}; sửa [channels.led] command.",
        "the command {program} is not found; fix [channels.led] command.",
    ),
    "check_led_mqtt": ("máy chủ MQTT {broker} nhận kết nối.", "the MQTT broker {broker} accepts the connection."),
    # what a [channels.led] key expects
    "exp_led_color": ("một màu dạng #rrggbb", "a colour as #rrggbb"),
    "exp_led_font_sizes": ("không nhỏ hơn min_font_px", "no less than min_font_px"),
    "exp_led_command": (
        "một danh sách [chương trình, tham số...] có {{file}} (tệp ảnh)",
        "a list [program, arguments...] holding {{file}} (the image file)",
    ),
    "exp_led_topic": ("một chủ đề MQTT không có # hay +", "an MQTT topic without # or +"),
    "exp_led_folder": ("một thư mục", "a folder"),
}
