"""The fake Discord is faithful enough for the real discord.py 2.x client to run against it.

Every test drives a genuine `discord.Client` with an `app_commands.CommandTree` over HTTP and
the gateway websocket on 127.0.0.1, and checks what the library does (events, callbacks,
exceptions, retries) and what the fake recorded. Waits are bounded and event-driven.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from tests.fakes.discord_api import DEFAULT_GUILD, FakeDiscord
from tests.fakes.discord_client import connected
from tests.fakes.discord_payloads import MANAGE_CHANNELS, MEMBER_PERMISSIONS

GENERAL = DEFAULT_GUILD.channels[0].id
ANNOUNCEMENTS = DEFAULT_GUILD.channels[1].id
ALICE, BOB = 1400000000000000001, 1400000000000000002
TOPICS = ["defectors", "labour abroad", "border security", "trafficking", "persecuted church"]


class PrayerView(discord.ui.View):
    """A persistent view: it survives restarts because its button has a fixed custom_id."""

    def __init__(self, presses: list[int]) -> None:
        super().__init__(timeout=None)
        self.presses = presses

    @discord.ui.button(label="I prayed", style=discord.ButtonStyle.primary,
                       custom_id="briefbot:prayed")
    async def prayed(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.presses.append(interaction.user.id)
        await interaction.response.send_message("Thank you for praying.", ephemeral=True)

    @discord.ui.button(label="Close", custom_id="briefbot:close")
    async def close(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Closed.", embed=None, view=None)


class BriefClient(discord.Client):
    """A miniature briefbot: /today (embed + button, autocomplete), /search (deferred)."""

    def __init__(self, intents: discord.Intents | None = None) -> None:
        super().__init__(intents=intents or discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.presses: list[int] = []

        @self.tree.command(name="today", description="Today's brief")
        async def today(interaction: discord.Interaction, topic: str = "all") -> None:
            may_configure = interaction.permissions.manage_channels
            embed = discord.Embed(title=f"Today: {topic}", description="One brief, one prayer.")
            embed.set_footer(text="admin" if may_configure else "member")
            await interaction.response.send_message(embed=embed, view=PrayerView(self.presses))

        @today.autocomplete("topic")
        async def complete_topic(
            _: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=t, value=t) for t in TOPICS if current in t]

        @self.tree.command(name="search", description="Search the briefs")
        async def search(interaction: discord.Interaction, words: str) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"2 briefs mention {words}")
            await interaction.edit_original_response(content=f"2 briefs mention {words} (edited)")

    async def setup_hook(self) -> None:
        self.add_view(PrayerView(self.presses))
        await self.tree.sync()


class RawGateway:
    """A bare gateway client, for protocol details discord.py hides (zlib-stream, seq, replay)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inflate = zlib.decompressobj()

    async def receive(self) -> dict[str, Any]:
        frame = await self.ws.receive(timeout=5)
        return json.loads(self.inflate.decompress(frame.data))

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_json({"op": op, "d": data})


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(channel_rate=(5, 1.0)) as fake:
        yield fake


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[BriefClient]:
    async with connected(BriefClient(), fake) as client:
        yield client


