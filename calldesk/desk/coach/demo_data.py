"""The demo desk: an Indian appliance company's clients, operators and a month of calls, the same for every seed.

Clients go through the domain (``create_client``); the call history is bulk-inserted so seeding stays fast.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calldesk.config import Config
from calldesk.desk.calls.queue import rings_heard
from calldesk.desk.calls.states import CallStatus
from calldesk.desk.clients.directory import STAGES, NewPhone, create_client
from calldesk.desk.clock import ManualClock
from calldesk.desk.coach.faq_seed import seed_faq
from calldesk.desk.context import Desk
from calldesk.desk.operators.permissions import Role
from calldesk.desk.operators.roster import add_operator
from calldesk.phones import parse_phone
from calldesk.store.models import Call, Note, Phone, database

CLIENT_COUNT = 300
HISTORY_DAYS = 30
OFFICE_ZONE = ZoneInfo("Asia/Kolkata")
# Calls per hour of the working day (09:00 to 19:00 office time): mid-morning and late-afternoon peaks.
HOURLY_CALLS = (3, 6, 7, 5, 3, 4, 6, 5, 3, 2)
STAGE_WEIGHTS = (35, 20, 15, 30)


@dataclass(frozen=True, slots=True)
class DemoOperator:
    """One of the demo desk's operators, the same for every seed."""

    login: str
    name: str
    department: str
    role: Role
    extension: str


DEMO_OPERATORS = (
    DemoOperator("asha", "Asha Verma", "support", Role.LEAD, "201"),
    DemoOperator("ravi", "Ravi Kumar", "sales", Role.OPERATOR, "202"),
    DemoOperator("meera", "Meera Iyer", "support", Role.OPERATOR, "203"),
    DemoOperator("john", "John Mathew", "billing", Role.OPERATOR, "204"),
)

MEN = ("Rahul", "Amit", "Suresh", "Vikram", "Arjun", "Rajesh", "Sanjay", "Anil", "Karthik", "Venkatesh", "Imran",
       "Harpreet", "Manoj", "Deepak", "Rohan", "Siddharth", "Prakash", "Ganesh", "Farhan", "Joseph", "Naveen",
       "Abhishek", "Gaurav", "Mohan")
WOMEN = ("Priya", "Sunita", "Anjali", "Kavita", "Neha", "Lakshmi", "Deepa", "Pooja", "Meenakshi", "Fatima",
         "Swati", "Divya", "Rekha", "Shalini", "Ayesha", "Gurpreet", "Nandini", "Radha", "Sneha", "Mary")
SURNAMES = ("Sharma", "Verma", "Gupta", "Iyer", "Nair", "Reddy", "Patel", "Shah", "Singh", "Khan", "Mehta",
            "Rao", "Menon", "Pillai", "Chatterjee", "Banerjee", "Das", "Joshi", "Kulkarni", "Deshpande", "Agarwal",
            "Bhatia", "Malhotra", "Fernandes", "D'Souza", "Qureshi", "Mukherjee", "Naidu", "Gill", "Kapoor")
# Clients who wrote their own name in Devanagari: (name, how to address them).
DEVANAGARI_NAMES = (
    ("राहुल शर्मा", "शर्मा जी"), ("सुनीता देवी", "सुनीता जी"), ("अमित कुमार", "अमित जी"),
    ("प्रिया वर्मा", "प्रिया जी"), ("राजेश गुप्ता", "गुप्ता जी"), ("कविता सिंह", "कविता जी"),
    ("संजय यादव", "यादव जी"), ("अनीता मिश्रा", "मिश्रा जी"), ("विकास तिवारी", "तिवारी जी"),
    ("पूजा चौहान", "पूजा जी"), ("मनोज पांडे", "पांडे जी"), ("रेखा जोशी", "रेखा जी"),
)
COMPANIES = ("Electronics", "Traders", "Enterprises", "Home Appliances", "Agencies", "Hotels Pvt Ltd",
             "Builders", "Hospital", "Residency RWA", "Caterers", "Textiles Pvt Ltd", "Sweets & Bakery")
COMPANY_PLACES = ("Kaveri", "Sunrise", "Ganga", "Shree Ram", "Lotus", "Deccan", "Malabar", "Himalaya", "Green Valley",
                  "Royal", "Saraswati", "New India", "Coromandel", "Narmada")
MANNERS = (
    "formal, prefers English", "relaxed, chats in Hindi", "formal; speaks Tamil and English, precise about dates",
    "busy: get to the point", "elderly; speak slowly and repeat numbers", "likes to chat; ask about the family",
    "prefers WhatsApp follow-ups", "dealer, knows the product range well", "polite but impatient after one transfer",
    "mixes Hindi and English; friendly", "formal, wants a reference number every time", "",
)
# Landline area codes with the first digit their local numbers start with.
CITY_CODES = (("11", "2"), ("22", "2"), ("80", "4"), ("44", "2"), ("33", "2"), ("40", "2"), ("20", "2"))
FOREIGN_NUMBERS = ("+44 20 7946 0{:03d}", "+1 415 555 0{:03d}", "+971 50 123 4{:03d}", "+65 6123 4{:03d}")
LEGACY_NUMBER = "old exchange, ask the operator for line 4"
PRODUCTS = ("RO water purifier", "1.5 ton split AC", "front-load washing machine", "double-door fridge",
            "microwave oven", "kitchen chimney", "water geyser", "air cooler", "dishwasher", "inverter")
