"""Test helpers shared by several test modules (fixtures live in the conftest.py files)."""

from collections.abc import Iterator
from contextlib import contextmanager

from celery import Task


@contextmanager
def on_a_worker(task: Task, *args) -> Iterator[None]:
    """Run `task.run(*args)` inside as a worker runs a message (not eagerly), so its retries go
    through Celery's own `retry`. The tests have no broker: the retry it publishes runs at once,
    eagerly (as the worker would run it once the countdown is up), and `retry` then raises
    `celery.exceptions.Retry` with the countdown (`when`) and the next try's signature (`sig`)."""
    task.push_request(
        id=f"test-{task.name}", args=list(args), kwargs={}, retries=0, is_eager=False, called_directly=False
    )
    try:
        yield
    finally:
        task.pop_request()
