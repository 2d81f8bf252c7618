from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "nextsteps.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from nextsteps.web import translations

        translations.prepare()
