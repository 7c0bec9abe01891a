"""Loading and validating config.yaml.

Every error names the file, the line and the key in one line (``ConfigError``), so the command line can print it
and exit with status 2 instead of a traceback. The settings are NamedTuples: every start of the console defines
these types, and on Python 3.11 a frozen dataclass costs half a millisecond to define, a NamedTuple a tenth of that.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import string
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import yaml

from calldesk.i18n import N_
from calldesk.languages import LANGUAGES
from calldesk.paths import expand_user
from calldesk.yaml_reader import YamlRefused, compose_yaml, read_yaml_file

CONFIG_ENV = "CALLDESK_CONFIG"
DATABASE_ENV = "CALLDESK_DATABASE_URL"
SCRIPT_PLACEHOLDERS = frozenset(
    {"operator", "department", "company", "client", "address_as", "greeting_time", "local_time", "reason"}
)
SITUATIONS = ("angry_caller", "refund_request", "call_back", "transfer")  # what a named script may be chosen for
CALL_SOURCES = ("simulator", "ami", "none")
NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})  # the default of every mapping setting, shared and unchangeable


_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # YAML's own typing of a scalar (numbers, booleans, null)


class ConfigError(Exception):
    """A config.yaml problem, already worded for the user: ``file:line: key: what is wrong``."""


class Department(NamedTuple):
    """A department of the desk: the team that answers its queues and keeps a pool of call-backs."""

    id: str
    name: str
    queues: tuple[str, ...]


class ScriptStage(NamedTuple):
    """One stage of an etiquette script (the greeting, the close): the lines said in it, not yet filled in."""

    stage: str
    steps: tuple[str, ...]


DEFAULT_SCRIPT = (
    ScriptStage("Greeting", ("{greeting_time}, {company} {department}, this is {operator}.",
                             "How may I help you, {address_as}?")),
    ScriptStage("Close", ("Is there anything else I can do for you, {address_as}?",)),
)
# The handbook's telephone etiquette in its own language: name and department, "how may I help", listen, help
# without leaving the caller on hold, say what happens next, close. "सकता/सकती": the operator says their own form.
DEFAULT_SCRIPT_HI = (
    ScriptStage("अभिवादन", ("{greeting_time}, मैं {operator}, {company} {department} से बात कर रहा/रही हूँ।",
                            "{address_as}, मैं आपकी क्या सहायता कर सकता/सकती हूँ?")),
    ScriptStage("सुनना", ("बीच में टोके बिना पूरी बात सुनिए; ग्राहक का अनुरोध उन्हीं के शब्दों में नोट कीजिए।",
                         "पुष्टि कीजिए: “तो {address_as}, आप चाहते हैं कि ... क्या मैंने सही समझा?”")),
    ScriptStage("सहायता", ("उत्तर दीजिए, कॉल ट्रांसफ़र कीजिए (F4) या कॉल-बैक का वादा कीजिए (F5): ग्राहक को होल्ड पर "
                          "मत छोड़िए।",
                          "साफ़-साफ़ बताइए कि आगे क्या होगा और कब।")),
    ScriptStage("समापन", ("{address_as}, क्या मैं आपकी और कोई सहायता कर सकता/सकती हूँ?",
                         "{company} को कॉल करने के लिए धन्यवाद। आपका दिन शुभ हो!")),
)


class EtiquetteScript(NamedTuple):
    """A named script, used for calls of its queues or its situation, or picked by name during a call."""

    name: str
    title: str
    stages: tuple[ScriptStage, ...]
    queues: tuple[str, ...] = ()
    situation: str = ""


class PhraseRule(NamedTuple):
    """Negative phrasings (literal phrases, or one regular expression) and the positive words to offer instead."""

    suggest: str
    phrases: tuple[str, ...] = ()
    pattern: str = ""
    language: str = ""
    bare: bool = False  # only when the phrase stands alone as a clause ("No." but not "no problem")


# The handbook's negative phrasings, used when config.yaml has no phrasebook.
DEFAULT_PHRASEBOOK = (
    PhraseRule("Let me find out who can answer this; may I call you back in a few minutes?",
               ("I don't know", "I do not know", "I have no idea", "I dunno"), language="en"),
    PhraseRule("May I transfer you to the department that will help you?",
               ("that's not my job", "that is not my job", "it's not my job", "not my job", "not my department",
                "not my problem"), language="en"),
    PhraseRule("I'll do my best to satisfy you, and I'll discuss the options with my supervisor.",
               pattern=r"(the company|our company|we) (will|would|can|does|do) never( do that)?", language="en"),
    PhraseRule("Rather than “never”, say what is possible and when.", ("never",), language="en"),
    PhraseRule("Rather than a bare “no”, say what you can do: “What I can do is …”", ("no",), language="en",
               bare=True),
    PhraseRule("मैं पता लगाऊँगा कि इस प्रश्न का उत्तर कौन दे सकता है। क्या मैं आपको कुछ मिनटों में वापस कॉल कर सकता हूँ?",
               pattern=r"मुझे(\s+\S+){0,4}?\s+नहीं\s+पता|पता\s+नहीं", language="hi"),
    PhraseRule("क्या मैं आपको दूसरे विभाग में स्थानांतरित कर सकता हूँ? वे आपकी मदद करेंगे।",
               ("यह मेरा काम नहीं", "मेरा काम नहीं"), language="hi"),
    PhraseRule("मैं आपको संतुष्ट करने की पूरी कोशिश करूँगा, और पर्यवेक्षक से समाधान के विकल्पों पर बात करूँगा।",
               pattern=r"कंपनी(\s+\S+){0,3}?\s+कभी\s+नहीं(\s+करेगी)?", language="hi"),
    PhraseRule("“कभी नहीं” के बजाय बताइए कि क्या संभव है और कब।", ("कभी नहीं",), language="hi"),
    PhraseRule("सिर्फ़ “नहीं” कहने के बजाय बताइए कि आप क्या कर सकते हैं।", ("नहीं",), language="hi", bare=True),
)

class LanguageDefaults(NamedTuple):
    """What a desk of this `language` says when config.yaml gives no script, greeting words or unknown caller."""

    script: tuple[ScriptStage, ...]
    scripts: tuple[EtiquetteScript, ...]
    greeting_times: Mapping[str, str]
    unknown_caller: str


# A Hindi desk's call-backs and transfers get the handbook's words too; config.yaml's `scripts` replace these.
DEFAULT_SCRIPTS_HI = (
    EtiquetteScript("call_back", "कॉल-बैक", (
        ScriptStage("अभिवादन", ("{greeting_time} {address_as}, मैं {operator}, {company} {department} से बोल रहा/रही "
                                "हूँ।",
                                "जैसा वादा किया था, मैं {reason} के बारे में वापस कॉल कर रहा/रही हूँ। क्या अभी बात "
                                "करने का सही समय है? (आपके यहाँ अभी {local_time} बजे हैं।)")),
        ScriptStage("सहायता", ("उत्तर या जानकारी दीजिए; अगर बात अभी भी पूरी नहीं हुई, तो बताइए कि अगली बार कब कॉल "
                              "करेंगे।",)),
        ScriptStage("समापन", ("{address_as}, क्या मैं आपकी और कोई सहायता कर सकता/सकती हूँ?",
                             "धन्यवाद, आपका दिन शुभ हो!")),
    ), situation="call_back"),
    EtiquetteScript("transfer", "ट्रांसफ़र की गई कॉल", (
        ScriptStage("अभिवादन", ("{greeting_time} {address_as}, मैं {operator}, {company} {department} से।",
                                "मेरे सहकर्मी ने मुझे आपके प्रश्न के बारे में बताया है; मैं एक बार पुष्टि कर लूँ कि "
                                "मैंने सही समझा है।")),
        ScriptStage("सहायता", ("डोज़ियर में ट्रांसफ़र नोट पढ़िए; ग्राहक से सब कुछ दोबारा मत कहलवाइए।",)),
        ScriptStage("समापन", ("साफ़-साफ़ बताइए कि आगे क्या होगा और कब।",
                             "{company} को कॉल करने के लिए धन्यवाद, {address_as}।")),
    ), situation="transfer"),
    EtiquetteScript("angry_caller", "नाराज़ ग्राहक", (
        ScriptStage("अभिवादन", ("{greeting_time}, मैं {operator}, {company} {department} से बात कर रहा/रही हूँ।",
                                "{address_as}, मैं आपकी क्या सहायता कर सकता/सकती हूँ?")),
        ScriptStage("शांत करना", ("{address_as} को पूरी बात कहने दीजिए; बहस मत कीजिए, बीच में मत टोकिए।",
                                 "“{address_as}, मैं समझ सकता/सकती हूँ कि यह कितना परेशान करने वाला है, और मैं इसे "
                                 "सुलझाने के लिए ही यहाँ हूँ।”")),
        ScriptStage("कदम", ("बताइए कि आप अभी क्या करेंगे; शिकायत दर्ज कीजिए (F8) ताकि उसका ज़िम्मेदार और समय-सीमा तय हो।",
                           "अगर बात आपके बस की न हो, तो ग्राहक को बताइए कि आप अपने टीम लीड को शामिल कर रहे हैं "
                           "(ctrl+e)।")),
        ScriptStage("समापन", ("बताइए कि कौन और कब तक संपर्क करेगा; और वह वादा निभाइए।",
                             "हमें बताने के लिए धन्यवाद, {address_as}।")),
    ), situation="angry_caller"),
    EtiquetteScript("refund_request", "रिफ़ंड का अनुरोध", (
        ScriptStage("अभिवादन", ("{greeting_time}, मैं {operator}, {company} {department} से बात कर रहा/रही हूँ।",
                                "{address_as}, मैं आपकी क्या सहायता कर सकता/सकती हूँ?")),
        ScriptStage("विवरण", ("ऑर्डर, तारीख़ और क्या गड़बड़ हुई, यह पूछिए और नोट कीजिए।",
                             "राशि और भुगतान का तरीका पक्का कीजिए।")),
        ScriptStage("रिफ़ंड", ("केवल वही वादा कीजिए जो रिफ़ंड नीति में है; पक्का न हो तो जाँच कर कॉल-बैक (F5) का "
                              "प्रस्ताव दीजिए।",)),
        ScriptStage("समापन", ("बताइए कि पैसा कब पहुँचेगा और उन्हें कैसे सूचित किया जाएगा।",
                             "धैर्य रखने के लिए धन्यवाद, {address_as}।")),
    ), situation="refund_request"),
)
LANGUAGE_DEFAULTS: Mapping[str, LanguageDefaults] = MappingProxyType({
    "en": LanguageDefaults(DEFAULT_SCRIPT, (), NO_ENTRIES, "sir or madam"),
    # On an Indian desk "नमस्ते" serves the whole day.
    "hi": LanguageDefaults(DEFAULT_SCRIPT_HI, DEFAULT_SCRIPTS_HI,
                           MappingProxyType({"morning": "नमस्ते", "afternoon": "नमस्ते", "evening": "नमस्ते"}),
                           "सर/मैडम"),
})
# The stock words are marked for the catalog: a console shows them in its language (calldesk.i18n.desk_word), the
# store and the exports keep them as written.
DEFAULT_FEEDBACK_CATEGORIES = (N_("Product"), N_("Delivery"), N_("Billing"), N_("Staff"), N_("Website"), N_("Other"))
# A desk started without a config file still gets a full wrap-up list and the usual reasons to pause.
DEFAULT_DISPOSITIONS = (N_("Resolved"), N_("Information given"), N_("Call-back promised"), N_("Transferred"),
                        N_("Complaint logged"), N_("Wrong number"))
DEFAULT_PAUSE_REASONS = (N_("Lunch"), N_("Training"), N_("Meeting"), N_("Break"))
EXAMPLE_WORDS = (N_("Sale"),)  # the shipped config.yaml's one disposition beyond the stock ones


class CallbackWindow(NamedTuple):
    """The hours of the day, on the client's own clock, within which a call-back may be placed."""

    start: time
    end: time


