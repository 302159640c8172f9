"""The data model: stations, plans, bulletins, slots, airings and the broadcast log.

Instants are stored in UTC and come back timezone-aware on SQLite and
PostgreSQL alike (`UTCDateTime`); recurring slots are local time plus a zone.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from broadcasts.outcomes import FINAL_OUTCOMES, Outcome

__all__ = [
    "Base",
    "Station",
    "Plan",
    "ContentItem",
    "Bulletin",
    "Slot",
    "Airing",
    "LogRecord",
    "Media",
    "Alert",
    "Node",
    "ZoneLease",
    "Evidence",
    "Dispatch",
    "BulletinKind",
    "Priority",
    "Approval",
    "AiringStatus",
    "Outcome",
    "FINAL_OUTCOMES",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; naive values are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC instant is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Priority(str, enum.Enum):
    """Thông tư 39/2020/TT-BTTTT priorities."""

    normal = "normal"
    priority = "priority"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return {"emergency": 0, "priority": 1, "normal": 2}[self.value]


class BulletinKind(str, enum.Enum):
    """What the radio airs for a bulletin: its text spoken, a recorded file, or a live relay (tiếp âm)."""

    speech = "speech"
    audio = "audio"
    relay = "relay"


class Approval(str, enum.Enum):
    draft = "draft"
    approved = "approved"
    rejected = "rejected"


class AiringStatus(str, enum.Enum):
    """Where an airing is in its life; `done` means a final log record exists."""

    pending = "pending"
    running = "running"
    unknown = "unknown"
    done = "done"
    cancelled = "cancelled"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        length=16,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        create_constraint=False,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012 (SQLAlchemy's API)


class Station(Base):
    """Đài: one commune or ward station."""

    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    # Stations as data (a province's deployment): the station's own tables of the configuration (station,
    # slots, channels, speech, audio, programme) as TOML would give them; None: the station of a config file.
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    district: Mapped[str | None] = mapped_column(String(100))  # huyện: a group a province sends to
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class Plan(Base):
    """Kế hoạch: an imported communication plan."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("station_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int | None]
    issuer: Mapped[str | None] = mapped_column(Text)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    # sha256 of the parsed content (scheduler.plans.parse.plan_fingerprint): the same plan in another file format
    content_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime]
    # The plan in use (đang dùng): at most one per station; rotation, `queue --item` and the report read it.
    active: Mapped[bool] = mapped_column(default=False)
    items: Mapped[list[ContentItem]] = relationship(
        back_populates="plan", order_by="ContentItem.position", cascade="all, delete-orphan"
    )


class ContentItem(Base):
    """Nội dung tuyên truyền: one item of a plan's content section."""

    __tablename__ = "content_items"
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    label: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    rotation: Mapped[str] = mapped_column(String(16), default="normal", server_default="normal")
    rotation_order: Mapped[int | None]
    plan: Mapped[Plan] = relationship(back_populates="items")


class Bulletin(Base):
    """Bản tin: a script to broadcast."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("station_id", "origin_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    post_text: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.normal)
    approval: Mapped[Approval] = mapped_column(_enum(Approval), default=Approval.approved)
    content_item_id: Mapped[int | None] = mapped_column(ForeignKey("content_items.id"))
    origin: Mapped[str] = mapped_column(String(32), default="operator")
    origin_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime]
    kind: Mapped[BulletinKind] = mapped_column(
        _enum(BulletinKind), default=BulletinKind.speech, server_default="speech"
    )
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media.id"))
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id"), index=True)  # sent by a province
    relay: Mapped[str | None] = mapped_column(String(64))  # the name of a [channels.radio.relays] source
    relay_seconds: Mapped[float | None]
    # the loudspeaker zones (cụm loa) the radio airs it in; None: every zone of the station
    zones: Mapped[list[str] | None] = mapped_column(JSON)
    airings: Mapped[list[Airing]] = relationship(back_populates="bulletin")
    media: Mapped[Media | None] = relationship(lazy="selectin")


class Slot(Base):
    """Khung giờ phát: a recurring air time, stored as local time plus zone."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    name: Mapped[str] = mapped_column(String(100))
    local_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")
    max_seconds: Mapped[int]
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)


