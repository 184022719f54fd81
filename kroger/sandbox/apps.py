from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "kroger.sandbox"
    label = "sandbox"
    verbose_name = "Kroger sandbox"

    def ready(self) -> None:
        # Registering the check only when the app is installed: that is exactly the risk.
        from . import checks  # noqa: F401
