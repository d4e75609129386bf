"""WeChat template messages (公众号模板消息) for customers who bound WeChat on their tracking page, else SMS.

The binding: the tracking page, opened in WeChat's browser, sends the customer through the official
account's OAuth (snsapi_base, no consent screen) and keeps the openid against the order's phone
(`WeChatBinding`, portal.views). Sending: NOTIFIER_BACKEND=core.wechat.WeChatThenSmsNotifier with
WECHAT_APP_ID and WECHAT_APP_SECRET: a message whose phone is bound, and whose kind has a WeChat template
(the template's ID and which placeholders fill its fields, data an admin edits on the message template),
goes to WeChat with the tracking link to open; anything else, or a customer who unfollowed the account,
goes by SMS (core.sms). The access token is shared through the cache (WeChat allows 2,000 fetches a day).
The library is wechatpy; its API address comes from WECHAT_API_BASE so tests talk to a local fake."""

from django.conf import settings
from django.core.cache import cache
from wechatpy import WeChatClient, WeChatOAuth
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from core.notify import PermanentDeliveryError, provider_template
from core.sms import TencentSmsNotifier

# Answers that mean "this person cannot get WeChat messages now": SMS instead (not a retry).
NOT_REACHABLE = {40003, 43004, 43101}  # bad openid, unfollowed the account, refused the template
PERMANENT = {40037, 47003, 40036}  # a template ID or its data the account does not accept


class _CacheStorage(SessionStorage):
    """wechatpy's token store over Django's cache (Redis in production): one token for every worker."""

    def get(self, key, default=None):
        return cache.get(f"wechat:{key}", default)

    def set(self, key, value, ttl=None):
        cache.set(f"wechat:{key}", value, timeout=max(60, (ttl or 7200) - 300))  # renewed before WeChat expires it

    def delete(self, key):
        cache.delete(f"wechat:{key}")


class _Client(WeChatClient):
    def __init__(self):
        super().__init__(settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET, session=_CacheStorage(), timeout=10)
        self.API_BASE_URL = f"{settings.WECHAT_API_BASE}cgi-bin/"

    def fetch_access_token(self):
        params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        return self._fetch_access_token(url=f"{settings.WECHAT_API_BASE}cgi-bin/token", params=params)


def oauth(redirect_uri: str, state: str) -> WeChatOAuth:
    """The page's OAuth with the official account (snsapi_base: the openid, silently)."""
    flow = WeChatOAuth(settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET, redirect_uri, state=state)
    flow.API_BASE_URL = settings.WECHAT_API_BASE
    return flow


def enabled() -> bool:
    return bool(settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET)


def bind(*, phone: str, openid: str):
    """The phone's messages go to this WeChat user from now on (a later binding replaces an earlier one)."""
    from core.models import WeChatBinding

    binding, _created = WeChatBinding.objects.update_or_create(phone=phone, defaults={"openid": openid})
    return binding


def template_data(fields: str, context: dict) -> dict:
    """ "thing1=product, character_string2=number" and the message's values → WeChat's data."""
    data = {}
    for pair in fields.split(","):
        key, _sep, name = (part.strip() for part in pair.partition("="))
        if key and name:
            data[key] = {"value": str(context.get(name, ""))[:20]}  # WeChat cuts a field at 20 characters
    return data


class WeChatThenSmsNotifier:
    def __init__(self):
        self.sms = TencentSmsNotifier()
        self.client = _Client() if enabled() else None

    def send(self, message) -> str:
        from core.models import WeChatBinding

        binding = WeChatBinding.objects.filter(phone=message.to).first() if self.client else None
        template = provider_template(message.kind, message.language, "wechat_template_id") if binding else None
        if binding is None or template is None:
            return self.sms.send(message)
        try:
            answer = self.client.message.send_template(
                binding.openid,
                template.wechat_template_id,
                template_data(template.wechat_fields, message.context),
                url=message.context.get("link") or None,
            )
        except WeChatClientException as exc:
            if exc.errcode in NOT_REACHABLE:
                binding.delete()  # they left the account: SMS from now on
                return self.sms.send(message)
            if exc.errcode in PERMANENT:
                raise PermanentDeliveryError(f"WeChat {exc.errcode}: {exc.errmsg}") from exc
            raise ConnectionError(f"WeChat {exc.errcode}: {exc.errmsg}") from exc
        return f"wechat:{answer.get('msgid', '')}"
