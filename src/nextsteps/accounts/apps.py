from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "nextsteps.accounts"
    verbose_name = "Accounts"