class CallbackRules(NamedTuple):
    """How call-backs are kept: tries before a lead takes over, release to the pool, notices."""

    max_attempts: int = 3  # unanswered tries before the call-back goes to a team lead
    release_after_minutes: float = 30.0  # an untouched overdue call-back goes back to its pool after this
    due_soon_minutes: float = 10.0  # the owner is told this long before the due time
    retry_after_minutes: float = 60.0  # the next try offered after no answer
    abandoned_within_minutes: float = 15.0  # a caller who hung up in the queue is called back within this


class SimulatorSettings(NamedTuple):
    """How the simulated phone line behaves (demo and training)."""

    arrival_per_minute: float = 4.0  # outside peak hours
    peak_hours: tuple[int, ...] = (10, 11, 12, 16, 17)  # local hours of the phone region
    peak_factor: float = 2.0  # arrivals are this many times more frequent in a peak hour
    patience_seconds: float = 60.0  # a waiting caller hangs up after about this long
    talk_seconds: float = 150.0  # an answered caller hangs up after about this long
    known_caller_share: float = 0.6
    max_waiting: int = 8  # no new call rings while this many wait


class AmiSettings(NamedTuple):
    """How to reach Asterisk's Manager Interface; the secret is named here (a variable or a file), never given."""

    host: str = "127.0.0.1"
    port: int = 5038
    username: str = "calldesk"
    secret_env: str = "CALLDESK_AMI_SECRET"
    secret_file: str = ""  # read when set, instead of the variable
    channel: str = "PJSIP/{extension}"  # an operator's phone: dialed for click-to-call, paused in the queues
    context: str = "from-internal"  # the dialplan context click-to-call dials the client from
    dial_prefix: str = ""  # put before every number dialed out (an outside line such as "9")
    operators: Mapping[str, str] = NO_ENTRIES  # queue member interface -> operator login
    queues: Mapping[str, str] = NO_ENTRIES  # Asterisk queue -> calldesk queue, where names differ