class Airing(Base):
    """Lượt phát: one bulletin on one channel at one time; what the runner executes."""

    __tablename__ = "airings"
    __table_args__ = (
        Index("ix_airings_status_due_at", "status", "due_at"),
        Index("ix_airings_station_channel_status", "station_id", "channel", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    channel: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime]
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id"))
    slot_at: Mapped[datetime | None]
    status: Mapped[AiringStatus] = mapped_column(_enum(AiringStatus), default=AiringStatus.pending)
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    retry_of: Mapped[int | None] = mapped_column(ForeignKey("airings.id"))
    stop_requested_by: Mapped[str | None] = mapped_column(String(64))  # who asked to stop it while on the air
    zone: Mapped[str | None] = mapped_column(String(64))  # the radio zone it airs in; None: the station's only zone
    until: Mapped[datetime | None]  # a relay ends at this instant, however late it started
    created_at: Mapped[datetime]
    bulletin: Mapped[Bulletin] = relationship(back_populates="airings")


class LogRecord(Base):
    """Nhật ký phát sóng: an append-only record of what happened to an airing."""

    __tablename__ = "log_records"
    __table_args__ = (Index("ix_log_records_station_due_at", "station_id", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    airing_id: Mapped[int] = mapped_column(ForeignKey("airings.id"), index=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    channel: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    due_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    late_seconds: Mapped[float | None]
    tts_engine: Mapped[str | None] = mapped_column(String(32))
    audio_path: Mapped[str | None] = mapped_column(Text)
    audio_sha256: Mapped[str | None] = mapped_column(String(64))
    audio_seconds: Mapped[float | None]
    external_id: Mapped[str | None] = mapped_column(String(255))
    external_url: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    node: Mapped[str | None] = mapped_column(String(100))
    zone: Mapped[str | None] = mapped_column(String(64))
    # proof of airing: what a listener on the zone's mount heard (None where the zone has no listener)
    heard_delay_ms: Mapped[float | None]
    heard_seconds: Mapped[float | None]
    silent_seconds: Mapped[float | None]
    longest_silence_seconds: Mapped[float | None]
    created_at: Mapped[datetime]


class Media(Base):
    """Tệp âm thanh: a recorded announcement, checked, brought to the loudness target and kept by its sha256."""

    __tablename__ = "media"
    __table_args__ = (UniqueConstraint("station_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)  # relative to the data dir
    seconds: Mapped[float]
    loudness_lufs: Mapped[float | None]
    true_peak_db: Mapped[float | None]
    source_name: Mapped[str] = mapped_column(String(255))
    source_sha256: Mapped[str] = mapped_column(String(64))
    source_format: Mapped[str] = mapped_column(String(16))
    uploaded_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Alert(Base):
    """Cảnh báo: dead air, an unreachable mount or a relay gap, for the Today page, `loa run` and the report."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_station_at", "station_id", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"))
    zone: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))  # dead_air | mount_unreachable | relay_gap | relay_fallback
    airing_id: Mapped[int | None] = mapped_column(ForeignKey("airings.id"))
    at: Mapped[datetime]
    seconds: Mapped[float | None]
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Node(Base):
    """Máy chạy: one `loa run` process, by its configured name (`LOA_NODE`), alive while its heartbeat is fresh."""

    __tablename__ = "nodes"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]  # set by a clean stop: its claims can be settled at once
    stations: Mapped[list[str] | None] = mapped_column(JSON)  # the station codes it serves; None: all
    version: Mapped[str | None] = mapped_column(String(32))


class ZoneLease(Base):
    """Who plays on a station's radio zone now: one row per zone, held by one node until `until`.

    Zone "" is the station's only zone (airings without a zone). `preempt_by` is set by a node with an
    emergency for the zone: the holder interrupts what plays and gives the zone up."""

    __tablename__ = "zone_leases"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    zone: Mapped[str] = mapped_column(String(64), primary_key=True)
    node: Mapped[str] = mapped_column(String(100))
    airing_id: Mapped[int | None]
    holds: Mapped[str] = mapped_column(String(16))  # emergency | priority | normal | relay
    until: Mapped[datetime]
    preempt_by: Mapped[str | None] = mapped_column(String(100))
    acquired_at: Mapped[datetime]


class Evidence(Base):
    """What a sink or a channel did for one airing key, kept where every node can read it after a crash.

    `book` names the ledger or journal (a zone's hand-over ledger, a channel's send journal), `data`
    holds what the file-based ledger or journal would hold."""

    __tablename__ = "evidence"
    book: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    node: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime]


class Dispatch(Base):
    """Bản tin gửi nhiều đài: a bulletin a province or district drafts once for a group of stations;
    each station gets its own Bulletin (`dispatch_id`) airing in its own next slot, or at once."""

    __tablename__ = "dispatches"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    post_text: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(16))
    channels: Mapped[list[str]] = mapped_column(JSON)
    # {"all": true} | {"district": "..."} | {"stations": ["code", ...]}
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[str | None] = mapped_column(String(40))  # "next", "now" or an ISO instant
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


from broadcasts import accounts as _accounts  # noqa: E402,F401  (complete Base.metadata: users, tokens, audit)
