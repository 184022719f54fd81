"""DRF authentication with personal API tokens (`Authorization: Bearer <token>`)."""

from rest_framework.authentication import BaseAuthentication


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        return None