class WallboardSettings(NamedTuple):
    """The room's wallboard (`calldesk wallboard`)."""

    page_seconds: float = 15.0  # each page stays this long before the next, unless one is pinned
    show_callers: bool = False  # a TV in the room shows no client's name or number unless this says so


# "terminal": a spacing vowel sign takes a cell of its own, as wcwidth terminals draw it (xterm, VTE, tmux, most);
# "graphemes": a letter and its signs share the letter's cells, for terminals that lay out grapheme clusters.
TEXT_WIDTHS = ("terminal", "graphemes")

# What separates a client's tags as files write them (Outlook's ";", Google's ":::"); the desk keeps them as "a, b"
TAG_SEPARATORS = re.compile(r":::|[;,]")


class Config(NamedTuple):
    """The desk's settings as config.yaml gives them; a key not written there keeps its default."""

    path: Path
    company: str = "Acme"
    language: str = "en"  # the interface's and the default script's (an operator may choose their own)
    text_width: str = "terminal"  # how the terminals lay out Indic text: one of TEXT_WIDTHS (tui/cell_widths.py)
    default_operator: str = ""
    file_group: str = ""  # an OS group the SQLite file and its copies are shared with (0660); "" for the owner alone
    departments: tuple[Department, ...] = (Department("support", "Customer Support", ("support",)),)
    # login -> queue -> priority (0 served first, Asterisk's penalty); unlisted: the department's queues at 0
    queue_members: Mapping[str, Mapping[str, int]] = NO_ENTRIES
    phone_region: str = "IN"
    time_zone: str = ""  # the desk's clock; "" for the main zone of phone_region (calldesk.time_zones)
    ring_cycle_seconds: float = 6.0
    answer_within_rings: int = 3
    inquiry_sla_hours: float = 10.0
    wrap_up_seconds: float = 120.0  # after-call work's limit, then the operator is available again; 0: no limit
    wrap_up_seconds_by_queue: Mapping[str, float] = NO_ENTRIES  # a queue's own limit, where it differs
    short_abandon_seconds: float = 5.0  # callers who hang up sooner are counted apart, out of service level
    fcr_window_hours: float = 24.0  # no further contact within this long: resolved at the first call
    service_level_target: float = 0.8  # the share of calls to answer in time; staffing is sized for it
    callback_window: CallbackWindow = CallbackWindow(time(9), time(20))
    dispositions: tuple[str, ...] = DEFAULT_DISPOSITIONS
    pause_reasons: tuple[str, ...] = DEFAULT_PAUSE_REASONS
    database: str = "calldesk.db"
    call_source: str = "none"
    consult_hook: tuple[str, ...] = ()  # the command a PBX without AMI runs a consult with (docs/pbx-hooks.md)
    simulator: SimulatorSettings = SimulatorSettings()
    ami: AmiSettings = AmiSettings()
    callbacks: CallbackRules = CallbackRules()
    wallboard: WallboardSettings = WallboardSettings()
    script: tuple[ScriptStage, ...] = ()
    scripts: tuple[EtiquetteScript, ...] = ()  # named scripts per queue or situation; `script` stays the default
    phrasebook: tuple[PhraseRule, ...] = DEFAULT_PHRASEBOOK
    feedback_categories: tuple[str, ...] = DEFAULT_FEEDBACK_CATEGORIES
    greeting_times: Mapping[str, str] = NO_ENTRIES
    unknown_caller: str = "sir or madam"
    vip_tag: str = "VIP"  # the client tag that earns the caller the VIP badge; "" for no VIP badge
    keys: Mapping[str, str] = NO_ENTRIES
    key_lines: Mapping[str, int] = NO_ENTRIES  # where each remap stands, for errors

    @property
    def answer_threshold_seconds(self) -> float:
        """The handbook's "before the third ring", in seconds."""
        return self.answer_within_rings * self.ring_cycle_seconds

    @property
    def zone(self) -> ZoneInfo:
        """The desk's one clock, whatever zone the machine is set to: screens, due times, exports, statistics."""
        from calldesk.time_zones import desk_zone_of

        return desk_zone_of(self.time_zone, self.phone_region)

    def wrap_up_limit(self, queue: str) -> float:
        """The seconds of after-call work a call of ``queue`` allows; 0 for no limit."""
        return self.wrap_up_seconds_by_queue.get(queue, self.wrap_up_seconds)

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def department_of_queue(self, queue: str) -> Department | None:
        return next((d for d in self.departments if queue in d.queues), None)

    @property
    def queues(self) -> tuple[str, ...]:
        return tuple(q for d in self.departments for q in d.queues)

    def database_url(self) -> str:
        """The database URL, with a relative SQLite path taken from the config file's folder."""
        return resolve_database(os.environ.get(DATABASE_ENV) or self.database, self.path.resolve().parent)


