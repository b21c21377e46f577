"""The electronic seals' tasks (issue 15; settings.TASKS). Inline (the default) a
task runs at once; with YINZHENG_TASKS=database the `yinzheng db_worker` processes on
any node take them.

- Archive-timestamp renewal: `yinzheng esign timestamp-renew --enqueue` queues the
  issued certificates in batches, which the workers share out.
- The sealing of departments' verification queries into the audit journal
  (esign.journal): asked for by the requests every so many queries or seconds, and by
  `yinzheng esign seal-queries --enqueue`.
"""

import datetime as dt

from django_tasks import task

from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM

from . import archive, journal


@task()
def renew_timestamps(serials: list[str], horizon: str) -> dict:
    """archive.renew_many over one batch; what it did (Renewals.as_dict): the serials
    renewed and not renewable, how many were current, the failures with their
    error."""
    done = archive.renew_many(
        actor=SYSTEM, serials=serials, horizon=dt.datetime.fromisoformat(horizon)
    )
    return done.as_dict()


@task()
def seal_queries(lookback: float | None = None) -> dict:
    """journal.seal_pending over the queries of the last `lookback` seconds (all when
    None); how many it sealed."""
    since = None if lookback is None else clock.now() - dt.timedelta(seconds=lookback)
    return {"sealed": journal.seal_pending(since=since)}
