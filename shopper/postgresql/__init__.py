"""Django's PostgreSQL backend with a faster timestamp loader (see `base`); settings select it
for every `postgres://` DATABASE_URL."""
