"""Real engines: Django's Redis cache (CACHE_URL=redis://...) and Celery's Redis broker.

A throwaway `redis-server` (the `redis_url` fixture in conftest.py) is started on a free loopback
port (`make test` installs the binary when it is missing); without it these tests fail and say how.
"""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

from kroger.errors import KrogerDailyLimitReached
from kroger.quota import QuotaGuard
from shopper.celery import app as celery_app
from shopper.redis_cache import RedisCache
from tests.helpers import production_env, run


def test_cache_url_redis_selects_djangos_redis_cache_sharing_its_client(tmp_path):
    code = "import shopper.settings as s; print(s.CACHES['default']['BACKEND'])"

    result = run(["-c", code], production_env(tmp_path, CACHE_URL="redis://127.0.0.1:6390/0"))

    assert result.stdout.strip() == "shopper.redis_cache.RedisCache", result.stderr


def test_one_shared_client_serves_many_threads_each_its_own_answers(redis_url):
    cache = RedisCache(redis_url, {"KEY_PREFIX": f"shared-{uuid.uuid4().hex[:8]}"})

    def round_trip(n):
        cache.set(f"key-{n}", {"n": n}, timeout=30)
        if not cache.add("count", 1, timeout=30):
            cache.incr("count")
        return cache.get(f"key-{n}"), cache._cache.get_client()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(round_trip, range(200)))

    assert [value for value, _ in results] == [{"n": n} for n in range(200)]
    assert cache.get("count") == 200
    assert len({id(client) for _, client in results}) == 1


def test_the_quota_is_atomic_across_redis_connections(redis_url):
    # Each backend object has its own connection pool and client, like separate processes sharing
    # the server; two threads share each one, like a gunicorn worker's threads.
    prefix = f"quota-{uuid.uuid4().hex[:8]}"
    caches = [RedisCache(redis_url, {"KEY_PREFIX": prefix}) for _ in range(4)]
    guards = [QuotaGuard(cache, {"products": 30}) for cache in caches]

    def spend(n):
        try:
            guards[n % 4].spend("products")
            return True
        except KrogerDailyLimitReached:
            return False

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(spend, range(100)))

    assert results.count(True) == 30
    assert guards[0].usage_today()["products"] == 30


def test_add_is_a_lock_only_one_connection_gets(redis_url):
    prefix = f"lock-{uuid.uuid4().hex[:8]}"
    caches = [RedisCache(redis_url, {"KEY_PREFIX": prefix}) for _ in range(6)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        won = list(pool.map(lambda cache: cache.add("the-lock", 1, timeout=5), caches))

    assert won.count(True) == 1


def test_tasks_run_eagerly_without_a_broker():
    assert celery_app.conf.task_always_eager is True
    assert "refresh-remembered-picks" in celery_app.conf.beat_schedule


def test_without_a_broker_url_the_settings_make_celery_eager(tmp_path):
    code = "import shopper.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL or '-')"

    plain = run(["-c", code], production_env(tmp_path, CELERY_BROKER_URL=""))
    brokered = run(["-c", code], production_env(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6390/1"))

    assert plain.stdout.split() == ["True", "-"], plain.stderr
    assert brokered.stdout.split() == ["False", "redis://127.0.0.1:6390/1"], brokered.stderr


def test_celery_reaches_a_redis_broker_and_a_message_goes_through(redis_url):
    broker = os.environ.get("CELERY_BROKER_URL") or redis_url.rsplit("/", 1)[0] + "/1"
    queue = f"t-{uuid.uuid4().hex[:8]}"
    with celery_app.connection_for_write(broker) as connection:
        connection.ensure_connection(max_retries=3)
        simple = connection.SimpleQueue(queue)
        try:
            simple.put({"send_id": 42})
            message = simple.get(timeout=5)
            message.ack()
        finally:
            simple.clear()
            simple.close()

    assert message.payload == {"send_id": 42}


def test_a_count_through_djangos_cache_proxy_is_one_round_trip(redis_url, settings):
    """The throttles count through `django.core.cache.cache`, a proxy: it still takes the
    pipelined SET NX + INCRBY, not add()'s and incr()'s three commands."""
    import redis
    from django.core.cache import cache

    from kroger.quota import increment

    settings.CACHES = {"default": {"BACKEND": "shopper.redis_cache.RedisCache", "LOCATION": redis_url}}
    server = redis.Redis.from_url(redis_url)
    server.config_resetstat()

    counts = [increment(cache, f"throttle-{uuid.uuid4().hex[:8]}", timeout=60) for _ in range(3)]
    stats = server.info("commandstats")

    assert counts == [1, 1, 1]
    assert stats["cmdstat_incrby"]["calls"] == 3 and stats["cmdstat_set"]["calls"] == 3
    assert "cmdstat_exists" not in stats
