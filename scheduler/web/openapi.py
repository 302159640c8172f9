"""The OpenAPI 3.0 document of the /api routes."""

from __future__ import annotations

from typing import Any

from broadcasts.channels import channel_names
from scheduler.services.listen import MAX_CHARS
from scheduler.web.radio_spec import BULLETIN_RADIO_FIELDS, radio_paths
from scheduler.web.station_spec import station_paths

__all__ = ["document"]


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_OBJECT: dict[str, Any] = {"type": "object"}
_ERROR = _json({"$ref": "#/components/schemas/Error"}, "Error")
_ERRORS = {
    "400": _ERROR,
    "401": _ERROR,
    "403": _ERROR,
    "404": _ERROR,
    "429": {**_ERROR, "description": "Quá nhiều yêu cầu / too many requests (see Retry-After)"},
}


def _op(
    summary: str,
    response: dict[str, Any],
    *,
    body: dict[str, Any] | None = None,
    status: str = "200",
    params: list[dict[str, Any]] | None = None,
    unavailable: bool = False,
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {status: response, **_ERRORS}}
    if unavailable:  # the speech engine failed: said in words, the request can be tried again
        op["responses"]["503"] = {**_ERROR, "description": "Bộ đọc lỗi / the speech engine failed"}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    return op


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_ID = [
    {
        "name": "bulletin_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
    }
]
_BULLETIN = {"$ref": "#/components/schemas/Bulletin"}
_QUEUED = {"$ref": "#/components/schemas/Queued"}
_CHANGE: dict[str, Any] = {  # scheduler.services.changes.Change.as_json
    "type": "object",
    "properties": {
        "bulletin_id": {"type": "integer"},
        "action": {"type": "string", "enum": ["cancel", "move", "edit"]},
        "airings": {"type": "array", "items": _OBJECT},
        "running": {"type": "array", "items": _OBJECT},
        "stopping": {"type": "array", "items": {"type": "integer"}},
        "approval": {"type": "string", "enum": ["draft", "approved", "rejected"]},
        "notices": {"type": "array", "items": _OBJECT},
    },
}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_MONTH = [
    _query(
        "month",
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}$",
            "description": "YYYY-MM; mặc định tháng trước / default: the last full month",
        },
    )
]
_TOKEN_ID = [
    {
        "name": "token_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
    }
]
_TOKEN = {"$ref": "#/components/schemas/Token"}