NOTES = (
    "Asked about the warranty on the {product}; explained the two-year cover and sent the terms by SMS.",
    "The {product} stopped working. Service visit booked; technician to call an hour before.",
    "Wants installation of the new {product} on Saturday morning. Confirmed the address.",
    "Requested a quote for {count} units of the {product} for the office. Passed to sales.",
    "Paid twice for the AMC of the {product}; refund raised, reference given to the client.",
    "Noise from the {product} after the last service. Apologised; supervisor will call back.",
    "Asked for the nearest service centre; gave the address and hours.",
    "Upgrade enquiry: exchange offer on the old {product}. Interested, will visit the showroom.",
    "Invoice copy needed for GST; emailed it while on the call.",
    "Delivery of the {product} delayed by two days; client unhappy but accepted the new date.",
    "सर्विस के बारे में पूछा ({product}); टेक्नीशियन कल सुबह आएगा।",
    "बिल में गलती थी, ठीक करके नया बिल भेज दिया।",
)
NOTE_CHANCE = 0.45
ABANDON_CHANCE = 0.08
UNKNOWN_CALLER_CHANCE = 0.12
LATE_CHANCE = 0.15  # answered after the third ring


def seed_demo(desk: Desk, seed: int = 7) -> None:
    """Fill a fresh database with the demo operators, clients and a month of calls; the same seed gives the same
    desk."""
    rng = random.Random(seed)
    with database.atomic():
        operators = [_add_demo_operator(desk, o) for o in DEMO_OPERATORS]
        client_ids = [_add_demo_client(desk, rng, i) for i in range(CLIENT_COUNT)]
        _add_call_history(desk, rng, client_ids, operators)
    seed_faq(desk)


def _add_demo_operator(desk: Desk, demo: DemoOperator) -> tuple[int, str]:
    """(id, department); a config without the demo's department puts the operator in its first one."""
    department = demo.department if desk.config.department(demo.department) else desk.config.departments[0].id
    view = add_operator(desk, demo.login, demo.name, department, demo.role, demo.extension, actor="demo")
    return view.id, department


def _add_demo_client(desk: Desk, rng: random.Random, index: int) -> int:
    created = desk.clock.now() - timedelta(days=rng.uniform(HISTORY_DAYS + 5, 900))
    name, address_as = _person(rng, index)
    company = ""
    if rng.random() < 0.3:
        company = f"{rng.choice(COMPANY_PLACES)} {rng.choice(COMPANIES)}"
    phones = [NewPhone(_mobile(rng), "mobile")]
    if company or rng.random() < 0.1:
        phones.append(NewPhone(_office(rng), "office"))
    if index % 60 == 5:
        phones.append(NewPhone(rng.choice(FOREIGN_NUMBERS).format(rng.randrange(1000)), "abroad"))
    if index == 17:
        phones.append(NewPhone(LEGACY_NUMBER, "legacy"))
    stage = rng.choices(STAGES, weights=STAGE_WEIGHTS)[0]
    return create_client(
        replace(desk, clock=ManualClock(created)), name, phones, company=company, address_as=address_as,
        manner=rng.choice(MANNERS), stage=stage, actor="demo",
    )


