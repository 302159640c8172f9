"""Wiring of the Facebook and Zalo channels from the configuration: settings, session, secrets, journal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from broadcasts.channels.facebook import FacebookChannel, FacebookSettings
from broadcasts.channels.http import USER_AGENT, make_session
from broadcasts.channels.journal import Journal
from broadcasts.channels.zalo import ZaloChannel, ZaloSettings
from broadcasts.channels.zalo_auth import TokenStore, ZaloAuth
from scheduler.clock import Clock, SystemClock
from scheduler.config import Config
from scheduler.secrets import Secrets, load_secrets

__all__ = ["facebook_channel", "zalo_channel", "journal_dir", "token_path"]


def journal_dir(config: Config, channel: str) -> Path:
    """Where a channel keeps its send journal."""
    return config.data_dir / "journal" / channel


def token_path(config: Config) -> Path:
    """The Zalo token file: `token_file`, relative to the data folder."""
    path = Path(config.channels.zalo.token_file).expanduser()
    return path if path.is_absolute() else config.data_dir / path


def _agent(config: Config) -> str:
    return f"{USER_AGENT} station/{config.station.code}"


def facebook_channel(config: Config, secrets: Secrets | None = None) -> FacebookChannel:
    """The Facebook Page channel for `config`."""
    fb = config.channels.facebook
    secrets = secrets or load_secrets(config)
    settings = FacebookSettings(page_id=fb.page_id, graph_url=fb.graph_url, dry_run=fb.dry_run,
                                timeout_seconds=fb.timeout_seconds, hashtags=fb.hashtags, link=fb.link,
                                template=fb.template, token_env=fb.token_env, max_wait_seconds=fb.max_wait_seconds)
    return FacebookChannel(settings, session=make_session(_agent(config), fb.timeout_seconds),
                           token=lambda: secrets.get(fb.token_env), journal=Journal(journal_dir(config, "facebook")))


def zalo_channel(config: Config, secrets: Secrets | None = None, clock: Clock | None = None) -> ZaloChannel:
    """The Zalo OA channel for `config`."""
    zl = config.channels.zalo
    secrets = secrets or load_secrets(config)
    clock = clock or SystemClock()
    settings = ZaloSettings(api_url=zl.api_url, dry_run=zl.dry_run, group_ids=zl.group_ids, broadcast=zl.broadcast,
                            timeout_seconds=zl.timeout_seconds, author=zl.author, cover_url=zl.cover_url,
                            link=zl.link, template=zl.template, hashtags=zl.hashtags,
                            verify_attempts=zl.verify_attempts, verify_interval_seconds=zl.verify_interval_seconds)
    session = make_session(_agent(config), zl.timeout_seconds)

    def now() -> datetime:
        return clock.now()

    auth = ZaloAuth(session=session, store=TokenStore(token_path(config)), oauth_url=zl.oauth_url, app_id=zl.app_id,
                    app_secret=lambda: secrets.get(zl.app_secret_env),
                    refresh_token=lambda: secrets.get(zl.refresh_token_env), now=now,
                    app_secret_env=zl.app_secret_env, refresh_token_env=zl.refresh_token_env)
    return ZaloChannel(settings, session=session, auth=auth, journal=Journal(journal_dir(config, "zalo")),
                       now=now, sleep=clock.sleep)