async def test_client_reaches_ready_with_the_fakes_user_application_and_guild(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    assert (bot.user.id, bot.user.name, bot.user.bot) == (1200000000000000002, "briefbot", True)
    assert bot.application_id == 1200000000000000001
    guild = bot.get_guild(DEFAULT_GUILD.id)
    assert [c.name for c in guild.text_channels] == ["general", "announcements"]
    assert fake.identify_payload["intents"] == discord.Intents.default().value
    assert fake.privileged_intents_requested == set()
    assert [r.route for r in fake.requests[:2]] == [
        "GET /users/@me", "GET /oauth2/applications/@me"]


async def test_command_sync_is_recorded_as_a_bulk_overwrite(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    assert sorted(c["name"] for c in fake.commands) == ["search", "today"]
    topic = fake.command("today")["options"][0]
    assert (topic["name"], topic["type"], topic["autocomplete"]) == ("topic", 3, True)
    first_ids = {c["id"] for c in fake.commands}

    resynced = await bot.tree.sync()

    assert {str(c.id) for c in resynced} == {c["id"] for c in fake.commands} == first_ids
    puts = [r for r in fake.requests if r.route == "PUT /applications/{application_id}/commands"]
    assert len(puts) == 2


async def test_slash_command_in_a_guild_answers_with_an_embed_and_a_button(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    handle = await fake.slash("today", {"topic": "defectors"}, guild_id=DEFAULT_GUILD.id,
                              permissions=MEMBER_PERMISSIONS | MANAGE_CHANNELS)

    callback = await handle.response()

    assert callback["type"] == 4
    assert callback["data"]["embeds"][0]["title"] == "Today: defectors"
    assert callback["data"]["embeds"][0]["footer"]["text"] == "admin"
    button = callback["data"]["components"][0]["components"][0]
    assert (button["label"], button["custom_id"]) == ("I prayed", "briefbot:prayed")
    [posted] = fake.messages(GENERAL)
    assert posted["id"] == str(handle.original_id)
    assert posted["interaction_metadata"]["user"]["id"] == str(ALICE)


async def test_slash_command_in_a_dm_answers_in_the_users_dm_channel(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    handle = await fake.slash("today", user=ALICE)

    assert (await handle.response())["data"]["embeds"][0]["footer"]["text"] == "member"
    assert handle.payload["context"] == 1 and "member" not in handle.payload
    assert [m["id"] for m in fake.messages(fake.dm_channel_id(ALICE))] == [
        str(handle.original_id)]


async def test_deferred_answer_is_replaced_by_the_first_followup_then_edited(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    handle = await fake.slash("search", {"words": "remittances"}, guild_id=DEFAULT_GUILD.id)

    assert (await handle.response())["type"] == 5
    assert (await handle.followup())["id"] == str(handle.original_id)
    await fake.wait_until(lambda: handle.original["content"].endswith("(edited)"))
    assert [m["content"] for m in fake.messages(GENERAL)] == [
        "2 briefs mention remittances (edited)"]


async def test_autocomplete_round_trip_returns_matching_choices(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    handle = await fake.autocomplete("today", "topic", "ab", guild_id=DEFAULT_GUILD.id)

    callback = await handle.response()

    assert callback == {"type": 8, "data": {"choices": [
        {"name": "labour abroad", "value": "labour abroad"}]}}


async def test_button_press_reaches_the_persistent_view_also_after_a_restart(
    fake: FakeDiscord,
) -> None:
    async with connected(BriefClient(), fake) as first:
        answer = await fake.slash("today", guild_id=DEFAULT_GUILD.id)
        await answer.response()
        pressed = await fake.press("briefbot:prayed", answer.original_id, user=ALICE)
        assert (await pressed.response())["data"]["content"] == "Thank you for praying."
        assert first.presses == [ALICE]

    async with connected(BriefClient(), fake) as second:
        pressed = await fake.press("briefbot:prayed", answer.original_id, user=BOB)
        reply = await pressed.response()

    assert reply["data"] == {"tts": False, "content": "Thank you for praying.", "flags": 64}
    assert second.presses == [BOB]
    assert fake.gateway.counts["identifies"] == 2
    assert len(fake.messages(GENERAL)) == 3  # the brief and two ephemeral thank-yous


async def test_a_button_can_update_its_own_message(fake: FakeDiscord, bot: BriefClient) -> None:
    answer = await fake.slash("today", guild_id=DEFAULT_GUILD.id)
    await answer.response()

    pressed = await fake.press("briefbot:close", answer.original_id)

    assert (await pressed.response())["type"] == 7
    [message] = fake.messages(GENERAL)
    assert (message["content"], message["embeds"], message["components"]) == ("Closed.", [], [])
    assert message["edited_timestamp"] is not None


async def test_gateway_reconnect_is_resumed_without_losing_interactions(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    await fake.reconnect_gateway()
    await fake.wait_until(lambda: fake.gateway.counts["resumes"] == 1)

    handle = await fake.slash("today", guild_id=DEFAULT_GUILD.id)

    assert (await handle.response())["type"] == 4
    assert (fake.gateway.counts["identifies"], fake.gateway.counts["connections"]) == (1, 2)


@pytest.mark.timing
async def test_channel_sends_are_paced_by_the_advertised_bucket_without_429(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    channel = bot.get_channel(GENERAL)  # the bucket allows 5 per second

    sent = [await channel.send(f"brief {i}") for i in range(6)]

    assert [m.content for m in sent] == [f"brief {i}" for i in range(6)]
    assert [m["id"] for m in fake.messages(GENERAL)] == [str(m.id) for m in sent]
    assert fake.stats["rate_limited"] == 0
    last = fake.requests[-1]
    assert (last.route, last.status) == ("POST /channels/{channel_id}/messages", 200)


async def test_sent_messages_are_echoed_as_message_create_on_the_gateway(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    echoed = asyncio.create_task(bot.wait_for("message", timeout=5))

    sent = await bot.get_channel(GENERAL).send("brief")

    received = await echoed
    assert (received.id, received.content, received.author.id) == (sent.id, "brief", bot.user.id)
    assert received.guild.id == DEFAULT_GUILD.id


@pytest.mark.timing
async def test_shared_429_is_waited_out_and_the_message_is_recorded_once(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    fake.fail_channel(GENERAL, status=429, retry_after=0.2, times=1)

    await bot.get_channel(GENERAL).send("after the storm")

    statuses = [r.status for r in fake.requests if r.path.endswith("/messages")]
    assert statuses == [429, 200]
    assert [m["content"] for m in fake.messages(GENERAL)] == ["after the storm"]


@pytest.mark.timing
async def test_global_rate_limit_is_retried_by_discord_py(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    fake.set_global_rate(2)
    sends = [bot.get_channel(c).send(f"to {c}") for c in (GENERAL, ANNOUNCEMENTS) * 2]

    await asyncio.wait_for(asyncio.gather(*sends), timeout=5)

    assert fake.stats["global_rate_limited"] >= 1
    assert len(fake.messages(GENERAL)) == len(fake.messages(ANNOUNCEMENTS)) == 2


async def test_bad_gateway_is_retried_by_discord_py_and_delivered_once(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    fake.fail_channel(GENERAL, status=502, code=0, message="502: Bad Gateway", times=1)

    await bot.get_channel(GENERAL).send("despite the outage")

    assert [r.status for r in fake.requests if r.path.endswith("/messages")] == [502, 200]
    assert len(fake.messages(GENERAL)) == 1


@pytest.mark.timing
async def test_a_slow_channel_answers_only_after_its_delay(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    fake.delay_channel(GENERAL, 0.2)

    await bot.get_channel(GENERAL).send("slowly")

    [delivery] = fake.deliveries
    assert delivery.at - fake.requests[-1].at >= 0.2


async def test_the_bot_edits_and_deletes_its_channel_messages_until_they_are_gone(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    sent = await bot.get_partial_messageable(GENERAL).send(
        embed=discord.Embed(title="Old title"), view=PrayerView([]))

    edited = await sent.edit(embed=discord.Embed(title="New title"), view=None)
    second = await sent.edit(content="with a note")  # PATCH: the embeds stay as they are

    assert [e.title for e in edited.embeds] == ["New title"] and edited.components == []
    assert edited.edited_at is not None
    [first, now] = fake.edits_of(sent.id)
    assert (first["embeds"][0]["title"], first["components"], first["content"]) == (
        "New title", [], "")
    assert now == fake.message(sent.id) and second.content == "with a note"
    assert now["embeds"] == first["embeds"]
    with pytest.raises(discord.HTTPException) as emptied:
        await sent.edit(content="", embeds=[])  # nothing would be left to show
    assert (emptied.value.status, emptied.value.code) == (400, 50006)
    assert len(fake.edits_of(sent.id)) == 2  # a refused edit changes nothing

    await sent.delete()

    assert fake.messages(GENERAL) == [] and fake.message(sent.id) is None
    deletion = fake.deletion(sent.id)
    assert deletion is not None and str(deletion.by) == fake.bot_user["id"]
    for gone in (sent.edit(content="again"), sent.delete()):
        with pytest.raises(discord.NotFound) as raised:
            await gone
        assert (raised.value.status, raised.value.code, raised.value.text) == (
            404, 10008, "Unknown Message")
    patches = [r for r in fake.requests if r.method in ("PATCH", "DELETE")]
    assert [(r.method, r.status) for r in patches] == [
        ("PATCH", 200), ("PATCH", 200), ("PATCH", 400), ("DELETE", 204), ("PATCH", 404),
        ("DELETE", 404)]


async def test_a_message_a_user_deleted_is_unknown_to_the_bot(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    sent = await bot.get_partial_messageable(GENERAL).send("brief")
    elsewhere = bot.get_partial_messageable(ANNOUNCEMENTS).get_partial_message(sent.id)
    with pytest.raises(discord.NotFound):
        await elsewhere.edit(content="not in this channel")

    fake.delete_by_user(GENERAL, sent.id, user_id=ALICE)

    with pytest.raises(discord.NotFound) as raised:
        await sent.edit(content="corrected")
    assert raised.value.code == 10008
    deletion = fake.deletion(sent.id)
    assert deletion is not None and (deletion.by, fake.edits_of(sent.id)) == (ALICE, [])


async def test_edits_and_deletes_spend_from_the_channels_message_bucket(
    fake: FakeDiscord,
) -> None:
    bot_auth = {"Authorization": f"Bot {fake.token}"}
    answers = []
    async with aiohttp.ClientSession(fake.rest_base + "/") as http:
        async def call(method: str, path: str, **body: Any) -> None:
            async with http.request(method, path, headers=bot_auth, **body) as answer:
                answers.append((answer.status, answer.headers.get("X-RateLimit-Bucket")))

        for _ in range(2):
            await call("POST", f"channels/{GENERAL}/messages", json={"content": "x"})
        first, second = (m["id"] for m in fake.messages(GENERAL))
        await call("PATCH", f"channels/{GENERAL}/messages/{first}", json={"content": "y"})
        await call("DELETE", f"channels/{GENERAL}/messages/{second}")
        await call("PATCH", f"channels/{GENERAL}/messages/{first}", json={"content": "z"})
        await call("DELETE", f"channels/{GENERAL}/messages/{first}")  # the 6th in a second
        await call("POST", f"channels/{ANNOUNCEMENTS}/messages", json={"content": "x"})

    assert [status for status, _ in answers] == [200, 200, 200, 204, 200, 429, 200]
    assert len({bucket for _, bucket in answers}) == 1  # one bucket, per channel
    assert [m["content"] for m in fake.messages(GENERAL)] == ["z"]


async def test_allowed_mentions_decide_whether_everyone_is_pinged(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    channel = bot.get_channel(GENERAL)

    quiet = await channel.send("@everyone pray", allowed_mentions=discord.AllowedMentions.none())
    loud = await channel.send(f"@everyone pray with <@{ALICE}>")

    assert (quiet.mention_everyone, quiet.raw_mentions) == (False, [])
    assert (loud.mention_everyone, loud.raw_mentions) == (True, [ALICE])


@pytest.mark.timing
async def test_an_answer_after_the_interaction_deadline_is_unknown_interaction() -> None:
    async with FakeDiscord(interaction_deadline=0.0) as fake, connected(BriefClient(), fake):
        await fake.slash("today", guild_id=DEFAULT_GUILD.id)
        late = lambda: [r.status for r in fake.requests if r.path.endswith("/callback")]  # noqa: E731

        await fake.wait_until(late)

    assert late() == [404]
    assert fake.requests[-1].status == 404


async def test_missing_access_raises_forbidden_with_code_50001(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    fake.fail_channel(GENERAL, status=403, code=50001, message="Missing Access")

    with pytest.raises(discord.Forbidden) as raised:
        await bot.get_channel(GENERAL).send("hello")

    assert (raised.value.status, raised.value.code, raised.value.text) == (
        403, 50001, "Missing Access")


async def test_dm_to_a_user_who_blocks_the_bot_raises_forbidden_50007(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    fake.fail_channel(fake.dm_channel_id(ALICE), code=50007,
                      message="Cannot send messages to this user")
    dm = await bot.create_dm(discord.Object(ALICE))

    with pytest.raises(discord.Forbidden) as raised:
        await dm.send("your brief")

    assert dm.id == fake.dm_channel_id(ALICE)
    assert raised.value.code == 50007


async def test_unknown_channel_raises_not_found_with_code_10003(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    with pytest.raises(discord.NotFound) as raised:
        await bot.get_partial_messageable(1300000000000000999).send("hello")

    assert (raised.value.status, raised.value.code) == (404, 10003)


async def test_over_long_content_is_refused_as_invalid_form_body(
    fake: FakeDiscord, bot: BriefClient
) -> None:
    with pytest.raises(discord.HTTPException) as raised:
        await bot.get_channel(GENERAL).send("x" * 2001)

    assert (raised.value.status, raised.value.code) == (400, 50035)
    assert "content" in str(raised.value)


async def test_requesting_an_intent_not_enabled_in_the_portal_closes_with_4014(
    fake: FakeDiscord,
) -> None:
    intents = discord.Intents.default()
    intents.message_content = True

    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with connected(BriefClient(intents), fake):
            pass

    assert fake.privileged_intents_requested == {"message_content"}


async def test_raw_requests_see_discords_auth_404_and_bucket_headers(fake: FakeDiscord) -> None:
    bot_auth = {"Authorization": f"Bot {fake.token}"}
    async with aiohttp.ClientSession(fake.rest_base + "/") as http:
        async with http.get("users/@me") as anonymous:
            assert (anonymous.status, await anonymous.json()) == (
                401, {"message": "401: Unauthorized", "code": 0})
        async with http.get("no/such/route", headers=bot_auth) as missing:
            assert (missing.status, await missing.json()) == (
                404, {"message": "404: Not Found", "code": 0})
        answers = []
        for _ in range(6):
            async with http.post(f"channels/{GENERAL}/messages", json={"content": "x"},
                                 headers=bot_auth) as answer:
                answers.append((answer.status, dict(answer.headers), await answer.json()))

    assert [a[0] for a in answers] == [200] * 5 + [429]
    _, headers, body = answers[-1]
    assert body["message"] == "You are being rate limited." and body["global"] is False
    assert 0 < body["retry_after"] <= 1.0
    assert headers["X-RateLimit-Scope"] == "user" and headers["X-RateLimit-Remaining"] == "0"
    assert answers[0][1]["X-RateLimit-Limit"] == "5"
    assert fake.requests[1].route is None and fake.requests[1].status == 404


async def test_resume_replays_events_missed_while_disconnected(fake: FakeDiscord) -> None:
    url = f"{fake.gateway_url}?v=10&encoding=json&compress=zlib-stream"
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            gateway = RawGateway(ws)
            hello = await gateway.receive()
            await gateway.send(2, {"token": fake.token, "intents": 513, "properties": {}})
            ready, guild = await gateway.receive(), await gateway.receive()
            await gateway.send(1, guild["s"])
            ack = await gateway.receive()
            await ws.close(code=4000)  # not a clean close: the session stays resumable
        await fake.wait_until(lambda: not fake.gateway.connected)
        await fake.gateway.dispatch("TYPING_START", {"channel_id": str(GENERAL)})
        async with http.ws_connect(url) as ws:
            gateway = RawGateway(ws)
            await gateway.receive()
            await gateway.send(6, {"token": fake.token, "session_id": ready["d"]["session_id"],
                                   "seq": guild["s"]})
            missed, resumed = await gateway.receive(), await gateway.receive()

    assert hello == {"op": 10, "d": {"heartbeat_interval": 41250}}
    assert [(e["t"], e["s"]) for e in (ready, guild, missed, resumed)] == [
        ("READY", 1), ("GUILD_CREATE", 2), ("TYPING_START", 3), ("RESUMED", 4)]
    assert ready["d"]["resume_gateway_url"] == fake.gateway_url
    assert ack == {"op": 11}
