"""Where background work runs: on a Celery worker behind a broker, or right here.

Without `CELERY_BROKER_URL` the settings make every task eager (`make run`, the quick tests), so
`task_always_eager` alone says whether a worker elsewhere takes the work (tests that play the
worker switch that flag). A broker that is configured but cannot be reached is
not a reason to fail a shopper's request: `hand_to_worker` says so and the caller does the work
itself (resolving within its deadline, delivering a cart send), logging a warning.
"""

import logging

from celery import current_app
from celery.app.task import Task
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger("shopping.background")


def background_worker_available() -> bool:
    """Whether tasks go to a broker (a worker elsewhere runs them) rather than run right here."""
    return not current_app.conf.task_always_eager


def hand_to_worker(task: Task, *args) -> bool:
    """Queue `task(*args)`; False (logged) when the broker cannot be reached, so the caller does
    the work in the request instead."""
    try:
        task.delay(*args)
    except BrokerUnreachable:
        logger.warning("Broker unreachable: %s%r runs in the request instead", task.name, args)
        return False
    return True
