"""WSGI entry point; refuses the public development key when DEBUG is off."""

import os

from django.core.wsgi import get_wsgi_application

from config.startup import secret_key_refuse_fallback

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
secret_key_refuse_fallback()
application = get_wsgi_application()
