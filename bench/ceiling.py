"""The ceiling: a bare bottle app answering "hello" under waitress, configured like pastebox.

Run as users would run a server (no pinning). Prints "listening on http://HOST:PORT" once bound.
"""

import argparse
import sys

import bottle
import waitress

app = bottle.Bottle()


@app.get("/")
def hello() -> str:
    bottle.response.content_type = "text/plain; charset=utf-8"
    return "hello\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    server = waitress.create_server(app, host=args.host, port=args.port, threads=args.threads)
    print(f"listening on http://{args.host}:{server.effective_port}", flush=True)
    server.run()  # until the benchmark terminates it
    return 0


if __name__ == "__main__":
    sys.exit(main())