def resolve_database(value: str, base: Path) -> str:
    """A plain path means a SQLite file; URLs pass through."""
    if "://" in value:
        return value
    if value == ":memory:":
        return "sqlite:///:memory:"
    path = expand_user(value)
    if not path.is_absolute():
        path = base / path
    return f"sqlite:///{path}"


def default_config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    return Path.cwd() / "config.yaml"


class _Reader:
    """Walks the YAML node tree so every error can name its line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, key: str, problem: str) -> ConfigError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ConfigError(f"{self.path}:{line}: {key}: {problem}")

    def mapping(self, node: yaml.Node, key: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, "expected a mapping of keys to values")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in node.value:
            out[str(k.value)] = (k, v)
        return out

    def scalar(self, node: yaml.Node, key: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, key, "expected a single value")
        return _CONSTRUCTOR.construct_object(node)

    def text(self, node: yaml.Node, key: str, *, allow_empty: bool = False) -> str:
        value = self.scalar(node, key)
        if value is None and allow_empty:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(node, key, f"expected text, got {value!r}")
        if not str(value).strip() and not allow_empty:
            raise self.fail(node, key, "must not be empty")
        return str(value)

    def number(self, node: yaml.Node, key: str, *, integer: bool = False, minimum: float = 0,
               maximum: float = 1e9) -> float:
        """A number above ``minimum`` and at most ``maximum``: never nan or infinite (.nan and .inf are YAML)."""
        value = self.scalar(node, key)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value):
            raise self.fail(node, key, f"expected {'a whole number' if integer else 'a number'}, got {value!r}")
        if value <= minimum:
            raise self.fail(node, key, f"must be greater than {minimum:g}, got {value!r}")
        if value > maximum:
            raise self.fail(node, key, f"must be at most {maximum:g}, got {value!r}")
        return value

    def text_list(self, node: yaml.Node, key: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, key, "expected a list")
        items = tuple(self.text(item, f"{key}[{i}]") for i, item in enumerate(node.value))
        if not items:
            raise self.fail(node, key, "must list at least one entry")
        return items

    def clock_time(self, node: yaml.Node, key: str) -> time:
        value = self.scalar(node, key)
        if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 09:00 as sexagesimal
            value = f"{value // 60:02d}:{value % 60:02d}"
        if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value):
            raise self.fail(node, key, f"expected a time like \"09:00\", got {value!r}")
        hours, minutes = map(int, value.split(":"))
        if hours > 23 or minutes > 59:
            raise self.fail(node, key, f"not a time of day: {value!r}")
        return time(hours, minutes)


def _check_placeholders(reader: _Reader, node: yaml.Node, key: str, text: str,
                        known: frozenset[str] = SCRIPT_PLACEHOLDERS) -> None:
    """Every {name} in ``text`` is one of ``known``, bare: str.format would raise at the call, on every restart."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        raise reader.fail(node, key, f"bad braces ({exc})") from None
    for name, spec, conversion in fields:
        if spec or conversion:  # {operator:zzz} or {operator!z} would fail at the call, on every restart too
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise reader.fail(node, key, f"placeholders take no format or conversion: {{{name}}}, not {{{written}}}")
    names = {name for name, _, _ in fields}
    unknown = sorted(names - known)
    if unknown:
        listed = ", ".join("{" + n + "}" for n in sorted(known))
        raise reader.fail(node, key, f"unknown placeholder {{{unknown[0]}}} (known: {listed})")


