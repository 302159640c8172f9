"""What every `loa` command shares: --config/--lang/--debug, the loaded config, output."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.config import Config, config_path, default_config, load_config

if TYPE_CHECKING:
    from scheduler.app import App

__all__ = ["State", "state", "common_options", "say", "ask_password"]


class State:
    """Options shared by every command, wherever they were given."""

    def __init__(self) -> None:
        self.config: str | None = None
        self.lang: str | None = None
        self.debug = False
        self.loaded: Config | None = None
        self._peeked: str | None = None

    @property
    def language(self) -> str:
        if self.lang:
            return self.lang
        if self.loaded is not None:
            return self.loaded.lang
        return self._file_language() or ("en" if os.environ.get("LOA_LANG") == "en" else "vi")

    def _file_language(self) -> str | None:
        """The station's language as its config file names it, read before the file is loaded (for click's
        own usage errors); None when there is no readable file or it names no known language."""
        if self._peeked is None:
            self._peeked = ""
            try:
                with config_path(self.config).open("rb") as handle:
                    station = tomllib.load(handle).get("station")
            except (OSError, ValueError, RecursionError):
                station = None
            language = station.get("language") if isinstance(station, dict) else None
            if language in ("vi", "en"):
                self._peeked = language
        return self._peeked or None

    def config_or_defaults(self) -> Config:
        """The config file if there is one; the embedded defaults when no file was asked for or found."""
        path = config_path(self.config)
        if self.config is None and not os.environ.get("LOA_CONFIG") and not path.exists():
            self.loaded = default_config(Path.cwd())
        else:
            self.loaded = load_config(path)
        return self._in_language(self.loaded)

    def load(self) -> Config:
        self.loaded = load_config(config_path(self.config))
        return self._in_language(self.loaded)

    def _in_language(self, config: Config) -> Config:
        """`config` speaking --lang when one was given: the runner's notes and records follow it too."""
        if self.lang and self.lang != config.lang:
            config = dataclasses.replace(config, station=dataclasses.replace(config.station, language=self.lang))
            self.loaded = config
        return config

    def app(self, **overrides: Any) -> App:
        """The App of the loaded config, to use as `with state.app() as app:`."""
        from scheduler.app import build_app

        return build_app(self.load(), **overrides)


def state() -> State:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is not None and value is not False:
            setattr(state(), name, value)

    return callback


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--config, --lang and --debug, accepted before or after the command name."""
    func = click.option(
        "--debug",
        is_flag=True,
        default=False,
        expose_value=False,
        is_eager=True,
        callback=_remember("debug"),
        help="Hiện chi tiết lỗi (traceback) / show tracebacks.",
    )(func)
    func = click.option(
        "--lang",
        type=click.Choice(["vi", "en"]),
        expose_value=False,
        is_eager=True,
        callback=_remember("lang"),
        help="Ngôn ngữ thông báo / message language.",
    )(func)
    func = click.option(
        "--config",
        "config",
        metavar="PATH",
        expose_value=False,
        is_eager=True,
        callback=_remember("config"),
        help="Tệp cấu hình (mặc định ./config.toml hoặc $LOA_CONFIG) / config file.",
    )(func)
    return func


def say(message: str, *, err: bool = False) -> None:
    click.echo(message, err=err)


def ask_password(lang: str) -> str:
    """A new password typed twice at the terminal (hidden), asked in `lang`."""
    from scheduler.messages import text

    return str(
        click.prompt(
            text("password_prompt", lang),
            hide_input=True,
            confirmation_prompt=text("password_repeat", lang),
        )
    )
