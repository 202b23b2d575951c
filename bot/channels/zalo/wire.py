"""Everything about Zalo's wire format, in one place: URLs, headers, the webhook signature, event and
message JSON, limits and error codes. Pure functions, no I/O, so a correction is one change here.

Sources (looked up for issue 7; the official pages live at developers.zalo.me/docs/official-account):
  [OA-DOC]   Zalo's own reference, as quoted by the sources below (webhook, "tin tư vấn", OAuth v4).
  [HAINH]    hainh.me/zalo-api-php-webhook-callback-official-account.html: what the signature hashes, the
             2-second answer rule, retries for 12 hours before the webhook is disabled.
  [CHATWOOT] chatwoot/chatwoot app/jobs/webhooks/zalo_events_job.rb (signature "mac=" + hex, events,
             msg_id), app/models/channel/zalo_oa.rb (cs/upload/refresh URLs, JSON bodies, secret_key header).
  [GUIDE]    hoangnd25/monorepo wip/zalo-platform-integration.md: event JSON, send API, buttons,
             token lifetimes (access 25 h, refresh 3 months, single use), error codes -216/-220.
  [GATEWAY]  a production OA gateway's contracts (public code): at most 5 buttons, title <= 100,
             query payload <= 1000, text <= 2000 (-210 beyond), a click comes back as `user_send_text`.
  [ESMS]     developers.esms.vn "Send Zalo message Consulting button": text + template with buttons.
  [REDAI]    @warriorteam/redai-zalo-sdk docs/BUTTON_TYPES_GUIDE.md: oa.query.show shows the payload in the
             chat as the user's message, oa.query.hide does not; types/consultation.d.ts: the v3 cs endpoint
             (POST openapi.zalo.me/v3.0/oa/message/cs, JSON) and its action types.
  [ETELECOM] docs.etelecom.vn "Send Text Consulting": free consultation replies are counted against the
             "8 messages within 48 hours" of the user's last message (quota_type "reply").

Checked again for the inbox work (Nov 2026), nothing here had to change: [CHATWOOT] zalo_events_job.rb
computes sha256 of app_id + raw body + timestamp + OA secret key and compares with "mac=<hex>", and lists
user_send_{text,image,link,audio,video,sticker,location,file} and the receipts; its zalo_oa/
incoming_message_service.rb reads message.msg_id, message.text and message.attachments[0].payload (url,
coordinates); several independent refresh clients POST form-encoded refresh_token, app_id and
grant_type=refresh_token to oauth.zaloapp.com/v4/oa/access_token with the app secret in a secret_key header.
One third-party CLI names "user_click_button"/"user_click_link" events, with a signature scheme that
contradicts all the others; no source shows their JSON, so they stay unknown events (logged, answered 200).
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

# --- endpoints [CHATWOOT] [GUIDE]; the bases are settings (ZALO_API_URL, ZALO_OAUTH_URL in bot/settings.py)
# so tests point them at a local fake
CS_MESSAGE_PATH = "/v3.0/oa/message/cs"        # customer-service ("tư vấn") messages
UPLOAD_IMAGE_PATH = "/v2.0/oa/upload/image"    # multipart field "file" -> data.attachment_id
ACCESS_TOKEN_PATH = "/v4/oa/access_token"      # on ZALO_OAUTH_URL

# --- headers
SIGNATURE_HEADER = "X-ZEvent-Signature"   # webhook [HAINH] [CHATWOOT]
ACCESS_TOKEN_HEADER = "access_token"      # every OA API call [CHATWOOT] [GUIDE]
SECRET_KEY_HEADER = "secret_key"          # the *app* secret key, on token requests [CHATWOOT] [GUIDE]
UPLOAD_FIELD = "file"

# --- limits [GATEWAY] [REDAI]
MAX_TEXT = 2000
MAX_BUTTONS = 5
MAX_BUTTON_TITLE = 100
MAX_BUTTON_PAYLOAD = 1000

# Free customer-service replies are allowed for 48 hours after the user's last interaction [GUIDE], at most
# 8 of them per interaction [ETELECOM]; past that Zalo answers with an error, which the sender logs.
# Pushes check the window before sending (ZALO_WINDOW_HOURS, bot/shared/team_settings.py).

# An access token that is invalid (-216) or expired (-220): refresh and send again once [GUIDE] [CHATWOOT].
TOKEN_ERRORS = frozenset({-216, -220})

# Buttons: "oa.query.hide" sends the payload back as a hidden user message, so the citizen does not see
# "#camtay:tutorial:next:..." in the chat; "oa.query.show" would echo it [REDAI]. The click arrives as
# `user_send_text` carrying the payload verbatim [GATEWAY]; the prefix tells it from typed text.
BUTTON_TYPE = "oa.query.hide"
PAYLOAD_PREFIX = "#camtay:"
# A message that carries only more buttons still needs some text; a symbol, not words.
MORE_BUTTONS_TEXT = "⋯"

# --- webhook events [GUIDE] [CHATWOOT] [OA-DOC]
TEXT_EVENTS = frozenset({"user_send_text"})
# What the user sent that we cannot read -> the media word of content/templates/unsupported_media.j2.
MEDIA_EVENTS = {
    "user_send_image": "photo", "user_send_gif": "gif", "user_send_sticker": "sticker",
    "user_send_audio": "voice", "user_send_video": "video", "user_send_location": "location",
    "user_send_file": "document", "user_send_business_card": "contact", "user_send_link": "link",
}
FOLLOW_EVENT = "follow"
UNFOLLOW_EVENT = "unfollow"
# Known events that need nothing from us (delivery and seen receipts, echoes of our own messages).
QUIET_EVENTS = frozenset({"user_received_message", "user_seen_message", "oa_send_text", "oa_send_image",
                          "oa_send_list", "oa_send_gif", "oa_send_file", "oa_send_sticker"})


class WireError(ValueError):
    """JSON that is not what Zalo documents."""


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """sha256 hex of app id + raw body + the body's timestamp + the OA secret key [HAINH] [CHATWOOT].

    It is the OA secret key (of the app-OA link), not the app secret key [HAINH]. Where sources differ:
    [GUIDE] puts the OA id first and one SDK the app secret last; [HAINH], [CHATWOOT] and a production
    Python webhook agree on the app id and the OA secret key, with the timestamp read from the body.
    """
    data = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(data).hexdigest()


def signature_header(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value as Zalo sends it: "mac=<hex>" [CHATWOOT]."""
    return "mac=" + signature(app_id, raw_body, timestamp, oa_secret_key)


