"""Loa's time side: plan import, programme, runner, configuration and the CLI."""
