"""What the operating system and file parsers say, in the station's language.

An OSError's `strerror` is libc's English ("No such file or directory"); `text()` words the common ones in
Vietnamese when they arrive as a message parameter, so `reason=exc.strerror` reads right in both languages.
Parser failures (a broken .docx, a TOML syntax error) become phrases of their own here; the library's own
English wording is the `{detail}` of the English text only.
"""

from __future__ import annotations

import errno
import os

__all__ = ["MESSAGES", "OS_REASONS_VI"]

# libc's text (as os.strerror gives it on this machine) -> Vietnamese
OS_REASONS_VI: dict[str, str] = {
    os.strerror(errno.ENOENT): "không có tệp hoặc thư mục đó",
    os.strerror(errno.EACCES): "không có quyền truy cập",
    os.strerror(errno.EPERM): "thao tác không được phép",
    os.strerror(errno.EISDIR): "đây là một thư mục",
    os.strerror(errno.ENOTDIR): "một phần của đường dẫn không phải là thư mục",
    os.strerror(errno.ENOSPC): "ổ đĩa đã đầy",
    os.strerror(errno.EROFS): "ổ đĩa chỉ cho phép đọc",
    os.strerror(errno.EEXIST): "tệp đã có",
    os.strerror(errno.ENAMETOOLONG): "tên tệp quá dài",
    os.strerror(errno.EIO): "lỗi đọc ghi ổ đĩa",
    os.strerror(errno.ECONNREFUSED): "máy chủ từ chối kết nối",
    os.strerror(errno.ETIMEDOUT): "hết thời gian chờ kết nối",
    os.strerror(errno.EADDRINUSE): "cổng đã có chương trình khác dùng",
    os.strerror(errno.ENETUNREACH): "không tới được mạng",
    os.strerror(errno.EHOSTUNREACH): "không tới được máy chủ",
}

MESSAGES: dict[str, tuple[str, str]] = {
    "span_seconds": ("{n} giây", "{n} s"),
    "span_minutes": ("{n} phút", "{n} min"),
    "toml_at_line": ("ở dòng {line}, cột {column}", "at line {line}, column {column}: {detail}"),
    "toml_at_end": ("ở cuối tệp", "at the end of the file: {detail}"),
    "toml_encoding": ("ở dạng mã hóa (tệp phải là UTF-8)", "in its encoding (the file must be UTF-8)"),
    "plan_reason_old_doc": (
        "tệp Word cũ (.doc), hãy lưu thành .docx",
        "an old Word (.doc) file, save it as .docx",
    ),
    "plan_reason_not_text": ("không phải tệp văn bản", "not a text file"),
    "plan_reason_damaged": (
        "tệp {kind} bị hỏng hoặc không đúng định dạng",
        "the {kind} file is damaged or not in that format ({detail})",
    ),
}
