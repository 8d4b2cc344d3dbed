-- wrk script: JSON create of a small paste through the native API.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title": "bench", "content": "def hello():\\n    return \\"world\\"\\n", "syntax": "python"}'
