"""The OpenAPI 3.0 paths of /api/stations (scheduler.web.stations): the stations of a deployment."""

from __future__ import annotations

from typing import Any

__all__ = ["station_paths", "STATION_SCHEMA"]

_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": "string", "nullable": True}
_TEXTS = {"type": "array", "items": _TEXT, "nullable": True}

STATION_SCHEMA: dict[str, Any] = {  # scheduler.services.stations.StationView.as_json
    "type": "object",
    "required": ["code", "name", "timezone", "active", "source"],
    "properties": {
        "code": _TEXT,
        "name": _TEXT,
        "timezone": _TEXT,
        "district": _NULLABLE_TEXT,
        "active": {"type": "boolean"},
        "source": {
            "type": "string",
            "enum": ["file", "data"],
            "description": "file: cấu hình từ config.toml / configured by config.toml",
        },
        "slots": {"type": "integer", "description": "khung giờ còn phát / slots that still air"},
        "zones": _TEXTS,
        "channels": _TEXTS,
        "nodes": {"type": "array", "items": _TEXT, "description": "máy chạy phục vụ đài / nodes serving it"},
        "created_at": _NULLABLE_TEXT,
        "updated_at": _NULLABLE_TEXT,
        "problem": {"type": "object", "nullable": True},
        "settings": {"type": "object", "nullable": True, "description": "chỉ khi xem một đài / one station only"},
        "settings_toml": _NULLABLE_TEXT,
    },
}
_SETTINGS = {
    "settings": {
        "type": "object",
        "description": "các bảng station, slots, channels, speech, audio, programme, require_approval; "
        "không có bí mật / the station's tables; no secrets",
    },
    "settings_toml": {"type": "string", "description": "the same as TOML text (instead of settings)"},
}
_ADD = {
    "type": "object",
    "required": ["code", "name"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,39}$"},
        "name": {"type": "string", "maxLength": 200},
        "district": {"type": "string", "maxLength": 100},
        "timezone": {"type": "string", "description": "IANA, e.g. Asia/Ho_Chi_Minh"},
        **_SETTINGS,
    },
}
_EDIT = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "district": {"type": "string", "maxLength": 100, "description": "'' bỏ huyện / clears it"},
        "timezone": {"type": "string"},
        "active": {"type": "boolean"},
        "set": {
            "type": "object",
            "description": 'khóa theo đường dẫn → giá trị / settings path → value, e.g. {"speech.rate": 170}',
        },
        **_SETTINGS,
    },
}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def station_paths(errors: dict[str, Any]) -> dict[str, Any]:
    """The paths, each answering `errors` too (the API's usual 400/401/403/404/429)."""
    code = [{"name": "code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}]
    body = {"required": True, "content": {"application/json": {"schema": _ADD}}}
    patch = {"required": True, "content": {"application/json": {"schema": _EDIT}}}
    listing = {"type": "object", "properties": {"stations": {"type": "array", "items": STATION_SCHEMA}}}
    return {
        "/api/stations": {
            "get": {
                "summary": "Các đài được xem / the stations one may see (admin)",
                "responses": {"200": _json(listing), **errors},
            },
            "post": {
                "summary": "Thêm đài / add a station (province admin)",
                "requestBody": body,
                "responses": {"201": _json(STATION_SCHEMA, "Created"), **errors},
            },
        },
        "/api/stations/{code}": {
            "get": {
                "summary": "Một đài và cấu hình / one station and its settings",
                "parameters": code,
                "responses": {"200": _json(STATION_SCHEMA), **errors},
            },
            "patch": {
                "summary": "Sửa đài / change a station (province admin)",
                "parameters": code,
                "requestBody": patch,
                "responses": {"200": _json(STATION_SCHEMA), **errors},
            },
        },
    }
