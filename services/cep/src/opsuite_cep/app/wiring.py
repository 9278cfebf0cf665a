"""Wiring of cep: :func:`build_app` opens the database, applies the migrations and builds the typed
:class:`App` (every use-case object of one server), which the common skeleton starts and closes
(:func:`opsuite_common.server.create_service_server`).

Background tasks (with ``background_tasks``): the dispatcher, the scheduler and the history's retention sweep
(``db.retention``). Graceful stop: open WatchAlerts streams end as the drain starts (``draining``); after the
grace period background tasks stop, every tenant engine is checkpointed (restored lazily at the tenant's
first call after the restart), the clients close, then the database.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import uuid
from dataclasses import dataclass

from opsuite_cep.adapters.apiclient import ApiManagerCaller
from opsuite_cep.adapters.opsclient import OpsCaller
from opsuite_cep.adapters.senders import Sender, outbound_policy
from opsuite_cep.adapters.tokens import ServiceTokens
from opsuite_cep.app.alerts import AlertService
from opsuite_cep.app.background_runs import BackgroundRuns
from opsuite_cep.app.channel_secrets import ChannelSecrets, channel_box
from opsuite_cep.app.channels import ChannelService
from opsuite_cep.app.dispatcher import Dispatcher
from opsuite_cep.app.engines import EngineHost, Notifier
from opsuite_cep.app.eventlog import DatabaseLog, EventLog, NoLog
from opsuite_cep.app.expected_keys import KeyListRefresher
from opsuite_cep.app.investigations import Investigator
from opsuite_cep.app.ownership import PartitionCoordinator
from opsuite_cep.app.partitions import PartitionedIngest
from opsuite_cep.app.routing import RoutingService
from opsuite_cep.app.rules import RuleService
from opsuite_cep.app.scheduler import Scheduler, SchedulerClock, SystemClock
from opsuite_cep.app.watch import AlertFeed
from opsuite_cep.config import Settings
from opsuite_cep.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_cep.db.retention import history_purges
from opsuite_common.db import Database, RetentionSweeper, run_migrations
from opsuite_common.errors import FailedPreconditionError
from opsuite_common.netguard import Resolver

__all__ = ["App", "build_app"]


async def build_app(
    settings: Settings, *, resolver: Resolver | None = None, clock: SchedulerClock | None = None
) -> App:
    """Open the database, migrate it and wire the app; ``resolver`` replaces getaddrinfo for deliveries.

    ``clock`` replaces the real clock of the scheduler and of event time (future-skew bound, idle progress)
    (tests: ``opsuite_common.testing.clock.FakeClock``).
    """
    require_sqlite_returning(settings.database_url)
    db = Database.from_url(settings.database_url, application_name="cep")
    try:
        await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
        return App.build(settings, db, resolver=resolver, clock=clock)
    except BaseException:
        await db.dispose()
        raise


#: The oldest SQLite with ``RETURNING`` (the log cursor's compare-and-set, the partition epochs, sequences).
MIN_SQLITE = (3, 35, 0)


def require_sqlite_returning(database_url: str, version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> None:
    """Refuse to start on a SQLite library older than :data:`MIN_SQLITE` (``version``: the linked one)."""
    if database_url.startswith("sqlite") and tuple(version) < MIN_SQLITE:
        found, needed = ".".join(map(str, version)), ".".join(map(str, MIN_SQLITE))
        raise FailedPreconditionError(
            f"cep needs SQLite {needed} or later (RETURNING); this Python is linked with SQLite {found}: "
            "use a Python built with a newer SQLite, or PostgreSQL"
        )


def open_event_log(settings: Settings, db: Database) -> EventLog:
    """The log ``OPSUITE_CEP_EVENT_LOG`` names: ``db``, ``nats://...`` or ``none``. With partitions the
    partition stream is the log and the host's own log is unused (nothing is evaluated where it arrives)."""
    if settings.event_log == "none" or settings.partitions:
        return NoLog()
    if settings.event_log.startswith("nats://"):
        from opsuite_cep.adapters.natslog import JetStreamLog  # nats-py only when the log is on NATS

        return JetStreamLog(settings.event_log, max_age_s=settings.event_log_max_age_s)
    return DatabaseLog(db)


