from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "nextsteps.feedback"
    verbose_name = "Goals, feedback and targets"
