"""Telegram through python-telegram-bot 22: updates in, rendered replies out (polling or webhook)."""
from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.dialogue.types import Incoming, Reply
from bot.render import RenderedMessage, Renderer
from bot.services import Services

log = logging.getLogger(__name__)
CHANNEL = "telegram"
CAPTION_LIMIT = 1024
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
                    media=_MEDIA_NAMES.get(media, media) if text is None else None,
                    display_name=user.full_name, update_key=str(update.update_id))


def incoming_from_callback(update: Update) -> Incoming:
    query = update.callback_query
    return Incoming(channel=CHANNEL, user_id=str(query.from_user.id), payload=query.data or "",
                    display_name=query.from_user.full_name, update_key=str(update.update_id))


def keyboard(message: RenderedMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row]
                                 for row in message.buttons])


class TelegramChannel:
    """Wires the dialogue into a python-telegram-bot Application."""

    def __init__(self, services: Services):
        self.services = services
        self.renderer: Renderer = services.renderer
        settings = services.settings
        api = settings.telegram_api_url
        builder = (Application.builder().token(settings.telegram_bot_token)
                   .base_url(f"{api}/bot").base_file_url(f"{api}/file/bot"))
        if settings.telegram_webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(CallbackQueryHandler(self.on_callback))
        self.application.add_handler(MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, self.on_message))
        self.application.add_error_handler(self.on_error)
        services.senders[CHANNEL] = self

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = incoming_from_message(update)
        if incoming is not None:
            await self._answer(update.effective_chat.id, incoming)

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        # Callback queries must always be answered, or the button keeps spinning on the phone.
        try:
            await query.answer()
        except BadRequest as exc:
            # Too old to answer (pressed while the bot was down): the press itself still counts.
            log.info("could not answer callback query: %s", exc)
        if query.message is not None and query.message.reply_markup is not None:
            await self._retire_keyboard(query)
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        await self._answer(chat_id, incoming_from_callback(update))

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
        bot = self.application.bot
        if message.image is not None and len(message.text) <= CAPTION_LIMIT:
            with open(message.image, "rb") as photo:
                await bot.send_photo(chat_id, photo=photo, caption=message.text, reply_markup=markup)
            return
        if message.image is not None:
            with open(message.image, "rb") as photo:
                await bot.send_photo(chat_id, photo=photo)
        await bot.send_message(chat_id, message.text, reply_markup=markup)

    async def send_to(self, external_id: str, reply: Reply, address_form: str | None = None) -> None:
        """Private chats: the chat id is the user id."""
        await self.send(int(external_id), reply, address_form)

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
        else:
            await self.application.updater.start_polling(allowed_updates=["message", "callback_query"])

    async def stop(self) -> None:
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def process_webhook(self, data: dict) -> None:
        await self.application.process_update(Update.de_json(data, self.application.bot))
