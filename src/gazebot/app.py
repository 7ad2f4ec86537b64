"""The composition root: one Application built from the settings, its resources and its handlers.

Resources (the store, the shared HTTP client, the ingestor, delivery) open in `post_init` and close
in `post_stop` / `post_shutdown`, so `run_polling` (used by `gazebot run`) and `running(app)`
(used by tests and benchmarks, which need the event loop themselves) go through the same steps
in the same order.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import httpx
from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, Defaults, ExtBot, JobQueue

from gazebot.bot import texts
from gazebot.bot.handlers import Handlers
from gazebot.bot.ordering import PerChatOrder
from gazebot.bot.ratelimit import RateLimiter
from gazebot.bot.services import Services
from gazebot.clock import Clock, SystemClock
from gazebot.delivery import Delivery
from gazebot.errors import GazebotError
from gazebot.fetch import build_client
from gazebot.ingest import Ingestor, process_pool
from gazebot.logs import configure_logging
from gazebot.settings import Settings
from gazebot.store import Store
from gazebot.urls import canonical_url

log = logging.getLogger(__name__)

ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER)
CONCURRENT_UPDATES = 256
"""Updates in flight at once (each chat's in order): one admin's slow /breaking fetch must not
hold up anyone else's /latest."""
POLL_TIMEOUT = 30
"""Seconds a getUpdates long poll waits for news before it is renewed."""
HEARTBEAT_INTERVAL = 30.0
"""Seconds between touches of `<db>.heartbeat`, which the Docker HEALTHCHECK reads."""

AppType: TypeAlias = Application[
    ExtBot[None],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]


@dataclass
class Runtime:
    """The resources the application opened; None until post_init, None again after shutdown."""

    settings: Settings
    clock: Clock
    given_http_client: httpx.AsyncClient | None
    worker_processes: int = 0
    store: Store | None = None
    http_client: httpx.AsyncClient | None = None
    ingestor: Ingestor | None = None
    delivery: Delivery | None = None
    services: Services | None = None
    cpu_pool: ProcessPoolExecutor | None = None
    poll_job_name: str = "gazebot-feed-poll"

    def require_services(self) -> Services:
        if self.services is None:
            raise GazebotError("the bot's resources are not open (post_init has not run)")
        return self.services


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    http_client: httpx.AsyncClient | None = None,
    limiter: RateLimiter | None = None,
    worker_processes: int = 0,
) -> AppType:
    """The bot, ready for `run_polling` or `running`. `http_client` (tests) is used as the
    shared client for fetching and is left open at shutdown; otherwise one is built.
    `worker_processes` > 0 runs page extraction and analysis in a process pool of that size,
    keeping them off the event loop that answers users (`gazebot run` uses every core)."""
    token = settings.require_token()
    runtime = Runtime(
        settings=settings,
        clock=clock or SystemClock(),
        given_http_client=http_client,
        worker_processes=worker_processes,
    )
    # `limiter or …` would not do: an empty RateLimiter has len() 0 and is falsy.
    limiter = limiter if limiter is not None else RateLimiter()
    handlers = Handlers(runtime.require_services, limiter=limiter)
    application = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(PerChatOrder(CONCURRENT_UPDATES))
        .post_init(lambda app: _open(app, runtime))
        .post_stop(lambda app: _stop(runtime))
        .post_shutdown(lambda app: _close(runtime))
        .build()
    )
    for group, handler in handlers.all():
        application.add_handler(handler, group=group)
    application.add_error_handler(handlers.on_error)
    application.bot_data["runtime"] = runtime
    return application


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    """The resources of an application built by `build_application`."""
    runtime = application.bot_data["runtime"]
    assert isinstance(runtime, Runtime)
    return runtime


async def _open(application: AppType, runtime: Runtime) -> None:
    settings = runtime.settings
    runtime.store = store = await Store.open(settings.db_path)
    runtime.http_client = runtime.given_http_client or build_client(settings)
    if runtime.worker_processes > 0:
        runtime.cpu_pool = process_pool(runtime.worker_processes)
    runtime.ingestor = ingestor = Ingestor(
        store, runtime.http_client, settings, runtime.clock, executor=runtime.cpu_pool
    )
    runtime.delivery = delivery = Delivery(store, application.bot, settings, runtime.clock)
    added = await ingestor.add_configured_feeds(canonical_url(url) for url in settings.feeds)
    if added:
        log.info("added %d feed(s) from GAZEBOT_FEEDS", added)
    runtime.services = Services(
        store=store,
        settings=settings,
        clock=runtime.clock,
        outbox=store.outbox,
        delivery=delivery,
        ingestor=ingestor,
        poll_soon=lambda: _poll_soon(application, runtime),
    )
    await _publish_commands(application, settings)
    if application.job_queue is None:
        raise GazebotError("python-telegram-bot's job queue is missing (install its job-queue extra)")
    application.job_queue.run_repeating(
        _poll_feeds, interval=settings.fetch_interval, first=1.0, name=runtime.poll_job_name
    )
    # first=0 would read as "not given" and wait a whole interval.
    application.job_queue.run_repeating(_heartbeat, interval=HEARTBEAT_INTERVAL, first=1.0)
    await delivery.start()  # last: nothing after it can fail and leave the sender running


