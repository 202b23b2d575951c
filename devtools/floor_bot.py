"""The framework's floor: the least a python-telegram-bot webhook bot does for a button press, nothing of camtay.

    python -m devtools.floor_bot   # settings from the environment, as `camtay run` takes them

It answers a press as camtay does on the wire, with the same Bot API calls and the same stack: the
keyboard of the pressed message retired (editMessageText), the next "step" sent with its buttons
(sendMessage), answerCallbackQuery in the webhook's HTTP response; Starlette on uvicorn with httptools,
on uvloop. No database, no dialogue, no rendering. `bench/run.py` measures its CPU per press beside
camtay's, so the report can say how much of a press is camtay's own.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

import uvicorn
import uvloop
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.shared.net import NO_DELAY

STEP_TEXT = "Bước {n}/10\nMở ứng dụng VNeID. Bấm \"Đăng ký tài khoản mức 1\", rồi bấm \"Bắt đầu\"."


def step_keyboard(run: int, step: int) -> InlineKeyboardMarkup:
    """The buttons of a camtay step, with its payloads, so the simulated citizens walk on as they do there."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("✅ Xong, bước tiếp", callback_data=f"tutorial:next:{run}:{step}")],
        [InlineKeyboardButton("⬅️ Quay lại", callback_data=f"tutorial:back:{run}:{step}"),
         InlineKeyboardButton("🔁 Xem lại", callback_data=f"tutorial:repeat:{run}:{step}")],
        [InlineKeyboardButton("🙋 Tôi bị vướng", callback_data=f"tutorial:stuck:{run}:{step}")],
    ])


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, STEP_TEXT.format(n=1), reply_markup=step_keyboard(chat.id, 0))


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        return
    step = int((query.data or "::0:0").split(":")[3]) + 1 if (query.data or "").startswith("tutorial:") else 0
    # camtay retires the keyboard while the turn runs: the same two calls, side by side.
    await asyncio.gather(
        query.edit_message_text(query.message.text or "", reply_markup=None),
        context.bot.send_message(query.message.chat.id, STEP_TEXT.format(n=step % 10 + 1),
                                 reply_markup=step_keyboard(query.message.chat.id, step)))


def build(token: str, api_url: str, secret: str) -> Starlette:
    application = (Application.builder().token(token).base_url(f"{api_url}/bot")
                   .base_file_url(f"{api_url}/file/bot").socket_options(NO_DELAY).updater(None).build())
    application.add_handler(CallbackQueryHandler(on_press))
    application.add_handler(MessageHandler(filters.ALL, on_message))

    async def webhook(request: Request) -> Response:
        if request.headers.get("x-telegram-bot-api-secret-token") != secret:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        update = Update.de_json(await request.json(), application.bot)
        await application.process_update(update)
        if update.callback_query is not None:
            return JSONResponse({"method": "answerCallbackQuery", "callback_query_id": update.callback_query.id})
        return Response(status_code=200)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "nlu": False})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with application:  # initialize … shutdown
            await application.start()
            yield
            await application.stop()

    return Starlette(routes=[Route("/telegram/webhook", webhook, methods=["POST"]), Route("/healthz", health)],
                     lifespan=lifespan)


def main() -> None:
    app = build(os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_API_URL"],
                os.environ["TELEGRAM_WEBHOOK_SECRET"])
    config = uvicorn.Config(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")
    uvloop.run(uvicorn.Server(config).serve())


if __name__ == "__main__":
    main()