def _person(rng: random.Random, index: int) -> tuple[str, str]:
    """A name and how to address its owner, the way the operators would say it."""
    if index % 10 == 3:
        return DEVANAGARI_NAMES[(index // 10) % len(DEVANAGARI_NAMES)]
    woman = rng.random() < 0.45
    first = rng.choice(WOMEN if woman else MEN)
    surname = rng.choice(SURNAMES)
    style = rng.random()
    if style < 0.12:
        address_as = f"Dr {surname}"
    elif style < 0.35:
        address_as = f"{first} ji"
    elif style < 0.45:
        address_as = f"{surname} ji"
    elif style < 0.55:
        address_as = first
    else:
        address_as = f"{'Mrs' if woman and rng.random() < 0.6 else 'Ms' if woman else 'Mr'} {surname}"
    return f"{first} {surname}", address_as


def _mobile_digits(rng: random.Random) -> str:
    """The ten digits of a valid Indian mobile number."""
    while True:
        digits = f"{rng.choice('6789')}{rng.randrange(10**9):09d}"
        if parse_phone(digits, "IN").valid:
            return digits


def _mobile(rng: random.Random) -> str:
    """An Indian mobile number, written the way people type it."""
    digits = _mobile_digits(rng)
    return rng.choice((
        f"+91 {digits[:5]} {digits[5:]}", f"0{digits[:5]} {digits[5:]}", digits, f"+91-{digits[:5]}-{digits[5:]}",
    ))


def _office(rng: random.Random) -> str:
    code, first = rng.choice(CITY_CODES)
    local = f"{first}{rng.randrange(10**7):07d}"
    return f"0{code} {local[:4]} {local[4:]} ext. {rng.randrange(100, 400)}"


def _add_call_history(desk: Desk, rng: random.Random, client_ids: list[int],
                      operators: list[tuple[int, str]]) -> None:
    """A month of calls, answered and wrapped up or abandoned, with notes on about half of them."""
    config = desk.config
    now = desk.clock.now()
    numbers = _numbers_by_client(client_ids)
    steps = [f"{s}.{t}" for s, stage in enumerate(config.script, 1) for t in range(1, len(stage.steps) + 1)]
    today = now.astimezone(OFFICE_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    calls: list[dict] = []
    for day in range(HISTORY_DAYS, -1, -1):
        date = today - timedelta(days=day)
        quiet = 0.4 if date.weekday() == 6 else 1.0  # Sundays are quiet
        for hour, per_hour in enumerate(HOURLY_CALLS, start=9):
            for _ in range(round(per_hour * quiet * rng.uniform(0.6, 1.4))):
                arrived = date.replace(hour=hour) + timedelta(seconds=rng.uniform(0, 3600))
                call = _past_call(config, rng, arrived, client_ids, numbers, operators, steps)
                if (call["wrapped_at"] or call["ended_at"]) < now:
                    calls.append(call)
    for batch in range(0, len(calls), 500):
        Call.insert_many(calls[batch:batch + 500]).execute()
    _add_notes(rng)


def _numbers_by_client(client_ids: list[int]) -> dict[int, list[str]]:
    numbers: dict[int, list[str]] = {}
    for phone in Phone.select(Phone.client, Phone.e164).where(Phone.e164.is_null(False) & Phone.valid):
        numbers.setdefault(phone.client_id, []).append(phone.e164)
    return {c: numbers[c] for c in client_ids if c in numbers}


def _past_call(config: Config, rng: random.Random, arrived: datetime, client_ids: list[int],
               numbers: dict[int, list[str]], operators: list[tuple[int, str]], steps: list[str]) -> dict:
    queue = rng.choice(config.queues)
    client_id = None if rng.random() < UNKNOWN_CALLER_CHANCE else rng.choice(client_ids)
    number = rng.choice(numbers[client_id]) if client_id in numbers else f"+91{_mobile_digits(rng)}"
    call = {
        "direction": "inbound", "number_raw": number, "number_e164": number, "client": client_id, "queue": queue,
        "arrived_at": arrived, "answered_at": None, "wrapped_at": None, "rings": None, "operator": None,
        "disposition": "", "script_steps": "",
    }
    if rng.random() < ABANDON_CHANCE:
        return call | {"status": CallStatus.ABANDONED, "ended_at": arrived + timedelta(seconds=rng.uniform(15, 90))}
    department = config.department_of_queue(queue)
    staff = [o for o, d in operators if department and d == department.id] or [o for o, _ in operators]
    wait = rng.uniform(18, 45) if rng.random() < LATE_CHANCE else rng.uniform(2, 17)
    answered = arrived + timedelta(seconds=wait)
    ended = answered + timedelta(seconds=rng.uniform(60, 600))
    done = steps if len(steps) < 3 or rng.random() < 0.7 else sorted(rng.sample(steps, k=max(1, len(steps) - 2)))
    weights = range(len(config.dispositions) + 1, 1, -1)  # the first dispositions in the config are the common ones
    return call | {
        "status": CallStatus.COMPLETED, "answered_at": answered, "ended_at": ended,
        "wrapped_at": ended + timedelta(seconds=rng.uniform(10, 90)),
        "rings": rings_heard(wait, config.ring_cycle_seconds), "operator": rng.choice(staff),
        "disposition": rng.choices(config.dispositions, weights=weights)[0], "script_steps": ",".join(done),
    }


def _add_notes(rng: random.Random) -> None:
    """The notes operators typed during the answered calls with a known client."""
    notes = []
    answered = (
        Call.select(Call.id, Call.client, Call.operator, Call.ended_at)
        .where((Call.status == CallStatus.COMPLETED) & Call.client.is_null(False))
        .order_by(Call.id)
    )
    for call in answered:
        if rng.random() < NOTE_CHANCE:
            body = rng.choice(NOTES).format(product=rng.choice(PRODUCTS), count=rng.choice((5, 12, 20, 40)))
            notes.append({"client": call.client_id, "call": call.id, "author": call.operator_id, "body": body,
                          "created_at": call.ended_at})
    for batch in range(0, len(notes), 500):
        Note.insert_many(notes[batch:batch + 500]).execute()
