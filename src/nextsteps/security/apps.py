from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "nextsteps.security"
    verbose_name = "Security and data protection"
