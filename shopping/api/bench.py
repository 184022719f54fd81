"""A bare DRF view for bench/bench_load.py: the same token authentication as the API, nothing else.

Mounted only when `BENCH_BARE_VIEW` is on (sandbox only), never in production.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import ApiTokenAuthentication


class BareView(APIView):
    authentication_classes = [ApiTokenAuthentication]
    throttle_classes = []

    @extend_schema(exclude=True)
    def get(self, request):
        return Response({"user": request.user.pk})
