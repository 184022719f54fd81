"""Re-encrypt every stored Kroger token under the first TOKEN_ENCRYPTION_KEYS key."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.fields import get_fernet
from accounts.models import KrogerToken

BATCH_SIZE = 200
TOKEN_COLUMNS = ("access_token", "refresh_token")


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Kroger token with the first key in TOKEN_ENCRYPTION_KEYS. "
        "Afterwards the older keys can be removed from the setting."
    )

    def handle(self, *args, **options) -> None:
        fernet = get_fernet()
        # Raw SQL on purpose: the ORM would decrypt on read and encrypt again on write.
        quote = connection.ops.quote_name
        table = quote(KrogerToken._meta.db_table)
        access, refresh = (quote(KrogerToken._meta.get_field(name).column) for name in TOKEN_COLUMNS)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        ids = list(KrogerToken.objects.order_by("pk").values_list("pk", flat=True))
        rotated = 0
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            placeholders = ", ".join(["%s"] * len(batch))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, {access}, {refresh} FROM {table} WHERE id IN ({placeholders}){lock}",  # noqa: S608
                    batch,
                )
                for pk, access_value, refresh_value in cursor.fetchall():
                    cursor.execute(
                        f"UPDATE {table} SET {access} = %s, {refresh} = %s WHERE id = %s",  # noqa: S608
                        [_rotate(fernet, access_value), _rotate(fernet, refresh_value), pk],
                    )
                    rotated += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted the tokens of {rotated} shopper(s)."))


def _rotate(fernet, value: str | None) -> str | None:
    # MultiFernet.rotate decrypts with any key and re-encrypts with the first; it raises
    # InvalidToken when no configured key fits, so a missing old key stops the command.
    return fernet.rotate(value.encode()).decode() if value else value
