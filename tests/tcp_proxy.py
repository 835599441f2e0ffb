"""A TCP proxy a test script controls: forwards 127.0.0.1:<port> to <host>:<upstream port>
while <flag file> exists; when the file is removed every open connection is dropped and new
ones are closed at once, as when the server is unreachable. Used by tests/topology-faults.sh
and tests/topology-db-outage.sh to cut one process off its broker or database.

    python3 tests/tcp_proxy.py <port> <host> <upstream port> <flag file>
"""
import asyncio
import os
import sys

port, host, upstream, flag = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
conns = set()


async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data)
            await w.drain()
    except Exception:
        pass
    finally:
        w.close()


async def handle(r, w):
    if not os.path.exists(flag):
        w.close()
        return
    try:
        ur, uw = await asyncio.open_connection(host, upstream)
    except Exception:
        w.close()
        return
    pair = (w, uw)
    conns.add(pair)
    await asyncio.gather(pipe(r, uw), pipe(ur, w))
    conns.discard(pair)


async def watch():
    while True:
        await asyncio.sleep(0.1)
        if not os.path.exists(flag):
            for a, b in list(conns):
                a.close()
                b.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    asyncio.create_task(watch())
    async with server:
        await server.serve_forever()


asyncio.run(main())