def signature_matches(given: str | None, app_id: str, raw_body: bytes, timestamp: str,
                      oa_secret_key: str) -> bool:
    """Constant-time check; accepts the value with or without its "mac=" prefix (sources differ)."""
    if not given:
        return False
    value = given.strip()
    if value[:4].lower() == "mac=":
        value = value[4:]
    expected = signature(app_id, raw_body, timestamp, oa_secret_key)
    return hmac.compare_digest(value.lower().encode(), expected.encode())


def event_timestamp(event: dict) -> str:
    """The `timestamp` field (milliseconds, a string or a number) that the signature covers."""
    value = event.get("timestamp")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise WireError("event has no timestamp")
    return str(value)


@dataclass(frozen=True)
class Event:
    """One webhook event, reduced to what a chat channel needs."""

    name: str
    kind: str  # text | payload | media | follow | unfollow | quiet | unknown
    user_id: str | None = None
    text: str | None = None
    payload: str | None = None
    media: str | None = None
    delivery_id: str | None = None  # stable across Zalo's retries of this event


def parse_event(event: Any) -> Event:
    """The event a webhook body describes; WireError when a known event lacks what it must carry."""
    if not isinstance(event, dict):
        raise WireError("event must be a JSON object")
    name = event.get("event_name")
    if not isinstance(name, str) or not name:
        raise WireError("event has no event_name")
    timestamp = event_timestamp(event)
    if name in TEXT_EVENTS or name in MEDIA_EVENTS:
        user_id = _id_of(event, "sender")
        message = event.get("message")
        if not isinstance(message, dict) or not isinstance(message.get("msg_id"), str) \
                or not message["msg_id"].strip():
            raise WireError(f"{name} without message.msg_id")  # the id is what makes a replay recognizable
        key = delivery_key(message["msg_id"])
        if name in MEDIA_EVENTS:
            return Event(name, "media", user_id, media=MEDIA_EVENTS[name], delivery_id=key)
        text = message.get("text")
        if not isinstance(text, str):
            raise WireError(f"{name} without message.text")
        if text.startswith(PAYLOAD_PREFIX):
            return Event(name, "payload", user_id, payload=text[len(PAYLOAD_PREFIX):], delivery_id=key)
        return Event(name, "text", user_id, text=text, delivery_id=key)
    if name in (FOLLOW_EVENT, UNFOLLOW_EVENT):
        user_id = _id_of(event, "follower")
        # Follow events carry no message id; the user and the time identify a delivery.
        return Event(name, name, user_id, delivery_id=delivery_key(f"{name}:{user_id}:{timestamp}"))
    if name in QUIET_EVENTS:
        return Event(name, "quiet")
    return Event(name, "unknown")


MAX_DELIVERY_KEY = 64  # Zalo's msg_id is 32 hex digits; the dedupe tables keep 64 characters


