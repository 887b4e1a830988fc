#!/usr/bin/env python3
"""A local SMTP server that delivers nowhere: every message it receives is
written to a folder, one .eml file each, with its envelope recipients in an
X-Envelope-To header on top. `make run` and `make test` point the platform
at it, so e-mails can be read (by people in /tmp/congxa-mail, by tests through
their recipients) without any mail leaving the machine."""

import argparse
import os
import time
import uuid

from aiosmtpd.controller import Controller


class Folder:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        partial = os.path.join(self.folder, name + ".part")
        with open(partial, "wb") as out:
            out.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            out.write(envelope.original_content or envelope.content)
        # Readers see whole messages only.
        os.rename(partial, os.path.join(self.folder, name))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Folder(args.dir), hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
