"""A local stand-in for the WeChat official-account API as its documentation describes it: the access token
(GET cgi-bin/token), template messages (POST cgi-bin/message/template/send with the token), and the web
page OAuth's code exchange (GET sns/oauth2/access_token). It checks the app's ID and secret, the token, and
the message's shape; an openid in `unfollowed` is answered 43004 ("require subscribe")."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

APP_ID, APP_SECRET, TOKEN = "wxfake0123456789", "fake-wechat-secret", "fake-access-token"
CODE, OPENID = "fake-oauth-code", "oFAKEopenid0123456789"


@dataclass
class FakeWeChat:
    url: str = ""
    token_fetches: int = 0
    sent: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    unfollowed: set = field(default_factory=set)

    def answer(self, method: str, path: str, query: dict, body: bytes) -> dict:
        one = {name: values[0] for name, values in query.items()}
        if method == "GET" and path == "/cgi-bin/token":
            if (one.get("grant_type"), one.get("appid"), one.get("secret")) != (
                "client_credential",
                APP_ID,
                APP_SECRET,
            ):
                self.problems.append("token request")
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            self.token_fetches += 1
            return {"access_token": TOKEN, "expires_in": 7200}
        if method == "POST" and path == "/cgi-bin/message/template/send":
            if one.get("access_token") != TOKEN:
                self.problems.append("access token")
                return {"errcode": 40001, "errmsg": "invalid credential"}
            data = json.loads(body)
            fields = data.get("data")
            if not (data.get("touser") and data.get("template_id") and isinstance(fields, dict)):
                self.problems.append("message shape")
            elif not all(isinstance(v, dict) and isinstance(v.get("value"), str) for v in fields.values()):
                self.problems.append("data values")
            if data.get("touser") in self.unfollowed:
                return {"errcode": 43004, "errmsg": "require subscribe"}
            self.sent.append(data)
            return {"errcode": 0, "errmsg": "ok", "msgid": 200228332 + len(self.sent)}
        if method == "GET" and path == "/sns/oauth2/access_token":
            expected = (APP_ID, APP_SECRET, "authorization_code")
            if (one.get("appid"), one.get("secret"), one.get("grant_type")) != expected:
                self.problems.append("oauth request")
            if one.get("code") != CODE:
                return {"errcode": 40029, "errmsg": "invalid code"}
            return {
                "access_token": "oauth-token",
                "expires_in": 7200,
                "refresh_token": "r",
                "openid": OPENID,
                "scope": "snsapi_base",
            }
        self.problems.append(f"unknown {method} {path}")
        return {"errcode": -1, "errmsg": "unknown"}


def serve() -> tuple[FakeWeChat, ThreadingHTTPServer]:
    fake = FakeWeChat()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, method):
            address = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
            payload = json.dumps(fake.answer(method, address.path, parse_qs(address.query), body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):  # noqa: N802 - the http.server name
            self._reply("GET")

        def do_POST(self):  # noqa: N802
            self._reply("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server
