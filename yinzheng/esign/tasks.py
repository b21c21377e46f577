"""Archive-timestamp renewal as tasks (issue 15; settings.TASKS): `yinzheng esign
timestamp-renew --enqueue` queues the issued certificates in batches, and with
YINZHENG_TASKS=database the `yinzheng db_worker` processes on any node share the
batches out; inline (the default) each batch runs at once."""

import datetime as dt

from django_tasks import task

from yinzheng.core.actors import SYSTEM

from . import archive


@task()
def renew_timestamps(serials: list[str], horizon: str) -> dict:
    """archive.renew_many over one batch; what it did (Renewals.as_dict): the serials
    renewed and not renewable, how many were current, the failures with their
    error."""
    done = archive.renew_many(
        actor=SYSTEM, serials=serials, horizon=dt.datetime.fromisoformat(horizon)
    )
    return done.as_dict()