def _read_departments(reader: _Reader, node: yaml.Node) -> tuple[Department, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, "departments", "expected a list of departments with id, name and queues")
    departments = []
    owner_of_id: dict[str, str] = {}
    owner_of_queue: dict[str, str] = {}  # a call's queue must lead to one department: its team and its pool
    for i, item in enumerate(node.value):
        where = f"departments[{i}]"
        fields = reader.mapping(item, where)
        for name, (knode, _) in fields.items():
            if name not in {"id", "name", "queues"}:
                raise reader.fail(knode, f"{where}.{name}", "unknown key (expected id, name, queues)")
        if "id" not in fields:
            raise reader.fail(item, f"{where}.id", "missing")
        dep_id = reader.text(fields["id"][1], f"{where}.id")
        if dep_id in owner_of_id:
            raise reader.fail(fields["id"][1], f"{where}.id", f"{dep_id!r} is already the id of {owner_of_id[dep_id]}")
        owner_of_id[dep_id] = where
        name = reader.text(fields["name"][1], f"{where}.name") if "name" in fields else dep_id
        queues = reader.text_list(fields["queues"][1], f"{where}.queues") if "queues" in fields else (dep_id,)
        for j, queue in enumerate(queues):
            if queue in owner_of_queue:
                queue_node = fields["queues"][1].value[j] if "queues" in fields else fields["id"][1]
                raise reader.fail(queue_node, f"{where}.queues[{j}]",
                                  f"queue {queue!r} is already named by {owner_of_queue[queue]}")
            owner_of_queue[queue] = f"{where} ({dep_id})"
        departments.append(Department(dep_id, name, queues))
    return tuple(departments)


def _read_script(reader: _Reader, node: yaml.Node, key: str = "script") -> tuple[ScriptStage, ...]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, key, "expected a list of stages, each with a stage name and steps")
    stages = []
    for i, item in enumerate(node.value):
        where = f"{key}[{i}]"
        fields = reader.mapping(item, where)
        for name, (knode, _) in fields.items():
            if name not in {"stage", "steps"}:
                raise reader.fail(knode, f"{where}.{name}", "unknown key (expected stage, steps)")
        if "stage" not in fields or "steps" not in fields:
            raise reader.fail(item, where, "each stage needs 'stage' and 'steps'")
        title = reader.text(fields["stage"][1], f"{where}.stage")
        steps_node = fields["steps"][1]
        steps = reader.text_list(steps_node, f"{where}.steps")
        for j, (step, step_node) in enumerate(zip(steps, steps_node.value, strict=True)):
            _check_placeholders(reader, step_node, f"{where}.steps[{j}]", step)
        stages.append(ScriptStage(title, steps))
    return tuple(stages)


def _read_simulator(reader: _Reader, node: yaml.Node) -> SimulatorSettings:
    fields = _read_str_map_nodes(reader, node, "simulator", set(SimulatorSettings._fields))
    values: dict[str, Any] = {}
    for name, vnode in fields.items():
        key = f"simulator.{name}"
        match name:
            case "peak_hours":
                hours = []
                if not isinstance(vnode, yaml.SequenceNode):
                    raise reader.fail(vnode, key, "expected a list of hours such as [10, 11, 17]")
                for item in vnode.value:
                    hour = reader.scalar(item, key)
                    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
                        raise reader.fail(item, key, f"expected an hour from 0 to 23, got {hour!r}")
                    hours.append(hour)
                values[name] = tuple(hours)
            case "known_caller_share":
                share = reader.scalar(vnode, key)
                if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
                    raise reader.fail(vnode, key, f"expected a share from 0 to 1, got {share!r}")
                values[name] = float(share)
            case "max_waiting":
                values[name] = int(reader.number(vnode, key, integer=True))
            case _:
                values[name] = float(reader.number(vnode, key))
    return SimulatorSettings(**values)


def _read_ami(reader: _Reader, node: yaml.Node) -> AmiSettings:
    values: dict[str, Any] = {}
    for name, (knode, vnode) in reader.mapping(node, "ami").items():
        key = f"ami.{name}"
        match name:
            case "secret" | "password":
                raise reader.fail(knode, key, "secrets never go in config.yaml: name them with secret_env or "
                                              "secret_file")
            case "port":
                values[name] = int(reader.number(vnode, key, integer=True, maximum=65535))
            case "secret_file" | "dial_prefix":
                values[name] = reader.text(vnode, key, allow_empty=True)
            case "operators" | "queues":
                values[name] = _read_str_map(reader, vnode, key)
            case "channel":
                values[name] = reader.text(vnode, key)
                _check_placeholders(reader, vnode, key, values[name], frozenset({"extension"}))
                if "{extension}" not in values[name]:
                    raise reader.fail(vnode, key, "must contain {extension}, e.g. \"PJSIP/{extension}\"")
            case _ if name in AmiSettings._fields:
                values[name] = reader.text(vnode, key)
            case _:
                known = ", ".join(AmiSettings._fields)
                raise reader.fail(knode, key, f"unknown key (expected {known})")
    return AmiSettings(**values)


