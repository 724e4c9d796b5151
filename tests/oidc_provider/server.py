"""Run the test provider: `python -m tests.oidc_provider.server CLIENT_ID CLIENT_SECRET` with the
environment of settings.py. It migrates its database, registers the hall as a confidential
client (authorization code, RS256, no consent page; CLIENT_ID-consent with one), redirect URIs on the test hosts, any port on
the loopback ones), then serves on a free 127.0.0.1 port and prints «port N» once it listens."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import get_application_model

    client_id, client_secret = sys.argv[1], sys.argv[2]
    call_command("migrate", verbosity=0, interactive=False)
    application_model = get_application_model()
    # The hall's client; the same once more with the consent page the user may decline.
    for suffix, skip in (("", True), ("-consent", False)):
        application_model.objects.get_or_create(
            client_id=client_id + suffix,
            defaults={
                "name": "医保单位网厅",
                "client_secret": client_secret,
                "client_type": application_model.CLIENT_CONFIDENTIAL,
                "authorization_grant_type": application_model.GRANT_AUTHORIZATION_CODE,
                "algorithm": application_model.RS256_ALGORITHM,
                "skip_authorization": skip,
                "redirect_uris": " ".join(
                    f"http://{host}/hall/login/oidc/callback/"
                    for host in ("testserver", "localhost", "127.0.0.1")
                ),
            },
        )

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, ipv6=False)
    server.set_app(get_wsgi_application())
    print(f"port {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
