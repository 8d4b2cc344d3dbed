"""Issue 10's smaller attacks against a running server, one row each: what the server answered.

    python bench/attacks_small.py http://127.0.0.1:8080     (run the server with --rate-limit 0)

Rows: a stranger's ten wrong manage tokens, then the maker's right one (read, raw, delete); a
non-ASCII csrf field on a form POST; the size of the error for a 1 MB unknown JSON key and a
1 MB TTL word; a title and a file name with U+202E. Standard library only.
"""

import http.client
import json
import sys
from urllib.parse import urlsplit

MB = 1_000_000


def request(base: str, method: str, path: str, body: bytes = b"", headers=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.read(), res.headers
    finally:
        conn.close()


def post_json(base: str, path: str, body: dict, headers=None):
    data = json.dumps(body).encode()
    return request(
        base, "POST", path, data, {"Content-Type": "application/json", **(headers or {})}
    )


def lockout(base: str) -> list[tuple[str, str]]:
    status, body, _ = post_json(base, "/api/v1/pastes", {"content": "mine", "exposure": "private"})
    created = json.loads(body)
    pid, mine = created["publicId"], {"X-Manage-Token": created["manageToken"]}
    for n in range(10):
        request(base, "GET", f"/api/v1/pastes/{pid}", headers={"X-Manage-Token": f"wrong-{n}"})
    rows = [
        ("maker's token after 10 wrong ones: API read", request(base, "GET", f"/api/v1/pastes/{pid}", headers=mine)[0]),
        ("maker's token after 10 wrong ones: raw", request(base, "GET", f"/raw/{pid}", headers=mine)[0]),
        ("11th wrong token: API read", request(base, "GET", f"/api/v1/pastes/{pid}", headers={"X-Manage-Token": "w"})[0]),
        ("maker's token after 10 wrong ones: delete", request(base, "DELETE", f"/api/v1/pastes/{pid}", headers=mine)[0]),
    ]  # fmt: skip
    return [(what, str(status)) for what, status in rows]


def csrf(base: str) -> list[tuple[str, str]]:
    _, _, headers = request(base, "GET", "/new", headers={"Accept": "text/html"})
    cookie = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if "csrf" in c)
    body = ("csrf=" + "%C3%A9" * 43).encode()
    form = {"Accept": "text/html", "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    return [
        (f"non-ASCII csrf on POST {path}", str(request(base, "POST", path, body, form)[0]))
        for path in ("/login", "/logout")
    ]


def echo(base: str) -> list[tuple[str, str]]:
    key = post_json(base, "/api/v1/pastes", {"content": "x", "k" * MB: 1})
    ttl = post_json(base, "/api/v1/pastes", {"content": "x", "expiresIn": "y" * MB})
    return [
        ("1 MB unknown JSON key: reply status, bytes", f"{key[0]}, {len(key[1]):,}"),
        ("1 MB expiresIn word: reply status, bytes", f"{ttl[0]}, {len(ttl[1]):,}"),
    ]


def bidi(base: str) -> list[tuple[str, str]]:
    spoof = "invoice\u202efdp.exe"
    title = post_json(base, "/api/v1/pastes", {"content": "x", "title": spoof})[0]
    name = post_json(base, "/api/v1/pastes", {"files": [{"name": spoof, "content": "x"}]})[0]
    return [("title with U+202E", str(title)), ("file name with U+202E", str(name))]


def main(base: str) -> None:
    print("| attack | answer |\n|---|---|")
    for what, answer in lockout(base) + csrf(base) + echo(base) + bidi(base):
        print(f"| {what} | {answer} |")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8080")
