"""What every `loa` command shares: --config/--lang/--debug, the loaded config, output."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.config import Config, config_path, default_config, load_config

if TYPE_CHECKING:
    from scheduler.app import App

__all__ = ["State", "state", "common_options", "say"]


class State:
    """Options shared by every command, wherever they were given."""

    def __init__(self) -> None:
        self.config: str | None = None
        self.lang: str | None = None
        self.debug = False
        self.loaded: Config | None = None

    @property
    def language(self) -> str:
        if self.lang:
            return self.lang
        if self.loaded is not None:
            return self.loaded.lang
        return os.environ.get("LOA_LANG", "vi")

    def config_or_defaults(self) -> Config:
        """The config file if there is one; the embedded defaults when no file was asked for or found."""
        path = config_path(self.config)
        if self.config is None and not os.environ.get("LOA_CONFIG") and not path.exists():
            self.loaded = default_config(Path.cwd())
        else:
            self.loaded = load_config(path)
        return self.loaded

    def load(self) -> Config:
        self.loaded = load_config(config_path(self.config))
        return self.loaded

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
