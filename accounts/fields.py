"""EncryptedTextField: a TextField stored as a MultiFernet token; plaintext exists only in Python."""

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@cache
def get_fernet() -> MultiFernet:
    """The configured key ring. The first key encrypts; every key decrypts (rotation)."""
    # Cached per process; tests that change keys call get_fernet.cache_clear().
    return MultiFernet([Fernet(key.strip()) for key in settings.TOKEN_ENCRYPTION_KEYS])


class EncryptedTextField(models.TextField):
    """Encrypts on the way into the database and decrypts on the way out.

    Decrypting with a wrong key raises cryptography.fernet.InvalidToken: it never
    returns ciphertext. Encrypted columns cannot be filtered or indexed.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return get_fernet().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return get_fernet().decrypt(value.encode()).decode()

    def value_to_string(self, obj) -> str:
        # dumpdata/serializers: never emit the plaintext.
        return "<encrypted>" if self.value_from_object(obj) else ""