def delivery_key(raw: str) -> str:
    """The id a replay is recognized by, at most MAX_DELIVERY_KEY long (a longer one is hashed, not cut)."""
    if len(raw) <= MAX_DELIVERY_KEY:
        return raw
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _id_of(event: dict, field: str) -> str:
    value = event.get(field)
    user_id = value.get("id") if isinstance(value, dict) else None
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user_id = str(user_id)
    if not isinstance(user_id, str) or not user_id or len(user_id) > 64:
        raise WireError(f"event has no {field}.id")
    return user_id


# --- messages [GUIDE] [ESMS] [GATEWAY] [CHATWOOT]
def text_message(user_id: str, text: str, buttons: list[tuple[str, str]] | None = None) -> dict:
    """A text message, with up to MAX_BUTTONS (title, payload) buttons that answer with the payload."""
    message: dict[str, Any] = {"text": text[:MAX_TEXT]}
    if buttons:
        if len(buttons) > MAX_BUTTONS:
            raise WireError(f"at most {MAX_BUTTONS} buttons per message")
        message["attachment"] = {"type": "template", "payload": {"buttons": [
            {"title": title[:MAX_BUTTON_TITLE], "type": BUTTON_TYPE, "payload": PAYLOAD_PREFIX + payload}
            for title, payload in buttons]}}
    return {"recipient": {"user_id": user_id}, "message": message}


def image_message(user_id: str, *, url: str | None = None, attachment_id: str | None = None,
                  caption: str | None = None) -> dict:
    """An image, by a public URL or by the attachment id of an upload; one attachment per message.

    caption: the text shown with the image (a consultation message "đính kèm ảnh" carries both), cut to
    MAX_TEXT; what the picture shows, for a citizen whose phone does not load images.
    """
    if (url is None) == (attachment_id is None):
        raise WireError("an image needs exactly one of url and attachment_id")
    element = {"media_type": "image", **({"url": url} if url else {"attachment_id": attachment_id})}
    message: dict = {"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [element]}}}
    if caption and caption.strip():
        message["text"] = caption.strip()[:MAX_TEXT]
    return {"recipient": {"user_id": user_id}, "message": message}


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then hard boundaries."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()] or [text[:limit]]


class ApiError(Exception):
    """Zalo answered with an error: {"error": <negative code>, "message": ...}."""

    def __init__(self, code: int, message: str):
        super().__init__(f"Zalo error {code}: {message}")
        self.code = code
        self.message = message


def result_data(body: Any) -> dict:
    """The `data` of a successful OA API answer ({"error": 0, "message": "Success", "data": {...}})."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), int):
        raise ApiError(-1, f"unexpected answer: {str(body)[:200]}")
    if body["error"] != 0:
        raise ApiError(body["error"], str(body.get("message", "")))
    data = body.get("data")
    return data if isinstance(data, dict) else {}


def message_id(body: Any) -> str | None:
    return result_data(body).get("message_id")


def attachment_id(body: Any) -> str:
    value = result_data(body).get("attachment_id")
    if not isinstance(value, str) or not value:
        raise ApiError(-1, "upload answer without data.attachment_id")
    return value


# --- tokens: OAuth v4, grant_type=refresh_token, form-encoded, secret_key header [CHATWOOT] [GUIDE]
def refresh_form(app_id: str, refresh_token: str) -> dict[str, str]:
    return {"refresh_token": refresh_token, "app_id": app_id, "grant_type": "refresh_token"}


DEFAULT_EXPIRES_IN = 3600  # seconds; the access token lives 25 h (expires_in "90000") today [GUIDE]


@dataclass(frozen=True)
class Grant:
    """A refresh answer: a new access token and a new refresh token (the old one is now spent)."""

    access_token: str
    refresh_token: str
    expires_in: timedelta


def parse_grant(body: Any) -> Grant:
    """{"access_token", "refresh_token", "expires_in": "90000"}; an error answer lacks access_token."""
    if isinstance(body, dict) and isinstance(body.get("access_token"), str) and body["access_token"] \
            and isinstance(body.get("refresh_token"), str) and body["refresh_token"]:
        try:
            seconds = int(body["expires_in"])
        except (KeyError, TypeError, ValueError):
            seconds = DEFAULT_EXPIRES_IN  # older pages gave no lifetime; assume the short one
        return Grant(body["access_token"], body["refresh_token"], timedelta(seconds=max(seconds, 0)))
    if not isinstance(body, dict):
        raise ApiError(-1, f"unexpected answer: {str(body)[:200]}")
    detail = body.get("error_description") or body.get("error_name") or body.get("message") or body
    code = body["error"] if isinstance(body.get("error"), int) else -1
    raise ApiError(code, str(detail)[:300])
