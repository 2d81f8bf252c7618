from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "nextsteps.curriculum"
    verbose_name = "Curriculum"