def _read_callbacks(reader: _Reader, node: yaml.Node) -> CallbackRules:
    fields = _read_str_map_nodes(reader, node, "callbacks", set(CallbackRules._fields))
    values: dict[str, Any] = {}
    for name, vnode in fields.items():
        key = f"callbacks.{name}"
        match name:
            case "max_attempts":
                values[name] = int(reader.number(vnode, key, integer=True))
            case _:
                values[name] = float(reader.number(vnode, key))
    return CallbackRules(**values)


def _read_wallboard(reader: _Reader, node: yaml.Node) -> WallboardSettings:
    fields = _read_str_map_nodes(reader, node, "wallboard", set(WallboardSettings._fields))
    values: dict[str, Any] = {}
    for name, vnode in fields.items():
        key = f"wallboard.{name}"
        match name:
            case "show_callers":
                shown = reader.scalar(vnode, key)
                if not isinstance(shown, bool):
                    raise reader.fail(vnode, key, f"expected true or false, got {shown!r}")
                values[name] = shown
            case _:
                seconds = float(reader.number(vnode, key, maximum=86_400))
                if seconds < 1:
                    raise reader.fail(vnode, key, f"a page stays at least 1 second, got {seconds:g}")
                values[name] = seconds
    return WallboardSettings(**values)


def _read_scripts(reader: _Reader, node: yaml.Node) -> tuple[EtiquetteScript, ...]:
    scripts = []
    for name, (knode, vnode) in reader.mapping(node, "scripts").items():
        where = f"scripts.{name}"
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise reader.fail(knode, where, "a script's name is lower-case letters, digits and _")
        fields = _read_str_map_nodes(reader, vnode, where, {"title", "queues", "situation", "stages"})
        if "stages" not in fields:
            raise reader.fail(vnode, where, "each script needs 'stages' (a list like the 'script' key)")
        situation = reader.text(fields["situation"], f"{where}.situation") if "situation" in fields else ""
        if situation and situation not in SITUATIONS:
            raise reader.fail(fields["situation"], f"{where}.situation",
                              f"expected one of {', '.join(SITUATIONS)}, got {situation!r}")
        scripts.append(EtiquetteScript(
            name=name,
            title=reader.text(fields["title"], f"{where}.title") if "title" in fields else name.replace("_", " "),
            stages=_read_script(reader, fields["stages"], f"{where}.stages"),
            queues=reader.text_list(fields["queues"], f"{where}.queues") if "queues" in fields else (),
            situation=situation,
        ))
    return tuple(scripts)


def _read_phrasebook(reader: _Reader, node: yaml.Node) -> tuple[PhraseRule, ...]:
    if not isinstance(node, yaml.SequenceNode):
        raise reader.fail(node, "phrasebook", "expected a list of entries with phrases (or pattern) and suggest")
    rules = []
    for i, item in enumerate(node.value):
        where = f"phrasebook[{i}]"
        fields = _read_str_map_nodes(reader, item, where, {"phrases", "pattern", "suggest", "language", "bare"})
        if ("phrases" in fields) == ("pattern" in fields):
            raise reader.fail(item, where, "give either 'phrases' (a list) or 'pattern' (a regular expression)")
        if "suggest" not in fields:
            raise reader.fail(item, f"{where}.suggest", "missing: the positive words to offer instead")
        pattern = reader.text(fields["pattern"], f"{where}.pattern") if "pattern" in fields else ""
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise reader.fail(fields["pattern"], f"{where}.pattern", f"not a regular expression ({exc})") from None
        bare = reader.scalar(fields["bare"], f"{where}.bare") if "bare" in fields else False
        if not isinstance(bare, bool):
            raise reader.fail(fields["bare"], f"{where}.bare", f"expected true or false, got {bare!r}")
        rules.append(PhraseRule(
            suggest=reader.text(fields["suggest"], f"{where}.suggest"),
            phrases=reader.text_list(fields["phrases"], f"{where}.phrases") if "phrases" in fields else (),
            pattern=pattern,
            language=reader.text(fields["language"], f"{where}.language") if "language" in fields else "",
            bare=bare,
        ))
    return tuple(rules)


def _read_str_map(reader: _Reader, node: yaml.Node, key: str, allowed: set[str] | None = None) -> dict[str, str]:
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~"):
        return {}
    nodes = _read_str_map_nodes(reader, node, key, allowed)
    return {name: reader.text(vnode, f"{key}.{name}") for name, vnode in nodes.items()}


def _os_group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def _valid_region(region: str) -> bool:
    import phonenumbers  # lazy: the console paints before this is needed

    return region.upper() in phonenumbers.SUPPORTED_REGIONS


