"""
Baseline (c) of the fan-out benchmark: Twisted 22.4 (Debian's python3-twisted) fanning the same
stream out by writing to sockets. The reactor spawns `gst-launch-1.0 … ! fdsink fd=1` and reads the
raw audio from its stdout; each viewer sends `GET /live.raw?token=…`, the HMAC token is checked
exactly as Torsion's token.ts does, a `Connection: close` head is written, and every chunk is then
`transport.write()`n to every viewer (dropped when more than 1 MiB behind). A callLater heartbeat
measures the reactor's lateness; stdin takes `reset`/`report` lines like control.ts.
Run: /usr/bin/python3 bench/fanout/twisted_server.py --port 0 --secret S --launch "<audiotestsrc … caps>"
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import resource
import sys
import time
from urllib.parse import parse_qs, urlsplit

from twisted.internet import epollreactor

epollreactor.install()
from twisted.internet import protocol, reactor, stdio  # noqa: E402
from twisted.protocols.basic import LineReceiver  # noqa: E402

MAX_LAG = 1 << 20
HEARTBEAT = 0.01


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def verify(secret, token, path):
    """Torsion's token check: payload '.' base64url(HMAC-SHA256(secret, 'torsion-token-v1.' payload))."""
    payload, _, signature = token.partition('.')
    if not payload or not signature:
        return False
    expected = hmac.new(secret, b'torsion-token-v1.' + payload.encode('ascii'), hashlib.sha256).digest()
    try:
        given = b64url_decode(signature)
        scope, _, expiry = b64url_decode(payload).decode('utf-8').rpartition('|')
    except ValueError:
        return False
    return hmac.compare_digest(given, expected) and int(expiry) > time.time() and scope == path


class Fanout:
    def __init__(self):
        self.viewers = set()
        self.bytes_served = 0
        self.ended = {}
        self.lateness = []

    def end(self, reason):
        self.ended[reason] = self.ended.get(reason, 0) + 1

    def broadcast(self, data):
        for viewer in list(self.viewers):
            transport = viewer.transport
            if len(transport.dataBuffer) + transport._tempDataLen > MAX_LAG:
                self.viewers.discard(viewer)
                self.end('slow')
                transport.abortConnection()
                continue
            transport.write(data)
            self.bytes_served += len(data)


class Viewer(protocol.Protocol):
    def __init__(self, fanout, secret):
        self.fanout, self.secret, self.head, self.streaming = fanout, secret, b'', False

    def dataReceived(self, data):
        if self.streaming:
            return
        self.head += data
        if b'\r\n\r\n' not in self.head:
            if len(self.head) > 16384:
                self.transport.loseConnection()
            return
        request = self.head.split(b'\r\n', 1)[0].decode('latin1').split(' ')
        url = urlsplit(request[1] if len(request) == 3 else '/')
        token = parse_qs(url.query).get('token', [''])[0]
        if request[0] != 'GET' or url.path != '/live.raw' or not verify(self.secret, token, url.path):
            self.transport.write(b'HTTP/1.0 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
            self.transport.loseConnection()
            return
        self.transport.write(b'HTTP/1.0 200 OK\r\nContent-Type: audio/x-raw\r\nConnection: close\r\n'
                             b'Cache-Control: no-cache\r\n\r\n')
        self.streaming = True
        self.fanout.viewers.add(self)

    def connectionLost(self, reason):
        if self in self.fanout.viewers:
            self.fanout.viewers.discard(self)
            self.fanout.end('closed')


class Source(protocol.ProcessProtocol):
    def __init__(self, fanout):
        self.fanout = fanout

    def outReceived(self, data):
        self.fanout.broadcast(data)


class Control(LineReceiver):
    delimiter = b'\n'

    def __init__(self, fanout):
        self.fanout = fanout

    def lineReceived(self, line):
        cmd = line.strip()
        if cmd == b'reset':
            self.fanout.lateness = []
        elif cmd == b'report':
            s = sorted(self.fanout.lateness)
            pick = (lambda p: round(s[min(len(s) - 1, int(len(s) * p))], 2)) if s else (lambda p: None)
            report = {'event': 'report', 'fds': len(os.listdir('/proc/self/fd')),
                      'lateness': {'p50': pick(0.5), 'p99': pick(0.99), 'max': s[-1] if s else None, 'n': len(s)},
                      'viewers': len(self.fanout.viewers), 'bytesServed': str(self.fanout.bytes_served),
                      'ended': self.fanout.ended}
            self.transport.write(json.dumps(report).encode('utf-8') + b'\n')

    def connectionLost(self, reason):
        if reactor.running:
            reactor.stop()


def heartbeat(fanout):
    due = time.monotonic() + HEARTBEAT

    def fire():
        fanout.lateness.append(max(0.0, (time.monotonic() - due) * 1000))
        heartbeat(fanout)
    reactor.callLater(HEARTBEAT, fire)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--secret', default='fanout-benchmark-secret')
    parser.add_argument('--launch', required=True)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    fanout = Fanout()
    factory = protocol.Factory.forProtocol(lambda: Viewer(fanout, args.secret.encode('utf-8')))
    port = reactor.listenTCP(args.port, factory, backlog=4096, interface='127.0.0.1')
    argv = ['gst-launch-1.0', '-q'] + args.launch.split(' ') + ['!', 'fdsink', 'fd=1']
    reactor.spawnProcess(Source(fanout), 'gst-launch-1.0', argv, env=os.environ, childFDs={0: 'w', 1: 'r', 2: 2})
    sys.stdout.write(json.dumps({'event': 'ready', 'port': port.getHost().port}) + '\n')
    sys.stdout.flush()
    stdio.StandardIO(Control(fanout))
    heartbeat(fanout)
    reactor.run()


if __name__ == '__main__':
    main()
