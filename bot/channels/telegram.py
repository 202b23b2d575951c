"""Telegram through python-telegram-bot 22: updates in, rendered replies out (polling or webhook)."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.channels import telegram_errors, upload_key
from bot.channels.services import Services
from bot.delivery.senders import Outcome
from bot.render import RenderedMessage, Renderer
from bot.shared.net import NO_DELAY
from bot.shared.types import Incoming, Reply

log = logging.getLogger(__name__)
CHANNEL = "telegram"
CAPTION_LIMIT = 1024
FLOOD_RETRIES = 3
# The kinds of message we cannot read, in the order Telegram's Message attributes are checked.
_MEDIA = ("sticker", "photo", "voice", "audio", "video", "video_note", "animation", "location",
          "venue", "document", "contact", "poll", "dice")
_MEDIA_NAMES = {"video_note": "video", "animation": "gif", "venue": "location", "poll": "document",
                "dice": "sticker"}


def incoming_from_message(update: Update) -> Incoming | None:
    """Plain data from a message update; None for updates that are not a citizen's message."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return None
    media = next((name for name in _MEDIA if getattr(message, name, None)), None)
    text = message.text if message.text is not None else (None if media else "")
    return Incoming(channel=CHANNEL, user_id=str(user.id), text=text,
                    media=_MEDIA_NAMES.get(media, media) if text is None and media else None,
                    display_name=user.full_name, update_key=str(update.update_id))


def incoming_from_callback(update: Update) -> Incoming:
    query = update.callback_query
    if query is None:
        raise ValueError("not a callback query update")
    return Incoming(channel=CHANNEL, user_id=str(query.from_user.id), payload=query.data or "",
                    display_name=query.from_user.full_name, update_key=str(update.update_id))


def flood_retry() -> AIORateLimiter:
    """Every Bot API call that Telegram answers with 429 waits its retry_after, then tries again.

    No proactive throttling (rates 0): replies to citizens go out as fast as Telegram takes them;
    while a retry_after runs, all calls wait, as Telegram's flood control is per bot."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=FLOOD_RETRIES)


def keyboard(message: RenderedMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row]
                                 for row in message.buttons])


class TelegramChannel:
    """Wires the dialogue into a python-telegram-bot Application."""

    def __init__(self, services: Services, flood_retries: bool = True):
        """`flood_retries=False` for the outbox sender (bot/delivery/sender.py): it honours 429s itself,
        shared by every sender process, and must see them."""
        self.services = services
        self.renderer: Renderer = services.renderer
        settings = services.settings
        if not settings.telegram_bot_token:
            raise ValueError("TelegramChannel needs TELEGRAM_BOT_TOKEN")
        api = settings.telegram_api_url
        builder = (Application.builder().token(settings.telegram_bot_token)
                   .base_url(f"{api}/bot").base_file_url(f"{api}/file/bot")
                   .socket_options(NO_DELAY).get_updates_socket_options(NO_DELAY))
        if settings.telegram_webhook_url:
            builder = builder.updater(None)
        self.application = (builder.rate_limiter(flood_retry()) if flood_retries else builder).build()
        self.application.add_handler(CallbackQueryHandler(self.on_callback))
        self.application.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, self.on_message))
        self.application.add_error_handler(self.on_error)
        services.senders[CHANNEL] = self
        self._photo_ids: dict[tuple, str] = {}  # (image path, mtime, size) -> Telegram's file_id
        # Callback queries answered in the webhook's HTTP response instead of by a Bot API call.
        self._answered_in_response: set[str] = set()

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming, chat = incoming_from_message(update), update.effective_chat
        if incoming is not None and chat is not None:  # a message always has its chat
            await self._answer(chat.id, incoming)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:  # CallbackQueryHandler hands only updates that have one
            return
        # Answering and retiring the keyboard do not depend on the turn: they run while it runs,
        # which takes two round trips to Telegram off the time to the next step.
        acknowledging = asyncio.create_task(self._acknowledge(query))
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        try:
            await self._answer(chat_id, incoming_from_callback(update))
        finally:
            await acknowledging

    async def _acknowledge(self, query) -> None:
        # Callback queries must always be answered, or the button keeps spinning on the phone.
        if query.id in self._answered_in_response:
            self._answered_in_response.discard(query.id)
        else:
            try:
                await query.answer()
            except BadRequest as exc:
                # Too old to answer (pressed while the bot was down): the press itself still counts.
                log.info("could not answer callback query: %s", exc)
        if query.message is not None and query.message.reply_markup is not None:
            await self._retire_keyboard(query)

    async def _retire_keyboard(self, query) -> None:
        """Take the buttons off the pressed message so old steps are not pressed again by mistake."""
        try:
            if query.message.text is not None:
                await query.edit_message_text(query.message.text, reply_markup=None)
            else:
                await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as exc:
            log.info("could not retire keyboard: %s", exc)

    async def _answer(self, chat_id: int, incoming: Incoming) -> None:
        result = await self.services.dialogue.handle(incoming)
        for reply in result.replies:
            await self.send(chat_id, reply, result.address_form)

    async def send(self, chat_id: int, reply: Reply, address_form: str | None = None) -> None:
        message = self.renderer.render(reply, address_form)
        markup = keyboard(message)
        if message.image is not None and len(message.text) <= CAPTION_LIMIT:
            await self._send_photo(chat_id, message.image, caption=message.text, reply_markup=markup)
            return
        if message.image is not None:  # the text is too long for a caption: the photo gets its alt text
            caption = {"caption": message.image_alt} if message.image_alt else {}
            await self._send_photo(chat_id, message.image, **caption)
        await self.application.bot.send_message(chat_id, message.text, reply_markup=markup)

    async def _send_photo(self, chat_id: int, image: Path, **fields) -> None:
        """Upload an image once; later sends name Telegram's file_id (no upload, far less to send)."""
        bot = self.application.bot
        key = upload_key(image)
        file_id = self._photo_ids.get(key)
        if file_id is not None:
            try:
                await bot.send_photo(chat_id, photo=file_id, **fields)
                return
            except BadRequest as exc:  # Telegram no longer knows it: upload again
                log.info("cached photo %s refused (%s); uploading it again", image.name, exc)
                self._photo_ids.pop(key, None)
        with open(image, "rb") as photo:
            sent = await bot.send_photo(chat_id, photo=photo, **fields)
        if sent.photo:
            self._photo_ids[key] = sent.photo[-1].file_id

    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        """Private chats: the chat id is the user id."""
        await self.send(int(external_id), reply, address_form)

    def classify(self, exc: BaseException) -> Outcome:
        """The Sender protocol: what a failed send_to means for the outbox."""
        return telegram_errors.classify(exc)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling a Telegram update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None \
                and not isinstance(context.error, TelegramError):
            try:
                await self.send(update.effective_chat.id, Reply("error_generic"))
            except TelegramError:
                log.exception("could not send the error reply")

    async def start(self) -> None:
        """Initialize, then poll or register the webhook, as the settings say."""
        settings = self.services.settings
        await self.application.initialize()
        await self.application.start()
        if settings.telegram_webhook_url:
            await self.application.bot.set_webhook(
                settings.telegram_webhook_url, secret_token=settings.telegram_webhook_secret,
                allowed_updates=["message", "callback_query"])
        elif self.application.updater is None:
            raise RuntimeError("the Telegram application was built without an updater: it cannot poll")
        else:
            await self.application.updater.start_polling(allowed_updates=["message", "callback_query"])

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    def parse_update(self, data: dict) -> Update:
        """An Update from a webhook body, or ValueError when it is not one (whatever the shape)."""
        return parse_update(data, self.application.bot)

    async def process_webhook(self, update: Update) -> dict | None:
        """Handles a webhook's update; returns the Bot API call to make in the HTTP response, if any.

        Telegram carries out one method call given as the reply to a webhook delivery. A button press
        is acknowledged that way: one HTTP round trip to Telegram fewer per press, the costliest part
        of a press for the bot (docs/BENCHMARKS.md)."""
        query = update.callback_query
        if query is None:
            await self.application.process_update(update)
            return None
        self._answered_in_response.add(query.id)
        try:
            await self.application.process_update(update)
        finally:
            self._answered_in_response.discard(query.id)
        return {"method": "answerCallbackQuery", "callback_query_id": query.id}


