from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "kroger.sandbox"
    label = "sandbox"
