#!/usr/bin/env python3
"""A round-robin HTTP proxy for `make cluster` (nginx's place on a real deployment, with
`proxy_next_upstream`): each request goes to the next app server, and a server that is down
is skipped, so the others keep serving when one is killed (docs/deployment.md).

A request is tried on the next server only when that cannot do it twice:
- the connection was refused or reset before the server took the request: any method;
- a GET, HEAD or OPTIONS whose server failed before answering;
- any other request (a POST) is sent with `Expect: 100-continue`, and its body only
  after the app server says "100 Continue" (gunicorn does once a worker has parsed the
  request): a server that died before that never saw it, and the next one gets it. Once
  taken, a POST is never resent (it may have been written): if that server dies before
  answering, the client gets a 502 page asking to check before submitting again.
Each answer closes the client's connection (the app servers close theirs too).

    scripts/proxy.py 8000 127.0.0.1:8001 127.0.0.1:8002
"""

import asyncio
import contextlib
import itertools
import sys

IDEMPOTENT = {b"GET", b"HEAD", b"OPTIONS"}
HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"expect", b"te", b"upgrade"}
CONNECT_TIMEOUT = 2
ANSWER_TIMEOUT = 120  # longer than gunicorn's own worker timeout
MAX_BODY = 64 * 1024 * 1024  # above the largest upload the app accepts


class NotTaken(Exception):
    """The server failed before it took the request: another may do it."""


def page(status, text):
    body = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>' + text[:6] + "</title>"
        f'<p style="margin:3em auto;max-width:30em;font-size:1.1em">{text}</p></html>'
    ).encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
    ).encode() + body


ALL_DOWN = page("503 Service Unavailable", "服务暂不可用，请稍后再试。")
DIED = page(
    "502 Bad Gateway",
    "服务器在处理您的请求时中断。如果刚才提交了内容，请先刷新查看是否已经保存，再决定是否重新提交。",
)
TOO_LARGE = page("413 Payload Too Large", "上传的内容过大。")


async def read_request(reader, writer):
    """(method, target, head to send upstream, body), or None when the client is done."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    request_line, *lines = head[:-4].split(b"\r\n")
    method, target, _ = request_line.split(b" ", 2)
    headers = [line.split(b":", 1) for line in lines if b":" in line]
    fields = {name.strip().lower(): value.strip() for name, value in headers}
    length = int(fields.get(b"content-length", b"0"))
    if b"chunked" in fields.get(b"transfer-encoding", b"").lower() or length > MAX_BODY:
        writer.write(TOO_LARGE)  # browsers and the load tool send a length
        return None
    if fields.get(b"expect", b"").lower() == b"100-continue":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    body = await reader.readexactly(length) if length else b""
    peer = writer.get_extra_info("peername")
    kept = [(n, v) for n, v in headers if n.strip().lower() not in HOP_BY_HOP]
    kept += [(b"X-Forwarded-For", f" {peer[0]}".encode()), (b"Connection", b" close")]
    if method not in IDEMPOTENT:
        kept.append((b"Expect", b" 100-continue"))
    upstream = request_line + b"\r\n" + b"".join(n + b":" + v + b"\r\n" for n, v in kept)
    return method, target, upstream + b"\r\n", body


async def send(upstream, method, head, body):
    """The server's answer head and its connection; NotTaken when it surely did nothing."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(*upstream), CONNECT_TIMEOUT)
    except OSError as error:  # refused, or timed out
        raise NotTaken(f"connect: {error!r}") from error
    taken = False
    try:
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), ANSWER_TIMEOUT)
        if method not in IDEMPOTENT and answer.startswith(b"HTTP/1.1 100"):
            taken = True  # a worker holds the request: from here a POST is never resent
            writer.write(body)
            await writer.drain()
            answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), ANSWER_TIMEOUT)
        return answer, reader, writer
    except (OSError, asyncio.IncompleteReadError) as error:
        writer.close()
        if method in IDEMPOTENT or not taken:
            raise NotTaken(f"{error!r}") from error
        raise


async def pipe(reader, writer):
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()


async def main(port, upstreams):
    turn = itertools.cycle(range(len(upstreams)))

    async def handle(client_reader, client_writer):
        try:
            request = await read_request(client_reader, client_writer)
            if request is None:
                return
            method, target, head, body = request
            first = next(turn)  # this request's order, whatever others take meanwhile
            for upstream in upstreams[first:] + upstreams[:first]:
                try:
                    answer, reader, writer = await send(upstream, method, head, body)
                except NotTaken as why:
                    print(
                        f"proxy: skipped {upstream[1]} for {method.decode()} "
                        f"{target.decode()[:80]}: {why}",
                        file=sys.stderr,
                        flush=True,
                    )
                    continue
                except (OSError, asyncio.IncompleteReadError) as error:
                    print(
                        f"proxy: {upstream[1]} died during {method.decode()} "
                        f"{target.decode()[:80]} (not resent): {error!r}",
                        file=sys.stderr,
                        flush=True,
                    )
                    client_writer.write(DIED)
                    return
                client_writer.write(answer)
                await pipe(reader, client_writer)
                writer.close()
                return
            client_writer.write(ALL_DOWN)
        finally:
            with contextlib.suppress(ConnectionError):
                await client_writer.drain()
            client_writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    listen, *targets = sys.argv[1:]
    upstreams = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in targets]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(int(listen), upstreams))
