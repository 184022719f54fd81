"""A strict Content-Security-Policy on every response (Django 5.2 has none built in).

Scripts and styles come only from our own origin: no inline `<script>`, no `on*=` handlers,
no `style=` attributes, no eval. Product images may come from Kroger's image host over HTTPS.
Forms may post to us and to Kroger (sign-in redirects there). `CONTENT_SECURITY_POLICY` in
settings replaces the whole policy when set.
"""

from urllib.parse import urlsplit

from django.conf import settings


def default_policy() -> str:
    kroger = urlsplit(settings.KROGER_API_BASE_URL)
    kroger_origin = f"{kroger.scheme}://{kroger.netloc}" if kroger.scheme and kroger.netloc else ""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https:",
        "font-src": "'self' data:",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": f"'self' {kroger_origin}".strip(),
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = getattr(settings, "CONTENT_SECURITY_POLICY", "") or default_policy()
            response["Content-Security-Policy"] = policy
        return response
