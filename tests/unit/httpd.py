#!/usr/bin/env python3
"""A static HTTP/1.1 server for the tests of kura-image's remote stores.

Serves a directory with keep-alive and single byte ranges, logs every
request (one line: time, client port, method, path, range, status), and
injects faults named in a JSON file read on every request, so that a test
can change them while the server runs:

  {"<substring of a path>": {"times": N, "status": 503, "retry_after": 1,
                              "mode": "status" | "close" | "ignore-range"
                                      | "redirect", "location": URL}}

"times" requests of a matching path get the fault, later ones are served.
"ignore-range" answers every request of a matching path with the whole
object; "redirect" answers 302 to URL followed by the path.  Prints its port on stdout once it listens.  Test-only code.
"""
import argparse
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SEEN = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        # Headers and body go in two writes: without this, Nagle and the
        # client's delayed ACK cost 40 ms a request.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def record(self, status, rng):
        with LOCK, open(self.server.args.log, "a") as f:
            f.write("%.3f %d %s %s %s %d\n" % (time.time(), self.client_address[1],
                    self.command, self.path, rng or "-", status))

    def fault(self):
        try:
            with open(self.server.args.faults) as f:
                faults = json.load(f)
        except (OSError, ValueError):
            return None
        for key, spec in faults.items():
            if key in self.path:
                with LOCK:
                    n = SEEN.get((key, self.path), 0)
                    SEEN[(key, self.path)] = n + 1
                if spec.get("mode") == "ignore-range" or n < spec.get("times", 0):
                    return spec
        return None

    def send(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        rng = self.headers.get("Range")
        spec = self.fault()
        if spec and spec.get("mode", "status") == "status":
            self.record(spec["status"], rng)
            hdrs = [("Retry-After", str(spec["retry_after"]))] if "retry_after" in spec else []
            self.send(spec["status"], b"fault\n", hdrs)
            return
        if spec and spec.get("mode") == "redirect":
            self.record(302, rng)
            self.send(302, b"", [("Location", spec["location"] + self.path)])
            return
        path = os.path.join(self.server.args.root, self.path.lstrip("/"))
        if ".." in self.path or not os.path.isfile(path):
            self.record(404, rng)
            self.send(404, b"not found\n")
            return
        with open(path, "rb") as f:
            data = f.read()
        if spec and spec.get("mode") == "close":
            # Headers for the whole body, then half of it, then hang up.
            self.record(200, rng)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        m = re.fullmatch(r"bytes=(\d+)-(\d+)", rng or "")
        if m and not (spec and spec.get("mode") == "ignore-range"):
            a, b = int(m.group(1)), int(m.group(2))
            if a >= len(data) or b < a:
                self.record(416, rng)
                self.send(416, b"", [("Content-Range", "bytes */%d" % len(data))])
                return
            b = min(b, len(data) - 1)
            self.record(206, rng)
            self.send(206, data[a:b + 1], [("Content-Range", "bytes %d-%d/%d" % (a, b, len(data)))])
            return
        self.record(200, rng)
        self.send(200, data)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client killed mid-request is what the tests do


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--faults", default="/nonexistent")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = p.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.args = args
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
