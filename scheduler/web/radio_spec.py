"""The OpenAPI 3.0 paths of scheduler.web.radio_api (recorded files, alerts) and the radio fields of a bulletin.

Multipart upload as OpenAPI 3.0 describes it: a `multipart/form-data` request
body with a `format: binary` property (spec.openapis.org/oas/v3.0.3, "Considerations for File Uploads").
"""

from __future__ import annotations

from typing import Any

__all__ = ["radio_paths", "BULLETIN_RADIO_FIELDS", "MEDIA_SCHEMA"]

_OBJECT: dict[str, Any] = {"type": "object"}
_BINARY = {"type": "string", "format": "binary"}

MEDIA_SCHEMA: dict[str, Any] = {  # scheduler.services.media.MediaInfo.as_json
    "type": "object",
    "required": ["id", "name", "seconds", "sha256"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "seconds": {"type": "number"},
        "loudness_lufs": {"type": "number", "nullable": True},
        "sha256": {"type": "string"},
        "source_format": {"type": "string"},
        "uploaded_by": {"type": "string", "nullable": True},
        "created_at": {"type": "string"},
    },
}

BULLETIN_RADIO_FIELDS: dict[str, Any] = {  # what POST /api/bulletins takes besides text
    "media_id": {"type": "integer", "minimum": 1, "description": "tệp đã tải lên / an uploaded file (POST /api/media)"},
    "relay": {"type": "string", "description": "nguồn tiếp âm / a [channels.radio.relays] name"},
    "relay_minutes": {"type": "number", "minimum": 1},
    "zones": {"type": "array", "items": {"type": "string"}, "description": "cụm loa; mặc định tất cả / default all"},
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def radio_paths(errors: dict[str, Any]) -> dict[str, Any]:
    """The paths, each answering `errors` too (the API's usual 400/401/403/404/429)."""
    media_id = [
        {
            "name": "media_id",
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        }
    ]
    return {
        "/api/media": {
            "get": {
                "summary": "Tệp âm thanh đã lưu, mới nhất trước / stored recordings, newest first",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"media": {"type": "array", "items": MEDIA_SCHEMA}},
                                }
                            }
                        },
                    },
                    **errors,
                },
            },
            "post": {
                "summary": "Tải lên tệp âm thanh (kiểm tra, chuẩn hóa) / upload a recording (checked, normalized)",
                "parameters": [_query("name", {"type": "string", "description": "file name for a raw body"})],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": _BINARY}}},
                        "application/octet-stream": {"schema": _BINARY},
                    },
                },
                "responses": {
                    "201": {"description": "Created", "content": {"application/json": {"schema": MEDIA_SCHEMA}}},
                    **errors,
                    "413": _error("Tệp quá lớn / the file is too large"),
                },
            },
        },
        "/api/media/{media_id}/audio": {
            "get": {
                "summary": "Nghe lại tệp đã lưu (MP3) / listen back to a stored recording (MP3)",
                "parameters": media_id,
                "responses": {
                    "200": {"description": "MP3", "content": {"audio/mpeg": {"schema": _BINARY}}},
                    **errors,
                },
            }
        },
        "/api/alerts": {
            "get": {
                "summary": "Cảnh báo (mất tiếng, mất luồng, tiếp âm bị ngắt), mới nhất trước / alerts, newest first",
                "parameters": [
                    _query("since", {"type": "string", "description": "ISO 8601 date or date-time"}),
                    _query("until", {"type": "string", "description": "ISO 8601 date or date-time"}),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"alerts": {"type": "array", "items": _OBJECT}},
                                }
                            }
                        },
                    },
                    **errors,
                },
            }
        },
    }
