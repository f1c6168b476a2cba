"""The Telegram front end: python-telegram-bot's Application wired to the core.

It is started with `initialize()`, `start()` and `updater.start_polling()` (or, in webhook
mode, our own listener feeding its update queue) rather than `run_polling()`, so the
scheduler, the delivery engine and Discord share its event loop. Handlers here only
translate: every decision is the core's.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatMemberStatus
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapters.errors import StartupError
from bot.adapters.telegram.http import AiohttpRequest
from bot.adapters.telegram.mapping import address_of, request_for, thread_of
from bot.adapters.telegram.polling import PollingRequest
from bot.adapters.telegram.replies import answer_button, send_reply
from bot.adapters.telegram.sender import without_body
from bot.adapters.telegram.webhook import Webhook, WebhookListener
from bot.core.commands import Scope
from bot.core.dispatch import BriefBot
from bot.core.languages import DEFAULT_LANGUAGE, LANGUAGES
from bot.core.messages import use_locale
from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"]
GONE_STATUSES = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}
NEW_MESSAGES = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
CONCURRENT_UPDATES = 8
# Connections beyond the delivery engine's sends and the updates handled at once: start-up
# calls, and a margin so a busy moment waits for nothing. Idle slots cost nothing.
SPARE_CONNECTIONS = 8
# A poll is answered at least every poll_timeout seconds; this much later, polling is down.
POLL_SILENCE_SECONDS = 30


def file_url_for(base_url: str) -> str:
    """Telegram serves files from /file/bot<token> beside /bot<token>."""
    root, _, _ = base_url.rstrip("/").rpartition("/bot")
    return f"{root}/file/bot" if root else base_url


class TelegramAdapter:
    def __init__(
        self,
        core: BriefBot,
        token: str,
        *,
        base_url: str = "https://api.telegram.org/bot",
        operators: list[int] | None = None,
        poll_timeout: int = 30,
        sends_at_once: int = 8,
        pacer: Pacer | None = None,
        webhook: Webhook | None = None,
        drop_pending_updates: bool = False,
    ) -> None:
        """`sends_at_once` is the delivery engine's concurrency: the connection pool has room
        for those sends and every update being handled at the same time. `pacer` is the
        platform's budget, shared with the delivery engine's sender: answers go first.
        Updates come by long polling unless a `webhook` is given."""
        self.core = core
        self.pacer = pacer or Pacer(Limits())
        self.base_url = base_url
        self.operators = operators or []
        self.poll_timeout = poll_timeout
        self.drop_pending_updates = drop_pending_updates
        self.requests = AiohttpRequest(sends_at_once + CONCURRENT_UPDATES + SPARE_CONNECTIONS)
        self.polling = PollingRequest()
        self.application: Application = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(file_url_for(base_url))
            .request(self.requests)
            .get_updates_request(self.polling)  # python-telegram-bot adds poll_timeout
            .concurrent_updates(CONCURRENT_UPDATES)
            .build()
        )
        self.application.add_handler(MessageHandler(NEW_MESSAGES, self.on_message))
        self.application.add_handler(CallbackQueryHandler(self.on_button))
        self.application.add_handler(
            ChatMemberHandler(self.on_membership, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        self.application.add_error_handler(self.on_error)
        self.webhook = WebhookListener(self.application, webhook) if webhook else None

    @property
    def bot(self):
        return self.application.bot

    async def start(self) -> None:
        """Connect, publish the command menu, and start receiving updates."""
        try:
            await self.application.initialize()
        except BaseException as error:
            # Our HTTP sessions were opened before the call that failed; nothing else would
            # close them, and each would end the run with "Unclosed client session".
            await self.requests.shutdown()
            await self.polling.shutdown()
            raise self._startup_error(error) from None
        await self.publish_commands()
        await self.application.start()
        try:
            await self._receive_updates()
        except BaseException:
            await self.stop()
            raise

    async def _receive_updates(self) -> None:
        """Long polling (which deletes any webhook left from webhook mode), or the webhook."""
        drop = self.drop_pending_updates or None
        if self.webhook is None:
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                timeout=self.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=drop,
            )
            self.polling.heard()  # deleteWebhook was answered
            log.info("Telegram bot @%s is polling", self.bot.username)
            return
        hook = self.webhook.webhook
        try:
            await self.webhook.start()
        except OSError as error:
            raise StartupError(
                f"Cannot listen for Telegram's webhook on {hook.listen}:{hook.port} "
                f"({error.strerror or error}). Set telegram.webhook.port to a free port."
            ) from None
        try:
            await self.bot.set_webhook(
                hook.public_url,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=drop,
                secret_token=hook.secret,
            )
        except TelegramError as error:
            raise StartupError(
                f"Telegram refused the webhook {hook.public_url} ({error.message}). Check "
                "telegram.webhook.public_url: it must reach this bot through the proxy."
            ) from None
        log.info("Telegram bot @%s receives updates at %s", self.bot.username, hook.public_url)

    def connected(self) -> bool:
        """Updates are coming in: the webhook is registered and listened for, or Telegram
        answered a poll lately with the token accepted (for /readyz)."""
        if self.webhook is not None:
            return self.webhook.listening
        return self.polling.answered_within(self.poll_timeout + POLL_SILENCE_SECONDS)

    def _startup_error(self, error: BaseException) -> BaseException:
        """What to tell the operator when connecting failed; other errors as they are."""
        if isinstance(error, InvalidToken):
            return StartupError(
                "Telegram refused the bot token. Check the token from @BotFather in the "
                "environment variable named by telegram.token_env."
            )
        if isinstance(error, NetworkError):
            return StartupError(
                f"Cannot reach the Telegram Bot API at {self.base_url} ({without_body(error)}). "
                "Check the network, or telegram.base_url in the config."
            )
        return error

    async def stop(self) -> None:
        """Stop polling first so no new update arrives while handlers finish."""
        updater = self.application.updater
        self.polling.stopping = True
        if self.webhook is not None:
            await self.webhook.stop()
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def publish_commands(self) -> None:
        """Show readers' commands in every chat's menu, and operators' in their own chats:
        the default menu in English, and one per language the bot speaks, which Telegram
        shows to users whose app is set to it."""
        for language in LANGUAGES:
            code = None if language == DEFAULT_LANGUAGE else language
            with use_locale(language):
                everyone = [
                    BotCommand(c.name, c.description)
                    for c in self.core.menu
                    if c.scope is not Scope.OPERATOR
                ]
                full = [BotCommand(c.name, c.description) for c in self.core.menu]
            await self.bot.set_my_commands(everyone, language_code=code)
            for operator in self.operators:
                try:
                    await self.bot.set_my_commands(
                        full, scope=BotCommandScopeChat(operator), language_code=code
                    )
                except TelegramError as error:
                    log.warning("could not show operator commands to an operator: %s", error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a new message or channel post."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            await self.core.chat_moved(
                address_of(message.chat.id), address_of(message.migrate_to_chat_id)
            )
            return
        request = request_for(update, context.bot)
        text = message.text or message.caption
        if request is None or text is None:
            return
        reply = await self.core.handle_text(request, text, me=context.bot.username)
        if reply is not None and not reply.is_empty:
            await send_reply(context.bot, self.pacer, message.chat, reply, thread_of(message))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handle an inline button press."""
        query = update.callback_query
        request = request_for(update, context.bot)
        if query is None:
            return
        if request is None or not query.data:
            await query.answer()
            return
        reply = await self.core.handle_action(request, query.data)
        await answer_button(context.bot, self.pacer, query, reply)

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop delivering to a chat the bot was removed from or blocked in."""
        change = update.my_chat_member
        if change is not None and change.new_chat_member.status in GONE_STATUSES:
            await self.core.chat_gone(address_of(change.chat.id), "removed from the chat")

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log failures without the update's text (it may hold personal words) or the token."""
        error = context.error
        log.error("Telegram handler failed: %s: %s", type(error).__name__, error)