async def _publish_commands(application: AppType, settings: Settings) -> None:
    """The subscriber menu for everyone; admins see the admin commands in their own chat."""
    everyone = [BotCommand(c.name, c.description) for c in texts.SUBSCRIBER_COMMANDS]
    admins = everyone + [BotCommand(c.name, c.description) for c in texts.ADMIN_COMMANDS]
    await application.bot.set_my_commands(everyone)
    for admin_id in sorted(settings.admin_ids):
        try:
            await application.bot.set_my_commands(admins, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:
            # Telegram refuses a chat the admin has not opened with the bot yet: not fatal.
            log.warning("could not publish admin commands for %s: %s", admin_id, exc)


async def _poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One pass over the due feeds; new stories go to topic alerts."""
    runtime = runtime_of(context.application)
    if runtime.ingestor is None or runtime.delivery is None:
        return
    started = time.monotonic()
    report = await runtime.ingestor.poll_due_feeds()
    if report.feeds_polled:
        log.info(
            "polled %d feed(s) in %.1f s: %d new, %d duplicate, %d failed",
            report.feeds_polled,
            time.monotonic() - started,
            report.new,
            report.duplicate,
            report.failed,
        )
    if report.new_article_ids:
        await runtime.delivery.on_new_articles(report.new_article_ids)


async def _heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the container's health check that the job queue (and so the bot's loop) is alive."""
    runtime = runtime_of(context.application)
    path = heartbeat_path(runtime.settings)
    try:
        path.touch()
    except OSError as exc:
        log.warning("cannot touch the heartbeat file %s: %s", path, exc)


def heartbeat_path(settings: Settings) -> Path:
    return settings.db_path.with_name(settings.db_path.name + ".heartbeat")


def _poll_soon(application: AppType, runtime: Runtime) -> None:
    """Poll now (a feed was just added) rather than at the next interval."""
    if application.job_queue is not None and application.running:
        application.job_queue.run_once(_poll_feeds, when=0.1, name=f"{runtime.poll_job_name}-now")


async def _stop(runtime: Runtime) -> None:
    # Before the Application shuts its Bot down: the sender may still finish a message.
    if runtime.delivery is not None:
        await runtime.delivery.stop()


async def _close(runtime: Runtime) -> None:
    await _stop(runtime)  # a no-op after post_stop; needed when start-up failed half way
    runtime.services = None
    runtime.ingestor = None
    runtime.delivery = None
    if runtime.http_client is not None and runtime.given_http_client is None:
        await runtime.http_client.aclose()
    runtime.http_client = None
    if runtime.cpu_pool is not None:
        runtime.cpu_pool.shutdown(wait=True, cancel_futures=True)
    runtime.cpu_pool = None
    if runtime.store is not None:
        await runtime.store.close()
    runtime.store = None


@asynccontextmanager
async def running(application: AppType, *, poll_interval: float = 0.0) -> AsyncIterator[AppType]:
    """Run the application inside the caller's event loop, exactly as `run_polling` would:
    initialize → post_init → start polling → start … stop polling → stop → post_stop →
    shutdown → post_shutdown."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=poll_interval,
            timeout=POLL_TIMEOUT,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )
        await application.start()
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
                if application.post_stop is not None:
                    await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def main(settings: Settings) -> int:
    """`gazebot run`: long polling until SIGINT/SIGTERM, then a clean shutdown. Exit status."""
    token = settings.require_token()
    configure_logging(settings.log_level, secrets=[token])
    application = build_application(settings, worker_processes=os.cpu_count() or 1)
    log.info("gazebot starting (database %s)", settings.db_path)
    application.run_polling(
        allowed_updates=list(ALLOWED_UPDATES),
        timeout=POLL_TIMEOUT,
        drop_pending_updates=False,
        close_loop=True,
    )
    log.info("gazebot stopped")
    return 0