async def send_only_channel(services: Services) -> TelegramChannel | None:
    """A send-only Telegram channel for the outbox (no polling; 429s come back to the sender)."""
    if not services.settings.telegram_bot_token:
        return None
    registered = services.senders.get(CHANNEL)
    channel = TelegramChannel(services, flood_retries=False)
    if registered is not None:
        services.senders[CHANNEL] = registered  # the channel that receives updates stays the registered one
    await channel.application.initialize()
    return channel


def parse_update(data: object, bot=None) -> Update:
    """Update.de_json, with every failure on a malformed body turned into ValueError."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int) \
            or isinstance(data.get("update_id"), bool):
        raise ValueError("not a Telegram update")
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # de_json trusts Telegram's shapes: any field of a wrong type ends up here
        raise ValueError(f"malformed Telegram update: {type(exc).__name__}: {exc}") from exc
    if update is None:
        raise ValueError("empty Telegram update")
    _check_shapes(update)
    return update


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_shapes(update: Update) -> None:
    """de_json does not check types: refuse the values our handlers read when they are not what Telegram sends."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is not None and not (_is_int(user.id) and isinstance(user.first_name, str)
                                 and isinstance(user.last_name, (str, type(None)))):
        raise ValueError("malformed Telegram update: user")
    if chat is not None and not _is_int(chat.id):
        raise ValueError("malformed Telegram update: chat")
    if message is not None and not (isinstance(message.text, (str, type(None)))
                                    and isinstance(message.caption, (str, type(None)))):
        raise ValueError("malformed Telegram update: message")
    query = update.callback_query
    if query is not None and not (query.from_user is not None and isinstance(query.id, str)
                                  and isinstance(query.data, (str, type(None)))):
        raise ValueError("malformed Telegram update: callback query")