@dataclass
class App:
    """Every use-case object of one cep server."""

    settings: Settings
    db: Database
    host: EngineHost
    rules: RuleService
    alerts: AlertService
    channels: ChannelService
    dispatcher: Dispatcher
    scheduler: Scheduler
    api: ApiManagerCaller
    ops: OpsCaller
    routing: RoutingService
    #: With partitions (``OPSUITE_CEP_PARTITIONS`` > 0): where PublishEvents appends, and the ownership loop.
    partitioned: PartitionedIngest | None = None
    coordinator: PartitionCoordinator | None = None
    #: The history's retention sweep (``OPSUITE_CEP_HISTORY_RETENTION_S``), started with the background tasks.
    retention: RetentionSweeper | None = None

    @classmethod
    def build(
        cls, settings: Settings, db: Database, *, resolver: Resolver | None = None, clock: SchedulerClock | None = None
    ) -> App:
        """Wire the services (no task is started here); ``resolver`` and ``clock`` as in :func:`build_app`."""
        notifier = Notifier()
        tokens = ServiceTokens(settings)
        api = ApiManagerCaller(settings, tokens)
        ops = OpsCaller(settings, tokens)
        sender = Sender(
            outbound_policy(settings.outbound, settings.outbound_allow),
            settings.delivery_timeout_s,
            api.execute,
            Investigator(db, ops, notifier),
            resolver=resolver,
        )
        jwt = settings.auth.jwt_secret.get_secret_value() if settings.auth.jwt_secret else None
        key = settings.secret_key.get_secret_value() if settings.secret_key else None
        secrets = ChannelSecrets(channel_box(key, jwt))
        dispatcher = Dispatcher(db, settings, sender, secrets)
        wall = clock or SystemClock()
        host = EngineHost(
            db,
            settings,
            notifier,
            dispatcher.wake,
            clock=lambda: wall.now().timestamp(),
            log=open_event_log(settings, db),
        )
        rules = RuleService(db, host, settings.allowed_lateness_s, quota=settings.max_rules_per_tenant)
        scheduler = Scheduler(db, settings, host, api.execute, clock=wall)
        scheduler.refresher = KeyListRefresher(
            db,
            host,
            api.execute,
            partitioned=bool(settings.partitions),
            runs=BackgroundRuns(settings.schedule_max_runs_per_tenant, settings.schedule_max_runs, "cep-keys"),
        )
        feed = AlertFeed(db, notifier, poll_s=settings.watch_poll_s, queue_size=settings.watch_queue_size)
        rules.schedule_stats = scheduler.stats
        partitioned, coordinator = None, None
        if settings.partitions:
            from opsuite_cep.adapters.partitions import Leases, PartitionStream, namespace_names  # nats-py

            names = namespace_names(settings.stream_namespace)
            stream = PartitionStream(
                settings.event_log,
                settings.partitions,
                max_age_s=settings.event_log_max_age_s,
                stream=names.stream,
                prefix=names.prefix,
            )
            replica = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
            leases = Leases(settings.event_log, replica, bucket=names.bucket, ttl_s=settings.lease_ttl_s)
            partitioned = PartitionedIngest(stream, settings, host.now, host.budget)
            coordinator = PartitionCoordinator(host, stream, leases, settings, replica)
        alerts = AlertService(
            db,
            host,
            notifier,
            feed,
            partitioned=partitioned,
            silence_quota=settings.max_silences_per_tenant,
            silence_retention_s=settings.silence_retention_s,
        )
        rules.partitioned = partitioned is not None
        return cls(
            settings=settings,
            db=db,
            host=host,
            rules=rules,
            alerts=alerts,
            channels=ChannelService(db, sender, secrets, quota=settings.max_channels_per_tenant),
            dispatcher=dispatcher,
            scheduler=scheduler,
            api=api,
            ops=ops,
            routing=RoutingService(db, host),
            partitioned=partitioned,
            coordinator=coordinator,
            retention=RetentionSweeper(db, history_purges(settings.history_retention_s), name="cep"),
        )

    async def start(self) -> None:
        """Start the dispatcher, the scheduler and the retention sweep (unless disabled in the settings)."""
        if self.settings.background_tasks:
            self.dispatcher.start()
            self.scheduler.start()
            if self.retention is not None:
                self.retention.start()
        if self.coordinator is not None:
            self.coordinator.start()

    def draining(self, grace_ends: float | None) -> None:
        """The server is stopping: open WatchAlerts streams end now, not at the grace's end."""
        self.alerts.feed.drain(grace_ends)

    async def aclose(self) -> None:
        """Background tasks, then every engine's checkpoint, then clients, then the database."""
        try:
            await self.alerts.feed.close()
            if self.retention is not None:
                await self.retention.stop()
            await self.scheduler.stop()
            await self.dispatcher.stop()
            if self.coordinator is not None:
                await self.coordinator.stop()  # every partition checkpointed and handed back
            await self.host.checkpoint_all()
            await self.host.log.close()
            await self.api.close()
            await self.ops.close()
        finally:
            await self.db.dispose()
