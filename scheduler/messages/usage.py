"""click's own texts (usage errors, help headings, prompts) in Vietnamese, keyed by click's English msgid.

click marks these strings with gettext; `scheduler.cli.language` routes them here so a Vietnamese station
never sees "Missing option" or "Show this message and exit". The keys are click 8.1's exact msgids
(tests/test_language.py checks each still exists in the installed click); the placeholders are click's.
English needs no table: the msgid is the English text.
"""

from __future__ import annotations

__all__ = ["CLICK_VI"]

CLICK_VI: dict[str, str] = {
    # exceptions.py
    "Error: {message}": "Lỗi: {message}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "No such option: {name}": "Không có tùy chọn {name}",
    "Try '{command} {option}' for help.": "Gõ '{command} {option}' để xem hướng dẫn.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi không rõ",
    "(Possible options: {possibilities})": "(Có thể là: {possibilities})",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    # core.py
    "Aborted!": "Đã hủy.",
    "Commands": "Lệnh",
    "Options": "Tùy chọn",
    "Missing command.": "Thiếu tên lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "required": "bắt buộc",
    "(Deprecated) {text}": "(Không còn dùng) {text}",
    "(dynamic)": "(tính khi chạy)",
    "DeprecationWarning: The command {name!r} is deprecated.": "Cảnh báo: lệnh {name!r} không còn được dùng.",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Takes {nargs} values but 1 was given.": "Cần {nargs} giá trị nhưng chỉ có 1.",
    "Takes {nargs} values but {len} were given.": "Cần {nargs} giá trị nhưng có {len}.",
    # decorators.py
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    # formatting.py
    "Usage:": "Cách dùng:",
    # parser.py
    "Argument {name!r} takes {nargs} values.": "Đối số {name!r} cần {nargs} giá trị.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    # termui.py
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau.",
    "Error: The value you entered was invalid.": "Lỗi: giá trị vừa nhập không hợp lệ.",
    "Error: invalid input": "Lỗi: dữ liệu nhập không hợp lệ",
    "Error: {e.message}": "Lỗi: {e.message}",
    "Press any key to continue...": "Bấm phím bất kỳ để tiếp tục...",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    # types.py
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "directory": "thư mục",
    "file": "tệp",
    "path": "đường dẫn",
    # {name} is click's English "File"/"Directory", fixed when the option is declared: left out in Vietnamese
    "{name} {filename!r} does not exist.": "Không có {filename!r}.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, không phải tệp.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, không phải thư mục.",
    "{name} {filename!r} is not executable.": "{filename!r} không chạy được.",
    "{name} {filename!r} is not readable.": "Không đọc được {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được vào {filename!r}.",
    "{value!r} is not a valid UUID.": "{value!r} không phải là một UUID hợp lệ.",
    "{value!r} is not a valid boolean.": "{value!r} không phải là giá trị đúng/sai hợp lệ.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là một số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{len_type} values are required, but {len_value} was given.": "Cần {len_type} giá trị, nhưng có {len_value}.",
    "{len_type} values are required, but {len_value} were given.": "Cần {len_type} giá trị, nhưng có {len_value}.",
    "{value!r} does not match the format {format}.": "{value!r} không đúng dạng {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} không đúng các dạng {formats}.",
    "{value!r} is not one of {choices}.": "{value!r} không phải là một trong {choices}.",
    "{value!r} is not {choice}.": "{value!r} không phải là {choice}.",
}
