"""``plimsoll``: the command-line composition root (reads settings, wires a client)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
from botocore.exceptions import ClientError

from plimsoll import __version__
from plimsoll.cli._sessions import close_all
from plimsoll.cli.capture import capture
from plimsoll.cli.clarify import clarify
from plimsoll.cli.endpoints import endpoints
from plimsoll.cli.jobs import jobs
from plimsoll.cli.monitor import monitor
from plimsoll.cli.scheduler import scheduler
from plimsoll.cli.server import server
from plimsoll.errors import PlimsollError


class _Group(click.Group):
    """Turns service errors into one readable line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClientError as exc:
            err = exc.response.get("Error", {})
            click.secho(f"{err.get('Code')}: {err.get('Message')}", fg="red", err=True)
            sys.exit(1)
        except PlimsollError as exc:
            click.secho(f"{exc.code}: {exc.message}", fg="red", err=True)
            sys.exit(1)
        finally:
            close_all()


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="plimsoll")
@click.option("-v", "--verbose", is_flag=True, help="Log at DEBUG level.")
def cli(verbose: bool) -> None:
    """Plimsoll: SageMaker processing jobs and endpoints on your own machines."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


cli.add_command(jobs)
cli.add_command(endpoints)
cli.add_command(capture)
cli.add_command(server)
cli.add_command(monitor)
cli.add_command(scheduler)
cli.add_command(clarify)


def main() -> None:
    cli(prog_name="plimsoll")
