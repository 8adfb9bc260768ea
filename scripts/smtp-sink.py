#!/usr/bin/env python3
"""An SMTP server for Tessera's mail tests (aiosmtpd): listens on a free
port of 127.0.0.1, prints `listening on <port>`, and writes every message it
takes to <dir>/<n>.eml, whole, as it arrived, and beside it <dir>/<n>.json
with its parts decoded (to, from, subject, text, html, language) for tests
that have no MIME parser of their own.

  --fail-first N   answers the first N messages `451` (a passing trouble,
                   so the sender retries)
  --reject         answers every message `550` (a permanent refusal)
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory, fail_first, reject):
        self.directory = directory
        self.fail_left = fail_first
        self.reject = reject
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "550 5.7.1 Refused by the test sink"
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 Try again later (test sink)"
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.directory, f"{self.count:05d}")
        write(base + ".json", json.dumps(decoded(raw), ensure_ascii=False).encode())
        write(base + ".eml", raw)
        return "250 OK"


def write(path, data):
    """Whole or not at all: a reader never sees half a file."""
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def decoded(raw):
    m = email.message_from_bytes(raw, policy=email.policy.default)
    part = lambda kind: (m.get_body((kind,)) or None)
    text, html = part("plain"), part("html")
    return {
        "to": str(m["To"] or ""),
        "from": str(m["From"] or ""),
        "subject": str(m["Subject"] or ""),
        "language": str(m["Content-Language"] or ""),
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--reject", action="store_true")
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    sink = Sink(a.dir, a.fail_first, a.reject)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="tessera-test-sink", decode_data=False, enable_SMTPUTF8=True),
        host="127.0.0.1",
        port=0,
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening on {port}", flush=True)
    # Ends with its parent: standard input closes when the test is done.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
