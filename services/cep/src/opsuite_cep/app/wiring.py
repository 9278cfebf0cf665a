"""Wiring of cep's use cases: one :class:`CepApp` per server, started and stopped with it."""

from __future__ import annotations

from dataclasses import dataclass

from opsuite_cep.app.alerts import AlertService
from opsuite_cep.app.apiclient import ApiManagerCaller
from opsuite_cep.app.channel_secrets import ChannelSecrets, channel_box
from opsuite_cep.app.channels import ChannelService
from opsuite_cep.app.dispatcher import Dispatcher
from opsuite_cep.app.engines import EngineHost, Notifier
from opsuite_cep.app.investigations import Investigator, OpsCaller
from opsuite_cep.app.rules import RuleService
from opsuite_cep.app.scheduler import Scheduler
from opsuite_cep.app.senders import Sender, outbound_policy
from opsuite_cep.app.tokens import ServiceTokens
from opsuite_cep.config import Settings
from opsuite_common.db import Database
from opsuite_common.netguard import Resolver

__all__ = ["CepApp"]


@dataclass
class CepApp:
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

    @classmethod
    def build(cls, settings: Settings, db: Database, *, resolver: Resolver | None = None) -> CepApp:
        """Wire the services (no task is started here); ``resolver`` replaces getaddrinfo for deliveries."""
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
        host = EngineHost(db, settings, notifier, dispatcher.wake)
        rules = RuleService(db, host, settings.allowed_lateness_s)
        scheduler = Scheduler(db, settings, host, api.execute)
        rules.schedule_stats = scheduler.stats
        return cls(
            settings=settings,
            db=db,
            host=host,
            rules=rules,
            alerts=AlertService(db, host, notifier, settings.watch_poll_s, settings.watch_queue_size),
            channels=ChannelService(db, sender, secrets),
            dispatcher=dispatcher,
            scheduler=scheduler,
            api=api,
            ops=ops,
        )

    def start(self) -> None:
        """Start the dispatcher and the scheduler (unless disabled in the settings)."""
        if self.settings.background_tasks:
            self.dispatcher.start()
            self.scheduler.start()

    async def stop(self) -> None:
        """Graceful stop: background tasks, then every engine's checkpoint, then clients."""
        await self.alerts.feed.close()
        await self.scheduler.stop()
        await self.dispatcher.stop()
        await self.host.checkpoint_all()
        await self.api.close()
        await self.ops.close()
