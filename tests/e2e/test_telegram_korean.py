"""A Korean reader on Telegram: their client's language is the bot's from the first message,
in private and in a group, and /language switches it; the menu has Korean descriptions."""

from __future__ import annotations

from bot.catalog.keys import key_of
from tests.e2e.conftest import ALICE, GROUP, TelegramBot, without_prompt
from tests.fakes.telegram_api import User

JIMIN = User(1101, "Jimin", language_code="ko")
MINHO = User(1102, "Minho", language_code="ko-KR")
ERIC = User(1103, "Eric", language_code="en")


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_a_korean_client_is_welcomed_in_korean_at_first_contact(
    telegram: TelegramBot,
) -> None:
    [welcome] = await telegram.say(JIMIN.chat, JIMIN, "/start")
    assert welcome["text"].startswith("북한 데일리 브리프에 오신 것을 환영합니다\n")
    assert buttons(welcome) == [("구독", "subscribe"), ("주제", "topics")]
    assert await telegram.chat(JIMIN.chat) is None  # reading stores nothing

    subscribed = await telegram.ask(JIMIN.chat, JIMIN, "/subscribe 07:30")
    assert subscribed.startswith("구독했습니다. 매일 오전 7:30(UTC)에 브리프가 도착합니다.")
    chat = await telegram.chat(JIMIN.chat)
    assert chat is not None and chat.language == "ko"
    assert await telegram.ask(JIMIN.chat, JIMIN, "/time 오후 7시 30분") == (
        "받는 시각을 오후 7:30(UTC)으로 정했습니다.\n다음 브리프: 11월 23일 (월) 오후 7:30 UTC."
    )

    today = await telegram.say(JIMIN.chat, JIMIN, "/today")
    assert today[0]["text"].startswith("데일리 브리프 — 2026년 11월 23일 월요일\n")
    # The shipped library is translated: the day's brief comes in Korean, not marked English.
    assert "공포를 위한 처형, 2019년 보고서가 밝힌 북한의 처형" in today[0]["text"]
    assert "아직 번역되지 않아" not in "\n".join(m["text"] for m in today)
    assert "기도 제목" in "\n".join(m["text"] for m in today)

    settings = await telegram.ask(JIMIN.chat, JIMIN, "/settings")
    assert settings.startswith("이 채팅의 설정\n") and "언어: 한국어" in settings


async def test_language_switches_with_buttons_and_by_name(telegram: TelegramBot) -> None:
    await telegram.say(MINHO.chat, MINHO, "/start")
    [choice] = await telegram.say(MINHO.chat, MINHO, "/language")
    assert choice["text"] == "이 채팅의 언어를 고르세요."
    assert buttons(choice) == [("English", "language:en"), ("한국어", "language:ko")]

    answer = await telegram.press(MINHO.chat, MINHO, choice, "language:en")
    assert answer["text"] == "This chat now speaks English."
    assert (await telegram.ask(MINHO.chat, MINHO, "/help")).startswith("What I can do\n")

    assert await telegram.ask(MINHO.chat, MINHO, "/language 한국어") == (
        "이제 이 채팅에서는 한국어로 말합니다."
    )
    assert (await telegram.ask(MINHO.chat, MINHO, "/help")).startswith("할 수 있는 일\n")
    unknown = await telegram.ask(MINHO.chat, MINHO, "/language klingon")
    assert unknown.startswith("“klingon”(은)는 모르는 언어입니다.")


async def test_a_client_the_bot_does_not_speak_gets_the_default(telegram: TelegramBot) -> None:
    japanese = User(1104, "Yui", language_code="ja")
    welcome = await telegram.ask(japanese.chat, japanese, "/start")
    assert welcome.startswith("Welcome to the North Korea daily brief")
    assert (await telegram.ask(ALICE.chat, ALICE, "/start")).startswith("Welcome")


async def test_a_group_speaks_the_language_of_whoever_wrote_first(telegram: TelegramBot) -> None:
    telegram.api.set_admins(GROUP, JIMIN)
    first = without_prompt(await telegram.say(GROUP, JIMIN, "/subscribe"))
    assert first[0]["text"].startswith("구독했습니다.")
    # An English-speaking member reads what everyone in the group reads: Korean.
    assert (await telegram.ask(GROUP, ERIC, "/help")).startswith("할 수 있는 일\n")
    # Only an administrator may change it.
    refused = await telegram.ask(GROUP, ERIC, "/language en")
    assert refused == "이 채팅의 구독과 설정은 관리자만 바꿀 수 있습니다."


async def test_a_chat_from_before_languages_takes_the_writers_at_its_next_contact(
    telegram: TelegramBot,
) -> None:
    await telegram.say(ALICE.chat, ALICE, "/subscribe")  # no language_code: nothing stored
    assert (await telegram.chat(ALICE.chat)).language is None
    korean_alice = User(ALICE.id, "Alice", language_code="ko")
    assert (await telegram.ask(ALICE.chat, korean_alice, "/help")).startswith("할 수 있는 일")
    assert (await telegram.chat(ALICE.chat)).language == "ko"


async def test_the_menu_has_korean_descriptions_for_korean_clients(telegram: TelegramBot) -> None:
    english = {c["command"]: c["description"] for c in telegram.api.commands()}
    korean = {c["command"]: c["description"] for c in telegram.api.commands(language_code="ko")}
    assert set(korean) == set(english)  # command names stay the same in both
    assert english["today"] == "Today's digest, right now"
    assert korean["today"] == "오늘의 브리프 바로 보기"
    assert korean["language"].startswith("언어 바꾸기")


async def test_topics_answer_to_their_korean_names(telegram: TelegramBot) -> None:
    for name, title in (("탈북민", "탈북과 탈출\n"), ("인신매매", "여성과 소녀 인신매매\n")):
        first = (await telegram.say(JIMIN.chat, JIMIN, f"/topic {name}"))[0]
        assert first["text"].startswith(title), name


async def test_the_topic_list_is_in_korean_with_english_commands(telegram: TelegramBot) -> None:
    [listing] = await telegram.say(JIMIN.chat, JIMIN, "/topics")
    assert listing["text"].startswith("주제\n탈북과 탈출 — /topic defectors (브리프 ")
    assert ("탈북과 탈출", f"topic:{key_of('defectors')}") in buttons(listing)


async def test_a_korean_search_finds_and_shows_entries_in_korean(telegram: TelegramBot) -> None:
    [results] = await telegram.say(JIMIN.chat, JIMIN, "/search 송금액")
    text = results["text"]
    assert text.startswith("“송금액” 검색 결과\n")
    assert "해외의 친척이 보낸 돈이 북한 가족의 삶을 바꿀 수 있다" in text  # a Korean title
    assert "Money from relatives abroad" not in text and "아직 번역되지 않아" not in text
    labels = [label for label, _ in buttons(results)]
    assert labels and all("Money" not in label for label in labels)
