#!/usr/bin/env python3
"""Local receivers for the end-to-end alert tests (tests/cli_test.sh).

  receivers.py webhook DIR   HTTP server: each POST is appended to DIR/webhook.jsonl
                             as {"headers": {...}, "body": "..."}; answers 200.
  receivers.py smtp DIR      minimal SMTP server: each message is appended to
                             DIR/mail.jsonl as {"from", "to", "data"}.

Both listen on 127.0.0.1 on a free port and write it to DIR/<kind>.port.
Standard library only.
"""
import http.server
import json
import os
import socketserver
import sys


def webhook(out):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
            with open(os.path.join(out, "webhook.jsonl"), "a") as f:
                f.write(json.dumps({"headers": dict(self.headers), "body": body}) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(os.path.join(out, "webhook.port"), "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


def smtp(out):
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line):
            self.wfile.write((line + "\r\n").encode())

        def handle(self):
            self.reply("220 localhost test SMTP")
            sender, rcpts = "", []
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                cmd = line.decode("utf-8", "replace").strip()
                up = cmd.upper()
                if up.startswith("EHLO") or up.startswith("HELO"):
                    self.reply("250 localhost")
                elif up.startswith("MAIL FROM:"):
                    sender, rcpts = cmd[10:].strip(), []
                    self.reply("250 OK")
                elif up.startswith("RCPT TO:"):
                    rcpts.append(cmd[8:].strip())
                    self.reply("250 OK")
                elif up == "DATA":
                    self.reply("354 end with .")
                    data = []
                    while True:
                        l = self.rfile.readline()
                        if not l or l in (b".\r\n", b".\n"):
                            break
                        data.append(l.decode("utf-8", "replace"))
                    with open(os.path.join(out, "mail.jsonl"), "a") as f:
                        f.write(json.dumps({"from": sender, "to": rcpts, "data": "".join(data)}) + "\n")
                    self.reply("250 queued")
                elif up == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    with open(os.path.join(out, "smtp.port"), "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    {"webhook": webhook, "smtp": smtp}[sys.argv[1]](sys.argv[2])
