"""ASGI entry point; refuses the public development key when DEBUG is off."""

import os

from django.core.asgi import get_asgi_application

from config.startup import secret_key_refuse_fallback

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
secret_key_refuse_fallback()
application = get_asgi_application()
