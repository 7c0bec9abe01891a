"""The one reader of every YAML file a user hands the desk: config.yaml, FAQ imports and training scenarios.

It returns libyaml's node tree (each node knows its line) and refuses, in one line naming the file, the line and
the key, what these hand-written files never need and an attacker would use:

- explicit tags (``!!int "abc"``, ``!!python/object/apply:...``, ``!anything``): a tag makes a value's type the
  file's choice instead of the key's, and a wrong one raised deep inside PyYAML with a traceback;
- aliases (``*name``): refused outright rather than counted, since nobody needs one to write a script or a FAQ,
  and an alias is how a few hundred bytes expand into billions of nodes ("billion laughs") for whoever walks the
  values; without aliases the tree is never larger than the text, which ``MAX_DOCUMENT_BYTES`` bounds;
- a key given twice in one mapping (YAML would silently keep the last) and a key that is not a single value;
- nesting deeper than ``MAX_DEPTH``, more than ``MAX_NODES`` values, more than one document, a number or a date
  that does not convert (``2024-13-45``), a control character.

The tree is built here from libyaml's events, as libyaml's own composer cannot be told to refuse tags or aliases:
the example config.yaml, read at every start of the console, takes a little longer (docs/performance.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024  # far above any config, FAQ or scenario written by hand
MAX_NODES = 50_000  # values, keys and lists: a FAQ of 5,000 entries; a flat list of 4 MB must not fill memory
MAX_DEPTH = 32  # config.yaml nests five levels; libyaml alone would allow a thousand
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers  # first character -> [(tag, pattern)], as safe_load types
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONSTRUCTIBLE = frozenset(yaml.constructor.SafeConstructor.yaml_constructors)
_TEXT_TAG = "tag:yaml.org,2002:str"
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
_MAPPING_TAG = "tag:yaml.org,2002:map"
_CHECKED_SCALARS = {  # the implicit types whose conversion can fail: 2024-13-45, an int of 5,000 digits
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
}


class YamlRefused(ValueError):
    """A YAML file this reader will not read, worded in one line: ``file:line: key: what is wrong``."""


def read_yaml_file(path: Path) -> str:
    """The text of a YAML file, read no further than MAX_DOCUMENT_BYTES (a device or a dump must not fill memory).

    OSError and UnicodeDecodeError are left to the caller, who words them for its kind of file.
    """
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size  # 0 for a device or a pipe: read up to the bound
        data = file.read(size + 1 if 0 < size <= MAX_DOCUMENT_BYTES else MAX_DOCUMENT_BYTES + 1)
        if len(data) > size:  # it grew since, or has no size: read on up to the bound
            data += file.read(MAX_DOCUMENT_BYTES + 1 - len(data))
    if len(data) > MAX_DOCUMENT_BYTES:
        raise YamlRefused(f"{path}:1: (file): larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    return data.decode("utf-8")


def compose_yaml(text: str, source: str) -> yaml.Node | None:
    """The node tree of one YAML document (None when it is empty); anything refused raises YamlRefused."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise YamlRefused(f"{source}:1: (file): larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    try:
        parser = _PARSER(text)  # PyYAML's own reader, without libyaml, checks the characters here
        try:
            return _Composer(parser, source).document()
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlRefused(f"{source}:{line}: YAML syntax error: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # a control character; libyaml counts its place in UTF-8 bytes
        line = text.encode()[:exc.position].count(b"\n") + 1
        problem = f"character #x{exc.character:04x}: {exc.reason}"
        raise YamlRefused(f"{source}:{line}: YAML syntax error: {problem}") from None


def yaml_value(node: yaml.Node) -> object:
    """The plain Python value of a node from ``compose_yaml``: text, numbers, booleans, dates, lists, dicts."""
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


class _Composer:
    """Builds nodes from parser events, refusing tags, aliases, repeated keys and deep nesting as it goes."""

    def __init__(self, parser, source: str) -> None:
        self.parser = parser
        self.source = source
        self.open: list[list] = []  # the sequences' items and mappings' pairs being read, to name a refused place
        self.nodes = 0

    def refuse(self, mark: yaml.Mark, problem: str) -> YamlRefused:
        where = "".join(f"[{len(c)}]" if type(c) is list else f".{c.key}" if c.key is not None else ""
                        for c in self.open).lstrip(".")
        return YamlRefused(f"{self.source}:{mark.line + 1}: {where or '(top level)'}: {problem}")

    def document(self) -> yaml.Node | None:
        parser = self.parser
        parser.get_event()  # the stream's start
        if parser.check_event(yaml.StreamEndEvent):
            return None
        parser.get_event()  # the document's start
        node = self.node(parser.get_event())
        parser.get_event()  # the document's end
        if not parser.check_event(yaml.StreamEndEvent):
            raise self.refuse(parser.peek_event().start_mark, "a second YAML document (---): one per file")
        return node

    def node(self, event: yaml.Event) -> yaml.Node:
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise self.refuse(event.start_mark, f"YAML aliases (*{event.anchor}) are not accepted: write the value out")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(event.start_mark, f"more than {MAX_NODES:,} values in one file")
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.refuse(event.start_mark, f"YAML tags ({tag}) are not accepted: write the value alone")
        if kind is yaml.ScalarEvent:
            return self.scalar(event)
        if len(self.open) >= MAX_DEPTH:
            raise self.refuse(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
        if kind is yaml.SequenceStartEvent:
            return self.sequence(event)
        return self.mapping(event)

    def scalar(self, event: yaml.ScalarEvent) -> yaml.ScalarNode:
        value = event.value
        tag = _TEXT_TAG
        if event.implicit[0]:  # plain, not quoted: YAML's own typing (numbers, booleans, null, dates)
            for candidate, pattern in _IMPLICIT.get(value[:1], ()):
                if pattern.match(value):
                    tag = candidate if candidate in _CONSTRUCTIBLE else _TEXT_TAG  # "=" and "<<" stay text
                    break
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        if tag in _CHECKED_SCALARS:
            try:
                _CHECKED_SCALARS[tag](node)
            except (ValueError, OverflowError):
                kind = tag.rpartition(":")[2]
                raise self.refuse(event.start_mark, f"not a valid {kind}: {value[:40]!r}") from None
        return node

    def sequence(self, start: yaml.SequenceStartEvent) -> yaml.SequenceNode:
        items: list[yaml.Node] = []
        self.open.append(items)
        get_event = self.parser.get_event
        event = get_event()
        while type(event) is not yaml.SequenceEndEvent:
            items.append(self.node(event))
            event = get_event()
        self.open.pop()
        return yaml.SequenceNode(_SEQUENCE_TAG, items, start.start_mark, event.end_mark, start.flow_style)

    def mapping(self, start: yaml.MappingStartEvent) -> yaml.MappingNode:
        pairs = _Pairs()
        self.open.append(pairs)
        get_event = self.parser.get_event
        first_line: dict[str, int] = {}
        event = get_event()
        while type(event) is not yaml.MappingEndEvent:
            pairs.key = None  # a refused key is named by its mapping
            if type(event) is not yaml.ScalarEvent and type(event) is not yaml.AliasEvent:
                raise self.refuse(event.start_mark, "a key must be a single value, not a list or a mapping")
            key = self.node(event)
            pairs.key = key.value
            if key.value in first_line:
                raise self.refuse(key.start_mark, f"given twice (first on line {first_line[key.value]})")
            first_line[key.value] = key.start_mark.line + 1
            pairs.append((key, self.node(get_event())))
            event = get_event()
        self.open.pop()
        return yaml.MappingNode(_MAPPING_TAG, pairs[:], start.start_mark, event.end_mark, start.flow_style)


class _Pairs(list):
    """A mapping's pairs as they are read, and the key whose value is being read (for messages)."""

    key: str | None = None
