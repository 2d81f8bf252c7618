from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "nextsteps.people"
    verbose_name = "People"
