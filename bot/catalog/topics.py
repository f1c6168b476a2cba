"""Reading topics.yaml: the topics every entry must point at, and all the names they go by.

Topics are read before the entries so that an entry's topics can be checked and normalised to
slugs as it is read. A slug or alias may name only one topic, or `/topic escape` would be a
coin toss; that is checked here, where the line of the first claim is known.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, SequenceNode

from bot.catalog.fields import Fields, Report, describe, line_of
from bot.catalog.model import Topic
from bot.catalog.names import TopicNames, normalise_name
from bot.catalog.translations import CONTENT_LANGUAGES, read_translations

TOPIC_FIELDS = ("slug", "title", "description", "aliases", *CONTENT_LANGUAGES)
TRANSLATED = ("title", "description")

MAX_SLUG = 64  # Telegram deep links (t.me/bot?start=...) carry at most 64 characters


def read_topics(root: Node, report: Report) -> tuple[list[Topic], TopicNames | None]:
    """The valid topics, and the names of all topics whose slug could be read.

    The names are None when the file is not a list at all: then nothing is known about topics
    and entries are not checked against them, rather than every entry being reported.
    """
    if not isinstance(root, SequenceNode):
        report(line_of(root), f"topics.yaml must be a list of topics, not {describe(root)}")
        return [], None
    names = TopicNames()
    first_line: dict[str, int] = {}  # by normalised name
    slug_lines: dict[str, int] = {}
    topics = []
    for item in root.value:
        if not isinstance(item, MappingNode):
            report(line_of(item), f"each topic must be a mapping of fields, not {describe(item)}")
            continue
        fields = Fields(item, TOPIC_FIELDS, report)
        slug = fields.slug("slug")
        title = fields.text("title", one_line=True)
        description = fields.text("description", one_line=True)
        aliases = fields.texts("aliases", required=False) or []
        translations = read_translations(fields, TRANSLATED, (title or "", description or ""))
        slug_node = fields.node("slug", required=False)
        if slug is not None and len(slug) > MAX_SLUG:
            fields.problem(
                slug_node,
                f"slug '{slug[:20]}…' is {len(slug)} characters; at most {MAX_SLUG} "
                "(Telegram's limit for a link that opens a topic)",
            )
        elif slug in slug_lines:
            fields.problem(
                slug_node, f"duplicate slug '{slug}' (first on line {slug_lines[slug]})"
            )
        elif slug is not None and slug_node is not None:
            slug_lines[slug] = line_of(slug_node)
            for name, node in [(slug, slug_node), *aliases]:
                _claim(fields, names, first_line, name, node, slug)
        if not fields.failed and slug and title is not None and description is not None:
            names_of = tuple(name for name, _ in aliases)
            topics.append(Topic(slug, title, description, names_of, translations))
    return topics, names


def _claim(
    fields: Fields,
    names: TopicNames,
    first_line: dict[str, int],
    name: str,
    node: Node,
    slug: str,
) -> None:
    key = normalise_name(name)
    if not key:
        fields.problem(node, f"alias '{name}' has no letters or digits")
        return
    holder = names.add(name, slug)
    if holder is not None:
        where = first_line[key]
        fields.problem(node, f"'{name}' already names topic '{holder}' (line {where})")
    else:
        first_line.setdefault(key, line_of(node))
