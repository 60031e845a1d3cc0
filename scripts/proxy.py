#!/usr/bin/env python3
"""A round-robin TCP proxy for `make cluster` (nginx's place on a real deployment): each
client connection goes to the next app server; one that refuses the connection is skipped,
so the others keep serving when one is killed.

    scripts/proxy.py 8000 127.0.0.1:8001 127.0.0.1:8002
"""

import asyncio
import contextlib
import itertools
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(port, upstreams):
    turn = itertools.cycle(upstreams)

    async def handle(client_reader, client_writer):
        for host, upstream_port in (next(turn) for _ in upstreams):
            try:
                reader, writer = await asyncio.open_connection(host, upstream_port)
            except OSError:
                continue  # that server is down: the next one answers
            await asyncio.gather(pipe(client_reader, writer), pipe(reader, client_writer))
            return
        client_writer.write(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Connection: close\r\n\r\n" + "服务暂不可用，请稍后再试。\n".encode()
        )
        await client_writer.drain()
        client_writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    listen, *targets = sys.argv[1:]
    upstreams = [(t.rsplit(":", 1)[0], int(t.rsplit(":", 1)[1])) for t in targets]
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(int(listen), upstreams))
