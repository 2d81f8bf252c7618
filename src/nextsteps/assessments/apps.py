from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "nextsteps.assessments"
    verbose_name = "Tests and challenges"
