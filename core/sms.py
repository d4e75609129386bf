"""SMS through Tencent Cloud (短信 SendSms, API 2021-01-11) with its official SDK, and the customers' replies.

A Chinese SMS is sent as a template the provider approved, under an approved signature (签名): the
message's `MessageTemplate` row names the template's ID and which placeholders fill its {1}, {2}, … (data
an admin edits); the outbox row carries those placeholders' values. Select it with
NOTIFIER_BACKEND=core.sms.TencentSmsNotifier and the SMS_* settings. Refusals that no retry mends (no
approved template, a wrong number, a blocked one) fail the message at once; the rest are retried with the
outbox's backoff (core.notify).

Replies come back to /hooks/sms/<SMS_REPLY_SECRET>/ (Tencent Cloud's reply callback, configured in its
console): "TD" or "退订" opts the phone out of every later message (core.models.MessageOptOut)."""

from urllib.parse import urlsplit

from django.conf import settings
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from core.notify import PermanentDeliveryError, provider_template

# Error codes no retry mends (the provider's documented codes, by prefix).
PERMANENT_CODES = (
    "AuthFailure",
    "InvalidParameter",
    "MissingParameter",
    "UnauthorizedOperation",
    "UnsupportedOperation",
    "FailedOperation.PhoneNumberInBlacklist",
    "FailedOperation.PhoneNumberParseFail",
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    "FailedOperation.MissingSignature",
    "FailedOperation.MissingTemplate",
)
OPT_OUT_REPLIES = {"TD", "T", "N", "退订", "退订短信"}


class TencentSmsNotifier:
    def __init__(self):
        address = urlsplit(settings.SMS_ENDPOINT)
        profile = ClientProfile(
            httpProfile=HttpProfile(protocol=address.scheme, endpoint=address.netloc, reqTimeout=10)
        )
        self.client = sms_client.SmsClient(
            credential.Credential(settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY), settings.SMS_REGION, profile
        )

    def send(self, message) -> str:
        template = provider_template(message.kind, message.language, "sms_template_id")
        if template is None:
            raise PermanentDeliveryError(f"no SMS template for {message.kind}: give it an SMS template ID")
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [message.to]
        request.SmsSdkAppId = settings.SMS_APP_ID
        request.SignName = template.sms_sign_name or settings.SMS_SIGN_NAME
        request.TemplateId = template.sms_template_id
        names = [name.strip() for name in template.sms_params.split(",") if name.strip()]
        request.TemplateParamSet = [message.context.get(name, "") for name in names]
        request.SessionContext = str(message.pk)  # comes back with delivery reports and replies
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise _error(exc.get_code() or "", exc.get_message() or "") from exc
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            raise _error(status.Code, status.Message)
        return status.SerialNo


def _error(code: str, text: str) -> Exception:
    error = PermanentDeliveryError if code.startswith(PERMANENT_CODES) else ConnectionError
    return error(f"{code}: {text}")


def reply_opt_out(payload: dict):
    """A customer's reply as Tencent Cloud posts it ({"mobile", "nationcode", "text", …}): an opt-out word
    opts the phone out (once); anything else is left for staff. Answers the opt-out row or None."""
    from core.models import MessageOptOut

    text = str(payload.get("text", "")).strip().upper()
    mobile, country = str(payload.get("mobile", "")), str(payload.get("nationcode", "86") or "86")
    if text not in OPT_OUT_REPLIES or not mobile.isdigit() or not country.isdigit():
        return None
    opt_out, _ = MessageOptOut.objects.get_or_create(
        phone=f"+{country}{mobile}", defaults={"source": MessageOptOut.Source.SMS_REPLY, "reply": text[:70]}
    )
    return opt_out
