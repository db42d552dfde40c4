"""``plimsoll scheduler``: the monitoring scheduler in the foreground, without a server.

Useful when notebooks and scripts use the embedded service (no ``plimsoll server``): their
sessions do not run schedules on their own once they end, so this process does. Executions
it starts run as processing jobs inside it; stopping it stops them.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

import click

from plimsoll.api.wiring import build_api
from plimsoll.services.scheduler import MonitorScheduler
from plimsoll.settings import Settings

DEFAULT_INTERVAL = 30.0


@click.command()
@click.option(
    "--interval",
    default=None,
    type=click.FloatRange(min=0.05),
    help="Seconds between checks (default: PLIMSOLL_SCHEDULER_INTERVAL_SECONDS, or 30).",
)
def scheduler(interval: float | None) -> None:
    """Run monitoring schedules at their cron times until Ctrl-C."""
    settings = Settings.load()
    seconds = interval or settings.scheduler_interval_seconds or DEFAULT_INTERVAL
    api = build_api(settings, scheduler=False)
    runner = MonitorScheduler(api.monitoring, interval_seconds=seconds)

    def stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"Stopping ({signal.Signals(signum).name}).", err=True)
        runner.stop()

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log = logging.getLogger("plimsoll.services.scheduler")
    previous = (log.level, log.propagate)
    log.setLevel(logging.INFO)
    log.propagate = False
    log.addHandler(handler)
    in_main = threading.current_thread() is threading.main_thread()  # signals need it
    signals = (signal.SIGINT, signal.SIGTERM) if in_main else ()
    old_handlers = {sig: signal.signal(sig, stop) for sig in signals}
    click.echo(f"plimsoll scheduler: every {seconds:g} s on {settings.home} (Ctrl-C to stop)")
    try:
        runner.run_forever()
    finally:
        for sig, old in old_handlers.items():
            signal.signal(sig, old)
        log.removeHandler(handler)
        log.setLevel(previous[0])
        log.propagate = previous[1]
        api.close()
        click.echo(f"plimsoll scheduler: stopped after {runner.ticks} checks")
