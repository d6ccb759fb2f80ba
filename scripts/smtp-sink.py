#!/usr/bin/env python3
"""SMTP sink for tests: accepts every message on a loopback port and files it in a Maildir.

It must never relay mail anywhere and never listen beyond loopback.

Usage (the interpreter is $PELIHARA_TEST_PYTHON, which scripts/test-env.sh picks because
it can import aiosmtpd):

    $PELIHARA_TEST_PYTHON scripts/smtp-sink.py --maildir DIR [--port 0] [--port-file FILE]
        [--auth USER:PASSWORD] [--exit-on-stdin-eof]

With --port 0 (the default) the kernel picks a free port, so parallel tests never race for
one; the chosen port is printed as the first stdout line, `SMTP_SINK_PORT=<n>`, and written
to --port-file if given. Each accepted message becomes one file in DIR/new/ (Maildir: written
to DIR/tmp/ first and renamed, so a reader never sees half a message), with the envelope
added as X-MailFrom, X-RcptTo and X-Peer headers by aiosmtpd's Mailbox handler.
"""

import argparse
import asyncio
import os
import signal
import sys
import threading

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maildir", required=True, help="Maildir that receives the messages")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--port", type=int, default=0, help="0 lets the kernel choose")
    parser.add_argument("--port-file", help="also write the chosen port to this file")
    parser.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        help="require SMTP AUTH (PLAIN/LOGIN, allowed without TLS) with these credentials",
    )
    parser.add_argument(
        "--exit-on-stdin-eof",
        action="store_true",
        help="stop when stdin closes, so a test that dies leaves no sink behind",
    )
    args = parser.parse_args()
    if not (args.host.startswith("127.") or args.host in ("::1", "localhost")):
        parser.error("the sink listens on loopback only")
    return args


def make_authenticator(credentials: str):
    user, _, password = credentials.partition(":")

    def authenticator(_server, _session, _envelope, _mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok)

    return authenticator


async def serve(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    # mailbox.Maildir only creates its subfolders when the folder itself is new, and tests
    # usually pass a temporary folder that already exists.
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(args.maildir, sub), exist_ok=True)
    handler = Mailbox(args.maildir)
    smtp_options = {"hostname": "pelihara-test-sink", "enable_SMTPUTF8": True}
    if args.auth:
        smtp_options.update(
            authenticator=make_authenticator(args.auth),
            auth_required=True,
            # Tests talk to the sink over plain loopback; TLS would only test the test.
            auth_require_tls=False,
        )
    server = await loop.create_server(
        lambda: SMTP(handler, **smtp_options), host=args.host, port=args.port
    )
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        # Rename so that a reader polling for the file never reads an empty one.
        partial = f"{args.port_file}.partial"
        with open(partial, "w", encoding="ascii") as file:
            file.write(f"{port}\n")
        os.replace(partial, args.port_file)
    print(f"SMTP_SINK_PORT={port}", flush=True)

    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if args.exit_on_stdin_eof:

        def wait_for_eof() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=wait_for_eof, daemon=True).start()

    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(serve(parse_args()))
