"""The application a WSGI server runs (`nextsteps serve --production` runs it with gunicorn).

Once the application is loaded, with its URLs and so every view imported, the objects that
loading made are moved out of the garbage collector's reach (`gc.freeze`). They live as long
as the process, yet every full collection walked all of them: about 200,000 objects and
100 ms, once every few hundred requests, stalling whichever request it fell in. Objects made
afterwards are collected as before.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nextsteps.settings")
application = get_wsgi_application()
get_resolver().reverse_dict  # noqa: B018 - imports every view and builds the URL map now
gc.collect()
gc.freeze()
