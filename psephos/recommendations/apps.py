from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "psephos.recommendations"
    label = "recommendations"
    default_auto_field = "django.db.models.BigAutoField"
