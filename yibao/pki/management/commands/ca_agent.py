import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from yibao.pki.agent import AgentStore, agent_server


class Command(BaseCommand):
    help = (
        "Run the development certificate driver (证书驱动) on 127.0.0.1: it lists the PKCS #12 "
        "certificates of a folder and signs the hall's login challenge after checking the 证书密码."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=18610, help="port on 127.0.0.1 (default 18610)")
        parser.add_argument(
            "--folder",
            default=str(Path(settings.VAR_DIR) / "ca" / "agent"),
            help="folder of <id>.p12 with <id>.pem (default var/ca/agent, made by ca_issue_demo)",
        )
        port = os.environ.get("PORT", "8000")
        parser.add_argument(
            "--origin",
            action="append",
            help=f"origin of the hall allowed to use the driver (default http://127.0.0.1:{port} "
            f"and http://localhost:{port}); repeat for several",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = os.environ.get("PORT", "8000")
        origins = set(options["origin"] or [f"http://127.0.0.1:{port}", f"http://localhost:{port}"])
        store = AgentStore(Path(options["folder"]))
        server = agent_server(store, origins=origins, port=options["port"])
        host, bound = str(server.server_address[0]), server.server_address[1]
        self.stdout.write(f"证书驱动 listening on http://{host}:{bound}/ for {', '.join(sorted(origins))}")
        for entry in store.listing():
            self.stdout.write(
                f"  {entry['id']}: {entry['unit_name']} {entry['uscc']} (至 {entry['not_after']})"
            )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
