"""The python-social-auth pipeline step that stores Kroger tokens, encrypted."""


def save_kroger_tokens(backend, user=None, response=None, social=None, *args, **kwargs):
    return None
