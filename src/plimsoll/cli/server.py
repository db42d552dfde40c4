"""``plimsoll server``: the SageMaker-compatible HTTP API."""

from __future__ import annotations

import logging

import click

from plimsoll.server.app import serve
from plimsoll.settings import Settings


@click.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port to bind (default 8880).")
@click.option("--home", default=None, help="PLIMSOLL_HOME for this server.")
def server(host: str | None, port: int | None, home: str | None) -> None:
    """Serve the SageMaker API (AWS JSON 1.1) for boto3 and the Plimsoll SDK."""
    settings = Settings.load(server_host=host, server_port=port, home=home)
    logging.getLogger("plimsoll").setLevel(logging.INFO)
    click.echo(
        f"plimsoll server on http://{settings.server_host}:{settings.server_port} "
        f"(home {settings.home}, metadata {settings.database_url.split('://', 1)[0]})"
    )
    serve(settings)
