"""The Celery app: `celery -A shopper worker` and `celery -A shopper beat`.

Configured from the `CELERY_*` Django settings. Without `CELERY_BROKER_URL` every task runs
eagerly, in the calling process, so local development and tests need no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopper.settings")

app = Celery("shopper")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
