"""Every sentence a reader sees, in one place, keyed by a stable name.

Handlers ask for `t("subscribed", time="07:30", zone="Asia/Seoul")` and never hold prose
themselves, so a Korean edition is a second table here, not a hunt through the handlers.
Placeholders use `str.format` names; values are inserted as plain text (renderers escape).
"""

from __future__ import annotations

EN: dict[str, str] = {
    # Welcome and help
    "welcome.title": "Welcome to the North Korea daily brief",
    "welcome.body": (
        "Every morning at your local time you get one to three short news briefs about North "
        "Korea — refugees and defectors, workers sent abroad, the border, trafficking, human "
        "rights and the persecuted church — and a prayer point to carry through the day."
    ),
    "welcome.next": "Tap Subscribe to start, or browse the topics first. /help lists every command.",
    "button.subscribe": "Subscribe",
    "button.topics": "Topics",
    "button.settings": "Settings",
    "help.title": "What I can do",
    "help.reading": "Reading",
    "help.subscription": "Your daily digest",
    "help.operator": "Operators",
    "help.line": "/{name} {args} — {about}",
    "help.footer": "In groups, everyone may read; only administrators may change the subscription.",
    "about.title": "About this bot",
    "about.body": (
        "A small team curates every brief from published reporting and partner newsletters, "
        "rewrites it in plain words and names its sources, so you can follow up. Prayer points "
        "are written by the same team. We never name people whose safety could be at risk."
    ),
    "about.sources": "Sources quoted in the library: {sources}.",
    "about.counts": "The library holds {briefs} briefs and {prayers} prayer points on {topics} topics.",
    # Command descriptions (menus and /help)
    "cmd.start": "Welcome and quick start",
    "cmd.help": "List the commands",
    "cmd.about": "Sources and how the content is curated",
    "cmd.subscribe": "Get the digest every day (optionally at HH:MM)",
    "cmd.unsubscribe": "Stop the daily digest",
    "cmd.stop": "Stop the daily digest",
    "cmd.time": "Set the delivery time, e.g. /time 07:30",
    "cmd.timezone": "Set the time zone, e.g. /timezone Asia/Seoul",
    "cmd.settings": "Show this chat's subscription",
    "cmd.today": "Today's digest, right now",
    "cmd.pray": "Today's prayer point",
    "cmd.topic": "Latest briefs and prayer points on a topic",
    "cmd.topics": "All topics",
    "cmd.follow": "Prefer a topic in your digest",
    "cmd.unfollow": "Stop preferring a topic",
    "cmd.search": "Search briefs and prayer points",
    "cmd.forget": "Delete everything stored about this chat",
    "cmd.stats": "Subscriber and delivery figures (operators)",
    "cmd.reload": "Reload the content library (operators)",
    "cmd.broadcast": "Send a message to every subscriber (operators)",
    "arg.time": "HH:MM",
    "arg.zone": "Area/City",
    "arg.topic": "topic",
    "arg.words": "words",
    "arg.text": "text",
    # Subscription
    "subscribed": "Subscribed. Your digest arrives every day at {time} ({zone}).",
    "subscribed.already": "This chat is already subscribed: every day at {time} ({zone}).",
    "subscribed.hint": "Change it with /time HH:MM and /timezone Area/City.",
    "subscribed.next": "Next digest: {when}.",
    "unsubscribed": "Unsubscribed. No more daily digests here; /subscribe brings them back.",
    "unsubscribed.not": "This chat is not subscribed, so there is nothing to stop.",
    "time.set": "Delivery time set to {time} ({zone}).",
    "time.missing": "Tell me the time of day, for example /time 07:30.",
    "zone.set": "Time zone set to {zone}. The digest arrives at {time} local time.",
    "zone.missing": "Tell me your time zone, for example /timezone Asia/Seoul or /timezone Europe/London.",
    "zone.unknown": "I don't know the time zone “{zone}”.",
    "zone.suggest": "Did you mean {options}?",
    "zone.hint": "Use an Area/City name from the time zone database, such as Asia/Seoul.",
    "settings.title": "Settings for this chat",
    "settings.status.on": "Subscribed: yes",
    "settings.status.off": "Subscribed: no — /subscribe to start",
    "settings.status.gone": "Subscribed: paused, because the last delivery failed ({reason}). /subscribe resumes it.",
    "settings.time": "Delivery time: {time}",
    "settings.zone": "Time zone: {zone}",
    "settings.topics": "Preferred topics: {topics}",
    "settings.topics.none": "Preferred topics: none (all topics in turn)",
    "settings.next": "Next digest: {when}",
    "when": "{date} at {time} {zone}",
    # Permissions and refusals
    "need.admin": "Only this chat's administrators can change its subscription or settings.",
    "need.operator": "Sorry, that command is for the bot's operators.",
    "unknown.command": "I don't know /{name}. Try /help for the list of commands.",
    "not.command": "I answer commands. Try /today for today's digest, /topics to browse, or /help.",
    "arg.too_long": "That is longer than I can take ({limit} characters at most).",
    "arg.unexpected": "/{name} takes no arguments.",
    "error.internal": "Something went wrong on my side. Please try again in a moment.",
    # Reading
    "digest.title": "Daily brief — {date}",
    "digest.prayer": "Prayer point",
    "digest.empty": "The library has nothing to send yet.",
    "brief.meta": "{date} · Source: {sources}",
    "brief.undated": "Date not given by the source",
    "brief.link": "Read more",
    "pray.title": "Prayer point for {date}",
    "pray.none": "There is no prayer point in the library yet.",
    "button.prayed": "🙏 I prayed",
    "button.prayed.count": "🙏 I prayed · {count} today",
    "button.prayed.named": "{label} — {title}",
    "prayed.thanks": "Thank you for praying. {count} chat(s) prayed for this today.",
    "prayed.again": "Already counted today — thank you for praying.",
    "prayed.unknown": "That prayer point is no longer in the library.",
    "topic.title": "{title}",
    "topic.briefs": "Latest briefs",
    "topic.prayers": "Prayer points",
    "topic.empty": "Nothing on this topic yet.",
    "topic.missing": "Which topic? Pick one below, or type /topic NAME.",
    "topic.unknown": "I don't know the topic “{name}”.",
    "topic.suggest": "Did you mean {options}?",
    "topic.see_all": "See all topics with /topics.",
    "topics.title": "Topics",
    "topics.line": "{title} — /topic {slug} ({briefs} briefs, {prayers} prayer points)",
    "topics.footer": "Follow a topic with /follow NAME to see more of it in your digest.",
    "follow.missing": "Which topic? For example /follow defectors. /topics lists them all.",
    "follow.added": "Following {title}. Your digest will prefer it.",
    "follow.already": "You already follow {title}.",
    "unfollow.removed": "No longer following {title}.",
    "unfollow.not": "You were not following {title}.",
    "search.missing": "What should I look for? For example /search remittances.",
    "search.title": "Results for “{query}”",
    "search.none": "Nothing matched “{query}”. Try another word, or browse /topics.",
    "search.kind.brief": "Brief",
    "search.kind.prayer": "Prayer point",
    # Forget
    "forget.ask": (
        "This deletes everything stored about this chat: subscription, settings, followed "
        "topics, what was sent and prayer counts. It cannot be undone."
    ),
    "forget.confirm": "Delete everything",
    "forget.cancel": "Keep it",
    "forget.done": "Done. Nothing about this chat is stored any more.",
    "forget.nothing": "Nothing was stored about this chat.",
    "forget.cancelled": "Nothing was deleted.",
    "button.expired": "That button has expired.",
    # Operators
    "stats.title": "Bot figures",
    "stats.platform": "{platform}: {subscribed} subscribed, {unsubscribed} not subscribed, {deactivated} deactivated",
    "stats.none": "No chats yet.",
    "stats.zones": "Subscribers by time zone",
    "stats.topics": "Subscribers by followed topic",
    "stats.line": "{name}: {count}",
    "stats.prayers": "Prayers: {today} today, {total} in all",
    "stats.top_prayers": "Most prayed today",
    "reload.ok": "Content reloaded: {briefs} briefs, {prayers} prayer points, {topics} topics.",
    "reload.failed": "The new content has {count} problem(s); I kept serving the previous library.",
    "reload.more": "… and {count} more.",
    "console.intro": "briefbot console — type /help, a button's number to press it, /quit to leave.",
    "console.delivered": "(Your scheduled digest has arrived.)",
    "broadcast.title": "A message from the team",
    "broadcast.missing": "Write the message after the command, e.g. /broadcast Thank you for praying!",
    "broadcast.ask": "Send this message to {count} subscribed chat(s)?",
    "broadcast.confirm": "Send to {count}",
    "broadcast.cancel": "Cancel",
    "broadcast.queued": "Queued for {count} chat(s). It goes out within the sending limits; /stats shows progress.",
    "broadcast.cancelled": "Broadcast cancelled; nothing was sent.",
    "broadcast.gone": "That broadcast was already sent or cancelled.",
    "stats.queue": "Delivery queue since midnight UTC",
    "stats.queue.line": "{platform}: {states}",
    "stats.failures": "Failures and skips",
    "stats.failure.line": "{platform} {state}: {reason} ({count})",
}


def t(key: str, **values: object) -> str:
    """Look up a sentence and fill in its placeholders."""
    return EN[key].format(**values)