def load_config(path: Path | str | None = None, language: str | None = None) -> Config:
    """Read and validate a config file; raises ``ConfigError`` with file, line and key. ``language`` overrides the
    file's `language` (and so the default script it picks)."""
    explicit = path is not None or CONFIG_ENV in os.environ
    path = Path(path) if path is not None else default_config_path()
    if not explicit and not path.exists():
        return _with_language_defaults({"path": path}, language)  # no file in this folder: sensible defaults
    try:
        root = compose_yaml(read_yaml_file(path), str(path))
    except FileNotFoundError:
        raise ConfigError(f"{path}:1: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}:1: cannot read the config file ({exc})") from None
    except YamlRefused as exc:
        raise ConfigError(str(exc)) from None
    reader = _Reader(path)
    values: dict[str, Any] = {"path": path}
    if root is not None:
        top = reader.mapping(root, "(top level)")
        for name, (knode, vnode) in top.items():
            values.update(_read_key(reader, name, knode, vnode))
        # checked once every key is read: the departments may come after the keys naming their queues
        departments = values.get("departments", Config._field_defaults["departments"])
        if "queue_members" in top:
            _check_owned_queues(reader, _member_queue_nodes(top["queue_members"][1]), departments)
        if "wrap_up_seconds_by_queue" in top:
            _check_owned_queues(reader, _keys_of(top["wrap_up_seconds_by_queue"][1], "wrap_up_seconds_by_queue"),
                                departments)
    return _with_language_defaults(values, language)


def _with_language_defaults(values: dict[str, Any], language: str | None) -> Config:
    """The settings read, with the desk language's script, greeting words and unknown caller where none is given.
    ``language``, when given (``calldesk demo --language hi``), is the desk's whatever the file says; the file's
    script and greeting words are in the file's own language, so another language takes its own defaults."""
    if language is not None:
        if language not in LANGUAGES:
            raise ConfigError(f"{values['path']}:1: language: expected one of {', '.join(LANGUAGES)}, "
                              f"got {language!r}")
        if language != values.get("language", "en"):
            for name in LanguageDefaults._fields:
                values.pop(name, None)
        values["language"] = language
    defaults = LANGUAGE_DEFAULTS[values.get("language", "en")]
    for name in LanguageDefaults._fields:
        values.setdefault(name, getattr(defaults, name))
    return Config(**values)


def _read_key(reader: _Reader, name: str, knode: yaml.Node, vnode: yaml.Node) -> dict[str, Any]:
    match name:
        case "company":
            return {name: reader.text(vnode, name)}
        case "unknown_caller":
            return {name: reader.text(vnode, name)}
        case "vip_tag":
            tag = reader.text(vnode, name, allow_empty=True).strip()
            if TAG_SEPARATORS.search(tag):  # tags are stored split on these: such a tag could never match
                raise reader.fail(vnode, name, f"one tag, without ',', ';' or ':::', got {tag!r}")
            return {name: tag}
        case "language":
            language = reader.text(vnode, name)
            if language not in LANGUAGES:
                raise reader.fail(vnode, name, f"expected one of {', '.join(LANGUAGES)}, got {language!r}")
            return {name: language}
        case "text_width":
            width = reader.text(vnode, name)
            if width not in TEXT_WIDTHS:
                raise reader.fail(vnode, name, f"expected one of {', '.join(TEXT_WIDTHS)}, got {width!r}")
            return {name: width}
        case "default_operator":
            return {name: reader.text(vnode, name, allow_empty=True)}
        case "file_group":
            group = reader.text(vnode, name, allow_empty=True)
            if group and not _os_group_exists(group):
                raise reader.fail(vnode, name, f"no group {group!r} on this machine (see `getent group`)")
            return {name: group}
        case "database":
            return {name: reader.text(vnode, name)}
        case "consult_hook":
            command = reader.text(vnode, name, allow_empty=True)
            try:
                return {name: tuple(shlex.split(command))}
            except ValueError as exc:  # a quote left open: the PBX would never be told
                raise reader.fail(vnode, name, f"not a command line ({exc})") from None
        case "departments":
            return {name: _read_departments(reader, vnode)}
        case "queue_members":
            return {name: _read_queue_members(reader, vnode)}
        case "phone_region":
            region = reader.text(vnode, name).upper()
            if not _valid_region(region):
                raise reader.fail(vnode, name, f"unknown region {region!r} (use an ISO code such as IN, GB, US)")
            return {name: region}
        case "time_zone":
            from calldesk.time_zones import current_name, zone_named

            zone = reader.text(vnode, name)
            if zone_named(zone) is None:
                raise reader.fail(vnode, name, f"{zone!r} is not a time zone this machine knows "
                                               "(an IANA name such as Asia/Kolkata, Europe/London)")
            return {name: current_name(zone)}
        case "ring_cycle_seconds" | "inquiry_sla_hours":
            return {name: float(reader.number(vnode, name))}
        case "fcr_window_hours":
            return {name: float(reader.number(vnode, name))}
        case "short_abandon_seconds":
            seconds = float(reader.number(vnode, name, minimum=float("-inf")))
            if seconds < 0:
                raise reader.fail(vnode, name, f"must not be negative, got {seconds:g}")
            return {name: seconds}
        case "wrap_up_seconds":
            return {name: _seconds_or_none(reader, vnode, name)}
        case "wrap_up_seconds_by_queue":
            if isinstance(vnode, yaml.ScalarNode) and reader.scalar(vnode, name) is None:
                return {name: NO_ENTRIES}
            limits = _read_str_map_nodes(reader, vnode, name, None)
            return {name: MappingProxyType({queue: _seconds_or_none(reader, node, f"{name}.{queue}")
                                            for queue, node in limits.items()})}
        case "service_level_target":
            share = float(reader.number(vnode, name))
            if share >= 1:
                raise reader.fail(vnode, name, f"expected a share below 1 such as 0.8, got {share:g}")
            return {name: share}
        case "answer_within_rings":
            return {name: int(reader.number(vnode, name, integer=True))}
        case "callback_window":
            fields = _read_str_map_nodes(reader, vnode, name, {"start", "end"})
            start = reader.clock_time(fields["start"], f"{name}.start") if "start" in fields else time(9)
            end = reader.clock_time(fields["end"], f"{name}.end") if "end" in fields else time(20)
            if end <= start:
                raise reader.fail(vnode, name, "end must come after start")
            return {name: CallbackWindow(start, end)}
        case "dispositions" | "pause_reasons":
            return {name: reader.text_list(vnode, name)}
        case "call_source":
            source = reader.text(vnode, name)
            if source not in CALL_SOURCES:
                raise reader.fail(vnode, name, f"expected one of {', '.join(CALL_SOURCES)}, got {source!r}")
            return {name: source}
        case "script":
            return {name: _read_script(reader, vnode)}
        case "scripts":
            return {name: _read_scripts(reader, vnode)}
        case "phrasebook":
            return {name: _read_phrasebook(reader, vnode)}
        case "feedback_categories":
            return {name: reader.text_list(vnode, name)}
        case "simulator":
            return {name: _read_simulator(reader, vnode)}
        case "ami":
            return {name: _read_ami(reader, vnode)}
        case "callbacks":
            return {name: _read_callbacks(reader, vnode)}
        case "wallboard":
            return {name: _read_wallboard(reader, vnode)}
        case "greeting_times":
            return {name: _read_str_map(reader, vnode, name, {"morning", "afternoon", "evening"})}
        case "keys":
            nodes = _read_str_map_nodes(reader, vnode, name, None) if isinstance(vnode, yaml.MappingNode) else {}
            return {name: _read_str_map(reader, vnode, name),
                    "key_lines": {k: n.start_mark.line + 1 for k, n in nodes.items()}}
    raise reader.fail(knode, name, "unknown key")


