"""A local stand-in for Tencent Cloud's SMS API (SendSms, 2021-01-11) that checks each request as the provider
documents it: the TC3-HMAC-SHA256 signature computed again from the secret key, the headers, and the body's
shape. It answers "Ok" with a serial number, a per-number refusal for numbers in `refuse`, or a server error
for numbers in `fail` (then succeeds once `fail` is emptied)."""

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET_ID, SECRET_KEY, APP_ID = "AKIDfake0123456789", "fake-secret-key-0123456789", "1400000001"


def tc3_signature(*, secret_key: str, host: str, body: bytes, timestamp: int, content_type: str) -> str:
    """The signature as https://cloud.tencent.com/document/api/382/52072 describes it, computed independently."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/sms/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"

    def sign(key: bytes, text: str) -> bytes:
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(f"TC3{secret_key}".encode(), date), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass
class FakeTencentSms:
    url: str = ""
    sent: list = field(default_factory=list)  # the checked request bodies, in order
    problems: list = field(default_factory=list)  # what did not match the documentation
    refuse: set = field(default_factory=set)
    fail: set = field(default_factory=set)

    def check(self, headers, body: bytes) -> dict | None:
        host, timestamp = headers.get("Host", ""), int(headers.get("X-TC-Timestamp", "0"))
        content_type = headers.get("Content-Type", "")
        expected = tc3_signature(
            secret_key=SECRET_KEY, host=host, body=body, timestamp=timestamp, content_type=content_type
        )
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        authorization = (
            f"TC3-HMAC-SHA256 Credential={SECRET_ID}/{date}/sms/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={expected}"
        )
        if headers.get("Authorization") != authorization:
            self.problems.append("signature")
        if (headers.get("X-TC-Action"), headers.get("X-TC-Version")) != ("SendSms", "2021-01-11"):
            self.problems.append("action or version")
        if not headers.get("X-TC-Region"):
            self.problems.append("region")
        data = json.loads(body)
        phones, params = data.get("PhoneNumberSet"), data.get("TemplateParamSet", [])
        if not (isinstance(phones, list) and phones and all(p.startswith("+") for p in phones)):
            self.problems.append("PhoneNumberSet")
        if not (data.get("SmsSdkAppId") == APP_ID and data.get("SignName") and data.get("TemplateId")):
            self.problems.append("app, signature or template")
        if not (isinstance(params, list) and all(isinstance(p, str) for p in params)):
            self.problems.append("TemplateParamSet")
        return data if not self.problems else None


def serve() -> tuple[FakeTencentSms, ThreadingHTTPServer]:
    fake = FakeTencentSms()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            data = fake.check(self.headers, body)
            if data is None:
                reply = {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "checked by the fake"}}
            elif set(data["PhoneNumberSet"]) & fake.fail:
                self.send_response(502)
                self.end_headers()
                return
            else:
                fake.sent.append(data)
                reply = {"SendStatusSet": [_status(phone, phone in fake.refuse) for phone in data["PhoneNumberSet"]]}
            payload = json.dumps({"Response": {**reply, "RequestId": "fake-request"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):  # quiet in the test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server


def _status(phone: str, refused: bool) -> dict:
    code, message = ("InvalidParameterValue.IncorrectPhoneNumber", "bad number") if refused else ("Ok", "send success")
    return {"SerialNo": f"2433:{phone}", "PhoneNumber": phone, "Fee": 1, "Code": code, "Message": message}