def _file(media: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": {"type": "string", "format": "binary"}}}}


def document() -> dict[str, Any]:
    """The OpenAPI document, built when asked for: its channel names come from the registry as it is now."""
    from scheduler.web.dispatches import dispatch_paths  # it registers on the API's blueprint, which imports this

    channels = {"type": "array", "items": {"type": "string", "enum": list(channel_names())}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Loa API",
            "version": "1",
            "description": "Bản tin, duyệt tin, phát khẩn cấp và nhật ký / bulletins, approvals, emergency, log. "
            "Mọi đường dẫn nhận thêm ?station=MÃ_ĐÀI: một đài khác trong phạm vi của tài khoản (ngoài phạm vi: 403) "
            "/ every route takes ?station=CODE: another station the token's account reaches (out of reach: 403).",
        },
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "params": {"type": "object"},
                    },
                },
                "Queued": {
                    "type": "object",
                    "required": ["bulletin_id", "airings", "approval"],
                    "properties": {
                        "bulletin_id": {"type": "integer"},
                        "approval": {"type": "string"},
                        "airings": {"type": "array", "items": _OBJECT},
                        "notices": {"type": "array", "items": _OBJECT},
                        "estimated_seconds": {
                            "type": "number",
                            "nullable": True,
                            "description": "Thời lượng đọc ước tính trên loa / estimated speaking time on the radio",
                        },
                    },
                },
                "Token": {
                    "type": "object",
                    "required": ["id", "name", "username", "created_at", "revoked"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "username": {"type": "string"},
                        "created_at": {"type": "string"},
                        "last_used_at": {"type": "string", "nullable": True},
                        "revoked": {"type": "boolean"},
                        "revoked_at": {"type": "string", "nullable": True},
                    },
                },
                "Report": {
                    "type": "object",
                    "required": ["station", "period", "summary", "totals", "items", "days", "problems", "lateness"],
                    "properties": {
                        "station": _OBJECT,
                        "period": _OBJECT,
                        "issued_at": {"type": "string"},
                        "plan": {"type": "object", "nullable": True},
                        "channels": {"type": "array", "items": {"type": "string"}},
                        "summary": _OBJECT,
                        "totals": {"type": "array", "items": _OBJECT},
                        "items": {"type": "array", "items": _OBJECT},
                        "other": _OBJECT,
                        "days": {"type": "array", "items": _OBJECT},
                        "problems": {"type": "array", "items": _OBJECT},
                        "lateness": {"type": "array", "items": _OBJECT},
                    },
                },
                "Bulletin": {
                    "type": "object",
                    "required": ["id", "title", "body", "approval", "airings"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "body": {"type": "string"},
                        "priority": {"type": "string"},
                        "approval": {"type": "string", "enum": ["draft", "approved", "rejected"]},
                        "origin": {"type": "string"},
                        "created_at": {"type": "string"},
                        "airings": {"type": "array", "items": _OBJECT},
                    },
                },
            },
        },
        "paths": {
            "/api/openapi.json": {"get": {**_op("Tài liệu này / this document", _json(_OBJECT)), "security": []}},
            "/api/programme": {
                "get": _op(
                    "Chương trình / programme",
                    _json(_OBJECT),
                    params=[_query("days", {"type": "integer", "minimum": 1, "maximum": 31})],
                )
            },
            "/api/preview": {
                "post": _op(
                    "Cách đọc / normalized reading",
                    _json(_OBJECT),
                    body={"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
                )
            },
            "/api/listen": {
                "post": _op(
                    "Nghe thử: đọc văn bản bằng giọng của đài / render the text with the station's speech",
                    _json(
                        {
                            "type": "object",
                            "required": ["name", "url", "seconds", "engine"],
                            "properties": {
                                "name": {"type": "string"},
                                "url": {"type": "string"},
                                "seconds": {"type": "number"},
                                "engine": {"type": "string"},
                                "voice": {"type": "string"},
                            },
                        }
                    ),
                    body={
                        "type": "object",
                        "required": ["text"],
                        "properties": {
                            "text": {"type": "string", "maxLength": MAX_CHARS},
                            "engine": {"type": "string", "description": "one configured engine alone, in its voice"},
                        },
                    },
                    unavailable=True,
                )
            },
            "/api/listen/{name}": {
                "get": _op(
                    "Tệp nghe thử / a rendered preview (MP3)",
                    _file("audio/mpeg", "MP3"),
                    params=[{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                )
            },
            "/api/bulletins": {
                "get": _op(
                    "Bản tin còn chờ phát (all=1: mọi bản tin) / bulletins still to air (all=1: every one)",
                    _json({"type": "object", "properties": {"bulletins": {"type": "array", "items": _OBJECT}}}),
                    params=[_query("all", {"type": "string", "enum": ["0", "1"]})],
                ),
                "post": _op(
                    "Soạn bản tin / draft or queue a bulletin",
                    _json(_QUEUED, "Created"),
                    status="201",
                    body={
                        "type": "object",
                        "properties": {
                            "text": {"type": "string", "description": "bắt buộc với bản tin đọc / required to read"},
                            "title": {"type": "string"},
                            "at": {"type": "string"},
                            "channels": channels,
                            "priority": {"type": "string", "enum": ["normal", "priority", "emergency"]},
                            **BULLETIN_RADIO_FIELDS,
                        },
                    },
                ),
            },
            "/api/bulletins/{bulletin_id}": {"get": _op("Một bản tin / one bulletin", _json(_BULLETIN), params=_ID)},
            "/api/approvals": {"get": _op("Chờ duyệt / drafts waiting", _json(_OBJECT))},
            "/api/bulletins/{bulletin_id}/cancel": {
                "post": _op(
                    "Huỷ các lượt chờ phát; stop: dừng phát trên loa / cancel pending airings; stop: stop the radio",
                    _json(_CHANGE),
                    params=_ID,
                    body={
                        "type": "object",
                        "properties": {
                            "channel": {"type": "string"},
                            "reason": {"type": "string"},
                            "stop": {"type": "boolean"},
                        },
                    },
                )
            },
            "/api/bulletins/{bulletin_id}/move": {
                "post": _op(
                    "Dời sang giờ (at) hoặc khung giờ (slot) / move to a time (at) or a slot (slot)",
                    _json(_CHANGE),
                    params=_ID,
                    body={
                        "type": "object",
                        "properties": {
                            "at": {"type": "string"},
                            "slot": {"type": "string"},
                            "channel": {"type": "string"},
                        },
                    },
                )
            },
            "/api/bulletins/{bulletin_id}/edit": {
                "post": _op(
                    "Sửa nội dung, tiêu đề trước khi phát / edit the text or title before it airs",
                    _json(_CHANGE),
                    params=_ID,
                    body={"type": "object", "properties": {"text": {"type": "string"}, "title": {"type": "string"}}},
                )
            },
            "/api/bulletins/{bulletin_id}/approve": {
                "post": _op(
                    "Duyệt / approve",
                    _json(_BULLETIN),
                    params=_ID,
                    body={"type": "object", "properties": {"comment": {"type": "string"}}},
                )
            },
            "/api/bulletins/{bulletin_id}/reject": {
                "post": _op(
                    "Từ chối / reject",
                    _json(_BULLETIN),
                    params=_ID,
                    body={
                        "type": "object",
                        "required": ["comment"],
                        "properties": {"comment": {"type": "string", "minLength": 1}},
                    },
                )
            },
            "/api/emergency": {
                "post": _op(
                    "Phát khẩn cấp / emergency",
                    _json(_QUEUED, "Created"),
                    status="201",
                    body={
                        "type": "object",
                        "required": ["text", "confirm"],
                        "properties": {
                            "text": {"type": "string"},
                            "channels": channels,
                            "confirm": {"type": "boolean", "enum": [True]},
                        },
                    },
                )
            },
            "/api/log": {
                "get": _op(
                    "Nhật ký / broadcast log",
                    _json(_OBJECT),
                    params=[
                        _query("since", _DATE),
                        _query("until", _DATE),
                        _query("channel", {"type": "string"}),
                        _query("outcome", {"type": "string"}),
                    ],
                )
            },
            "/api/channels": {"get": _op("Kênh / channels", _json(_OBJECT))},
            "/api/report": {
                "get": _op(
                    "Báo cáo tháng (số liệu) / the monthly report's figures",
                    _json({"$ref": "#/components/schemas/Report"}),
                    params=_MONTH,
                )
            },
            "/api/report.xlsx": {
                "get": _op(
                    "Báo cáo tháng (.xlsx, như loa report) / the monthly workbook",
                    _file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Workbook"),
                    params=_MONTH,
                )
            },
            "/api/report.csv": {
                "get": _op("Báo cáo tháng (.csv) / the monthly report as CSV", _file("text/csv", "CSV"), params=_MONTH)
            },
            "/api/tokens": {
                "get": _op(
                    "Mã truy cập API (quản trị) / API tokens (admin)",
                    _json(
                        {
                            "type": "object",
                            "required": ["tokens"],
                            "properties": {"tokens": {"type": "array", "items": _TOKEN}},
                        }
                    ),
                )
            },
            "/api/tokens/{token_id}/revoke": {
                "post": _op("Thu hồi mã / revoke a token (admin)", _json(_TOKEN), params=_TOKEN_ID)
            },
            **radio_paths(_ERRORS),
            **station_paths(_ERRORS),
            **dispatch_paths(_ERRORS),
        },
    }
