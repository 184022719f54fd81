"""Tokens are stored encrypted, only in KrogerToken, and never leak through dumps or other tables."""

import io
import json

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection
from social_django.models import Partial, UserSocialAuth

from accounts.models import KrogerToken
from tests.factories import KrogerTokenFactory

from .conftest import ACCESS_TOKEN, REFRESH_TOKEN, callback, start_login

pytestmark = pytest.mark.django_db


def raw_token_columns(pk) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT access_token, refresh_token FROM {KrogerToken._meta.db_table} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def every_stored_value() -> list[str]:
    """Every cell of every table, as text."""
    values = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            values.extend(str(cell) for row in cursor.fetchall() for cell in row)
    return values


def test_after_sign_in_no_table_holds_a_token_in_plaintext(client, fake_kroger):
    callback(client, code="c0de", state=start_login(client)["state"])
    assert KrogerToken.objects.get().access_token == ACCESS_TOKEN

    values = every_stored_value()

    assert values  # the scan saw the database
    assert not [v for v in values if ACCESS_TOKEN in v or REFRESH_TOKEN in v]
    # Session rows are stored encoded; decode them too.
    from django.contrib.sessions.models import Session

    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded())
        assert ACCESS_TOKEN not in decoded and REFRESH_TOKEN not in decoded


def test_extra_data_keeps_only_non_secret_metadata(client, fake_kroger):
    callback(client, code="c0de", state=start_login(client)["state"])

    social = UserSocialAuth.objects.get()
    dumped = json.dumps(social.extra_data)
    assert ACCESS_TOKEN not in dumped and REFRESH_TOKEN not in dumped
    assert not {"access_token", "refresh_token", "token_type"} & social.extra_data.keys()
    assert social.extra_data.get("expires_in") == 1800
    assert not Partial.objects.exists()


def test_dumpdata_never_emits_plaintext_tokens(client, fake_kroger):
    callback(client, code="c0de", state=start_login(client)["state"])
    out = io.StringIO()

    call_command("dumpdata", "accounts", "social_django", stdout=out)

    dumped = out.getvalue()
    assert "kroger_profile_id" in dumped  # the dump did include the accounts
    assert ACCESS_TOKEN not in dumped and REFRESH_TOKEN not in dumped


def test_tokens_are_fernet_ciphertext_in_the_column():
    token = KrogerTokenFactory(access_token="AT-plain-123", refresh_token="RT-plain-456")

    access, refresh = raw_token_columns(token.pk)

    assert access.startswith("gAAAAA") and refresh.startswith("gAAAAA")
    assert "AT-plain-123" not in access and "RT-plain-456" not in refresh
    assert KrogerToken.objects.get(pk=token.pk).refresh_token == "RT-plain-456"


def test_reading_with_a_wrong_key_raises_and_never_returns_ciphertext(fernet_keys):
    token = KrogerTokenFactory(access_token="AT-secret")
    from accounts.fields import get_fernet

    fernet_keys.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    get_fernet.cache_clear()

    with pytest.raises(InvalidToken):
        KrogerToken.objects.get(pk=token.pk)


def test_old_key_still_decrypts_while_it_is_listed(fernet_keys):
    from accounts.fields import get_fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    fernet_keys.TOKEN_ENCRYPTION_KEYS = [old]
    get_fernet.cache_clear()
    token = KrogerTokenFactory(access_token="AT-under-old")

    fernet_keys.TOKEN_ENCRYPTION_KEYS = [new, old]
    get_fernet.cache_clear()

    assert KrogerToken.objects.get(pk=token.pk).access_token == "AT-under-old"


def test_rotate_token_keys_reencrypts_so_the_old_key_can_be_dropped(fernet_keys):
    from accounts.fields import get_fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    fernet_keys.TOKEN_ENCRYPTION_KEYS = [old]
    get_fernet.cache_clear()
    tokens = [KrogerTokenFactory(access_token=f"AT-{n}", refresh_token=f"RT-{n}") for n in range(3)]
    no_refresh = KrogerTokenFactory(access_token="AT-lonely", refresh_token="")
    before = {t.pk: raw_token_columns(t.pk) for t in tokens}

    fernet_keys.TOKEN_ENCRYPTION_KEYS = [new, old]
    get_fernet.cache_clear()
    out = io.StringIO()
    call_command("rotate_token_keys", stdout=out)

    assert "4 shopper" in out.getvalue()
    fernet_keys.TOKEN_ENCRYPTION_KEYS = [new]
    get_fernet.cache_clear()
    for n, token in enumerate(tokens):
        stored = KrogerToken.objects.get(pk=token.pk)
        assert (stored.access_token, stored.refresh_token) == (f"AT-{n}", f"RT-{n}")
        assert raw_token_columns(token.pk) != before[token.pk]
    lonely = KrogerToken.objects.get(pk=no_refresh.pk)
    assert (lonely.access_token, lonely.refresh_token) == ("AT-lonely", "")


def test_rotate_stops_when_a_stored_token_fits_no_configured_key(fernet_keys):
    from accounts.fields import get_fernet

    token = KrogerTokenFactory(access_token="AT-keep")
    original = raw_token_columns(token.pk)
    fernet_keys.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    get_fernet.cache_clear()

    with pytest.raises(InvalidToken):
        call_command("rotate_token_keys", stdout=io.StringIO())

    assert raw_token_columns(token.pk) == original
