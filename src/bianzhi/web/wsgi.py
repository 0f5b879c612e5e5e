"""WSGI entry point for gunicorn (`bianzhi serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")

application = get_wsgi_application()
