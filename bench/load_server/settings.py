"""The production settings (`config.settings` with DJANGO_ENV=production, as `bench/load.py` sets
the environment) with the URLconf that adds the bare view; nothing else differs."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_server.urls"
