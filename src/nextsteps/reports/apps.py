from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "nextsteps.reports"
    verbose_name = "Reports and dashboards"
