"""An SMTP server on 127.0.0.1 that accepts every message and keeps nothing but a count and
the first voting codes it sees (written to a file), for the ballot lifecycle run.

    python bench/load/smtp_sink.py PORT CODES_FILE KEEP
"""

import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str, keep: int):
        self.path, self.keep, self.count, self.codes = path, keep, 0, []

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if len(self.codes) < self.keep:
            found = re.search(rb"code=([A-Z0-9]{20})", envelope.content)
            if found:
                self.codes.append(found.group(1).decode())
        if self.count % 1000 == 0 or len(self.codes) == self.keep:
            with open(self.path, "w") as fh:
                fh.write(f"{self.count}\n" + "\n".join(self.codes) + "\n")
        return "250 OK"


def main() -> None:
    port, path, keep = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    sink = Sink(path, keep)
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    with open(path, "w") as fh:
        fh.write(f"{sink.count}\n" + "\n".join(sink.codes) + "\n")
    controller.stop()


if __name__ == "__main__":
    main()