def _seconds_or_none(reader: _Reader, node: yaml.Node, key: str) -> float:
    """Seconds of a limit: 0 for none, never negative, nan or infinite."""
    seconds = float(reader.number(node, key, minimum=float("-inf")))
    if seconds < 0:
        raise reader.fail(node, key, f"must not be negative (0: no limit), got {seconds:g}")
    return seconds


PRIORITY_MAX = 99  # the lowest priority a queue member can have (the highest number)


def _read_queue_members(reader: _Reader, node: yaml.Node) -> Mapping[str, Mapping[str, int]]:
    """``login: {queue: priority, ...}``, each priority a whole number from 0 (served first) to PRIORITY_MAX."""
    if isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~"):
        return NO_ENTRIES
    members: dict[str, Mapping[str, int]] = {}
    for login, (_, queues_node) in reader.mapping(node, "queue_members").items():
        key = f"queue_members.{login}"
        if isinstance(queues_node, yaml.ScalarNode) and queues_node.value in ("", "null", "~"):
            members[login] = NO_ENTRIES
            continue
        priorities = {}
        for queue, (_, vnode) in reader.mapping(queues_node, key).items():
            priority = int(reader.number(vnode, f"{key}.{queue}", integer=True, minimum=float("-inf"),
                                         maximum=PRIORITY_MAX))
            if priority < 0:
                raise reader.fail(vnode, f"{key}.{queue}", f"a priority is 0 (served first) or more, got {priority}")
            priorities[queue] = priority
        members[login] = MappingProxyType(priorities)
    return MappingProxyType(members)


def _keys_of(node: yaml.Node, key: str) -> list[tuple[yaml.Node, str]]:
    """A mapping's key nodes, each with its dotted key for a message; none for a node that is no mapping."""
    return [(k, f"{key}.{k.value}") for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []


def _member_queue_nodes(node: yaml.Node) -> list[tuple[yaml.Node, str]]:
    """The queues named under queue_members, each login's."""
    logins = node.value if isinstance(node, yaml.MappingNode) else []
    return [queue for login_node, queues_node in logins
            for queue in _keys_of(queues_node, f"queue_members.{login_node.value}")]


def _check_owned_queues(reader: _Reader, queues: list[tuple[yaml.Node, str]],
                        departments: tuple[Department, ...]) -> None:
    """Every queue named (queue_members, wrap_up_seconds_by_queue) is one a department owns: a typo would route
    nobody to it, or leave it the desk's wrap-up time."""
    known = [q for d in departments for q in d.queues]
    for queue_node, key in queues:
        if str(queue_node.value) not in known:
            raise reader.fail(queue_node, key, f"no department owns this queue (known: {', '.join(known)})")


def _read_str_map_nodes(
    reader: _Reader, node: yaml.Node, key: str, allowed: set[str] | None
) -> dict[str, yaml.Node]:
    out = {}
    for name, (knode, vnode) in reader.mapping(node, key).items():
        if allowed is not None and name not in allowed:
            raise reader.fail(knode, f"{key}.{name}", f"unknown key (expected {', '.join(sorted(allowed))})")
        out[name] = vnode
    return out
