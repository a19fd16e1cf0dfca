"""Settings of the wrk benchmark's server: the project's own, with the bench URLconf.

``bench.urls`` is ``ocop.urls`` plus one trivial view, so that the verification page and
the trivial view are served by the same processes, middleware and database in one run.
"""

from ocop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
