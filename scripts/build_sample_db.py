"""Build the demo database ``sample.db``.

The demo business is Northwind Roasters: a coffee roaster with cafés in Portland, Seattle and
London and an online shop, selling to home brewers, to offices (coffee subscriptions) and to
cafés and bakeries (trade accounts). Its orders carry their lines from the roaster's catalogue
(beans by origin, the Coffee Club, brewing equipment, gifts, the cafés' drinks) and a status:
most are paid, a few refunded, partially refunded or cancelled.

Every value comes from one ``random.Random(SEED)`` of the standard library and from the fixed
``ANCHOR`` date, never from the clock, so a rebuild yields exactly the same rows on any machine
and with any library versions; the tests check that the committed file matches this script.

Usage: ``python scripts/build_sample_db.py [PATH]`` (default: ``src/segdesk/data/sample.db``,
the package data that `segdesk demo` copies).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from segdesk.store.database import open_database
from segdesk.store.search_text import search_text_of
from segdesk.store.tables import Contact, Event, FieldDef, Meta, OrderLine, Segment

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO / "src" / "segdesk" / "data" / "sample.db"
"""Package data: `segdesk demo` reads it from the installed package (`paths.sample_db`)."""

SEED = 20261115
ANCHOR = date(2026, 11, 15)
"""The demo's "today": all history lies in the three years before it."""
HISTORY_DAYS = 3 * 365
START = ANCHOR - timedelta(days=HISTORY_DAYS)
LAST_DAY = ANCHOR - timedelta(days=1)
"""Nothing happens on the anchor day itself, so the data reads as "up to yesterday"."""
START_AT = datetime.combine(START, time(9, 0), tzinfo=UTC)

CONTACTS = 3_000
"""Contacts drawn at random; a few staff test accounts and near-duplicates come on top."""
SIGNUP_GROWTH = 1.1
"""The shop grows: the signup rate at the anchor is e**1.1 (three times) the rate at START."""
MONTH_WEIGHT = (0.85, 0.82, 0.92, 0.95, 0.9, 0.8, 0.7, 0.72, 0.95, 1.0, 1.25, 1.65)
"""Relative activity per month: a December (gift) peak and a summer dip."""

STORES = ("Portland Pearl", "Seattle Capitol Hill", "London Shoreditch")
STORE_CODES = {"Portland Pearl": "PDX", "Seattle Capitol Hill": "SEA", "London Shoreditch": "LDN"}
ONLINE = "Online"

# --------------------------------------------------------------------------------------------
# Vocabulary: names, places, companies (comma-separated, to keep the lists readable)
# --------------------------------------------------------------------------------------------


def items(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


def weighted(text: str) -> tuple[tuple[str, float], ...]:
    """Comma-separated "value weight" pairs, for ``pick``."""
    pairs = (part.strip().rsplit(" ", 1) for part in text.split(","))
    return tuple((value, float(weight)) for value, weight in pairs)


FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": items(
        "James, Mary, Olivia, Liam, Emma, Noah, Ava, Sophia, Jackson, Amelia, Ethan, Harper, "
        "Lucas, Mia, Mason, Charlotte, Logan, Chloe, Owen, Grace, Daniel, Hannah, Samuel, Zoe, "
        "Benjamin, Ella, Henry, Lily, Jack, Ruby, Oliver, Isla, George, Freya, Thomas, Sophie, "
        "William, Emily, Michael, Sarah, David, Laura, Priya, Arjun, Wei, Mei, Hiroshi, Yuki, "
        "Carlos, Maria, Sofia, Diego, Aisha, Omar, Fatima, Kwame, Nia, Jessica, Matthew, Rachel, "
        "Andrew, Megan, Ryan, Nicole, Kevin, Ashley, Jordan, Taylor, Alex, Sam"
    ),
    "ie": items(
        "Siobhan, Ciaran, Aoife, Declan, Niamh, Sean, Orla, Conor, Roisin, Eoin, Grainne, "
        "Padraig, Sinead, Cian, Saoirse, Darragh, Emma, Jack, Sarah, James, Ella, Daniel"
    ),
    "de": items(
        "Lukas, Leon, Finn, Jonas, Paul, Felix, Maximilian, Elias, Noah, Ben, Anna, Lea, Lena, "
        "Hannah, Mia, Emma, Sophie, Marie, Laura, Julia, Katharina, Sabine, Jürgen, Stefan, "
        "Thomas, Andreas, Monika, Ursula, Jan, Tim, Jana, Lara, Björn, Jörg, Anja, Mehmet, Elif"
    ),
    "fr": items(
        "Camille, Léa, Manon, Chloé, Emma, Inès, Jade, Louise, Zoé, Sarah, Hugo, Lucas, Louis, "
        "Gabriel, Arthur, Jules, Théo, Nathan, Raphaël, Mathis, Élodie, Céline, Julien, Nicolas, "
        "Sébastien, Aurélie, Amélie, Antoine, Margaux, Clément, Yasmine, Karim"
    ),
    "nl": items(
        "Daan, Sem, Lucas, Levi, Finn, Milan, Bram, Thijs, Ruben, Jesse, Emma, Julia, Sophie, "
        "Tess, Zoë, Sara, Anna, Fenna, Lotte, Sanne, Eva, Femke, Noor, Iris, Maarten, Pieter, "
        "Joost, Willem, Anouk, Lieke"
    ),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": items(
        "Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez, "
        "Wilson, Anderson, Taylor, Thomas, Moore, Jackson, Martin, Lee, Thompson, White, Harris, "
        "Clark, Lewis, Robinson, Walker, Young, Allen, King, Wright, Scott, Green, Baker, Adams, "
        "Nelson, Hill, Campbell, Mitchell, Roberts, Carter, Phillips, Evans, Turner, Patel, "
        "Nguyen, Kim, Chen, Wang, Singh, Khan, Okafor, Murphy, MacDonald, Fraser, Hughes, Davies, "
        "Lopez, Tanaka, Cohen, O'Connor, Reyes, Brooks, Foster, Bennett, Gray, Price, Sullivan"
    ),
    "ie": items(
        "Murphy, Kelly, O'Sullivan, Walsh, Smith, O'Brien, Byrne, Ryan, O'Connor, O'Neill, "
        "Reilly, Doyle, McCarthy, Gallagher, Doherty, Kennedy, Lynch, Murray, Quinn, Moore"
    ),
    "de": items(
        "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, "
        "Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, "
        "Braun, Krüger, Hofmann, Hartmann, Lange, Schmitt, Werner, Krause, Meier, Lehmann, "
        "Yilmaz, Kaya, Nowak, Weiß"
    ),
    "fr": items(
        "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, Simon, "
        "Laurent, Lefebvre, Michel, Garcia, David, Bertrand, Roux, Vincent, Fournier, Morel, "
        "Girard, André, Lefèvre, Mercier, Dupont, Lambert, Bonnet, François, Benali, Haddad, "
        "Nguyen"
    ),
    "nl": items(
        "de Jong, Jansen, de Vries, van den Berg, van Dijk, Bakker, Janssen, Visser, Smit, "
        "Meijer, de Boer, Mulder, de Groot, Bos, Vos, Peters, Hendriks, van Leeuwen, Dekker, "
        "Brouwer, de Wit, Dijkstra, Smits, de Graaf, van der Meer, Kok, Jacobs, van der Linden, "
        "Yilmaz, El Amrani"
    ),
}

GLOBAL_DOMAINS = weighted(
    "gmail.com 40, outlook.com 10, yahoo.com 7, icloud.com 8, hotmail.com 5, proton.me 2"
)


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postcodes: str
    """Comma-separated patterns: '#' stands for a digit, '@' for a letter."""
    phone: str
    weight: float = 1.0
    store: str | None = None
    """The café a local is likely to call theirs."""


@dataclass(frozen=True)
class Country:
    code: str
    weight: float
    names: str
    """Key of FIRST_NAMES and LAST_NAMES."""
    tld: str
    mobile: str | None
    """Mobile number pattern; None where mobiles share the area codes of landlines."""
    cities: tuple[City, ...]


PDX, SEA, LDN = STORES
NANP = "+1 {} 555 01##"
"""North American numbers in the range set aside for fiction."""
US_CITIES = (
    City("Portland", "OR", "97205, 97209, 97210, 97214, 97202, 97232", NANP.format(503), 6, PDX),
    City("Seattle", "WA", "98101, 98102, 98122, 98103, 98115", NANP.format(206), 4, SEA),
    City("Vancouver", "WA", "98660, 98661, 98683", NANP.format(360), 1, PDX),
    City("Eugene", "OR", "97401, 97403, 97405", NANP.format(541), 1, PDX),
    City("Tacoma", "WA", "98402, 98403, 98405", NANP.format(253), 1, SEA),
    City("Boston", "MA", "02108, 02116, 02118, 02130, 02215", NANP.format(617), 1.5),
    City("Cambridge", "MA", "02138, 02139, 02140, 02141", NANP.format(617)),
    City("Providence", "RI", "02903, 02906, 02908", NANP.format(401), 0.6),
    City("Portland", "ME", "04101, 04102, 04103", NANP.format(207), 0.6),
    City("Hartford", "CT", "06103, 06105, 06106", NANP.format(860), 0.5),
    City("Newark", "NJ", "07102, 07104, 07105", NANP.format(973), 0.5),
    City("New York", "NY", "10001, 10011, 10014, 10025, 10003", NANP.format(212), 2),
    City("Brooklyn", "NY", "11211, 11215, 11238, 11222", NANP.format(718), 1.2),
    City("Philadelphia", "PA", "19103, 19106, 19147", NANP.format(215)),
    City("Chicago", "IL", "60607, 60614, 60622, 60647", NANP.format(312), 1.5),
    City("Minneapolis", "MN", "55401, 55408, 55414", NANP.format(612), 0.7),
    City("Austin", "TX", "78701, 78704, 78751", NANP.format(512), 1.2),
    City("Denver", "CO", "80202, 80205, 80211", NANP.format(303), 1),
    City("San Francisco", "CA", "94103, 94110, 94117", NANP.format(415), 1.5),
    City("Oakland", "CA", "94607, 94610, 94612", NANP.format(510), 0.6),
    City("Los Angeles", "CA", "90012, 90026, 90039, 90291", NANP.format(213), 1.5),
)
CA_CITIES = (
    City("Vancouver", "BC", "V6B #@#, V5K #@#, V6K #@#, V5L #@#", NANP.format(604), 3),
    City("Victoria", "BC", "V8W #@#, V8V #@#", NANP.format(250), 0.8),
    City("Toronto", "ON", "M5V #@#, M6J #@#, M4C #@#, M6G #@#", NANP.format(416), 3),
    City("Ottawa", "ON", "K1P #@#, K1N #@#, K1S #@#", NANP.format(613), 1),
    City("Montréal", "QC", "H2T #@#, H2X #@#, H3B #@#", NANP.format(514), 2),
    City("Calgary", "AB", "T2P #@#, T2R #@#, T3A #@#", NANP.format(403), 1.2),
    City("Halifax", "NS", "B3H #@#, B3K #@#", NANP.format(902), 0.6),
)
GB_CITIES = (
    City(
        "London",
        "England",
        "E1 #@@, E2 #@@, N1 #@@, SE1 #@@, SW4 #@@, EC2A #@@, W1T #@@, E8 #@@",
        "+44 20 7946 0###",
        6,
        LDN,
    ),
    City("Manchester", "England", "M1 #@@, M4 #@@, M20 #@@", "+44 161 496 0###", 1.5),
    City("Bristol", "England", "BS1 #@@, BS6 #@@, BS3 #@@", "+44 117 496 0###", 1.2),
    City("Leeds", "England", "LS1 #@@, LS6 #@@", "+44 113 496 0###", 0.8),
    City("Birmingham", "England", "B1 #@@, B5 #@@, B13 #@@", "+44 121 496 0###", 1),
    City("Brighton", "England", "BN1 #@@, BN2 #@@", "+44 1273 900###", 0.8),
    City("Edinburgh", "Scotland", "EH1 #@@, EH3 #@@, EH6 #@@", "+44 131 496 0###", 1.2),
    City("Glasgow", "Scotland", "G1 #@@, G12 #@@, G41 #@@", "+44 141 496 0###", 0.9),
    City("Cardiff", "Wales", "CF10 #@@, CF24 #@@", "+44 29 2018 0###", 0.6),
    City("Belfast", "Northern Ireland", "BT1 #@@, BT7 #@@, BT9 #@@", "+44 28 9649 6###", 0.5),
)
DE_CITIES = (
    City("Berlin", "Berlin", "10115, 10178, 10245, 10437, 12043, 10999", "+49 30 23125 ###", 4),
    City("Hamburg", "Hamburg", "20095, 20357, 22767, 22765", "+49 40 66969 ###", 2),
    City("München", "Bayern", "80331, 80469, 81667, 80799", "+49 89 99998 ###", 2),
    City("Köln", "Nordrhein-Westfalen", "50667, 50672, 50823", "+49 221 4710 ###", 1.5),
    City("Frankfurt am Main", "Hessen", "60311, 60318, 60594", "+49 69 90009 ###", 1.2),
    City("Leipzig", "Sachsen", "04103, 04107, 04277, 04229", "+49 341 3910 ###", 1),
    City("Dresden", "Sachsen", "01067, 01097, 01099", "+49 351 4120 ###", 0.8),
)
FR_CITIES = (
    City(
        "Paris", "Île-de-France", "75003, 75010, 75011, 75018, 75020, 75004", "+33 1 99 00 ## ##", 5
    ),
    City("Lyon", "Auvergne-Rhône-Alpes", "69001, 69002, 69007", "+33 4 65 71 ## ##", 1.5),
    City(
        "Marseille", "Provence-Alpes-Côte d'Azur", "13001, 13006, 13007", "+33 4 65 71 ## ##", 1.2
    ),
    City("Nice", "Provence-Alpes-Côte d'Azur", "06000, 06300", "+33 4 65 71 ## ##", 0.7),
    City("Bordeaux", "Nouvelle-Aquitaine", "33000, 33800", "+33 5 36 49 ## ##", 1),
    City("Lille", "Hauts-de-France", "59000, 59800", "+33 3 53 01 ## ##", 0.8),
    City("Nantes", "Pays de la Loire", "44000, 44100", "+33 2 61 91 ## ##", 0.8),
)
NL_CITIES = (
    City(
        "Amsterdam",
        "Noord-Holland",
        "1012 @@, 1015 @@, 1053 @@, 1072 @@, 1093 @@",
        "+31 20 ### ####",
        4,
    ),
    City("Rotterdam", "Zuid-Holland", "3011 @@, 3012 @@, 3021 @@", "+31 10 ### ####", 2),
    City("Utrecht", "Utrecht", "3511 @@, 3512 @@, 3581 @@", "+31 30 ### ####", 2),
    City("Den Haag", "Zuid-Holland", "2511 @@, 2514 @@", "+31 70 ### ####", 1.5),
    City("Eindhoven", "Noord-Brabant", "5611 @@, 5615 @@", "+31 40 ### ####", 1),
    City("Groningen", "Groningen", "9711 @@, 9712 @@", "+31 50 ### ####", 0.8),
)
AU_CITIES = (
    City("Sydney", "NSW", "2000, 2010, 2037, 2042", "+61 2 5550 ####", 4),
    City("Melbourne", "VIC", "3000, 3065, 3121, 3181", "+61 3 7010 ####", 4),
    City("Brisbane", "QLD", "4000, 4101, 4006", "+61 7 5550 ####", 1.5),
    City("Perth", "WA", "6000, 6008", "+61 8 5550 ####", 1),
    City("Adelaide", "SA", "5000, 5067", "+61 8 5550 ####", 0.8),
    City("Hobart", "TAS", "7000, 7004", "+61 3 7010 ####", 0.4),
    City("Darwin", "NT", "0800, 0810, 0820", "+61 8 5550 ####", 0.4),
)
IE_CITIES = (
    City("Dublin", "Dublin", "D02 @###, D06 @@#@, D07 @###, D08 @@##", "+353 1 ### ####", 4),
    City("Cork", "Cork", "T12 @###, T23 @@##", "+353 21 ### ####", 1.2),
    City("Galway", "Galway", "H91 @###", "+353 91 ### ####", 0.8),
)
COUNTRIES: tuple[Country, ...] = (
    Country("US", 40, "en", "com", None, US_CITIES),
    Country("CA", 10, "en", "ca", None, CA_CITIES),
    Country("GB", 15, "en", "co.uk", "+44 7700 900###", GB_CITIES),
    Country("DE", 9, "de", "de", "+49 152 2889 ####", DE_CITIES),
    Country("FR", 7, "fr", "fr", "+33 6 39 98 ## ##", FR_CITIES),
    Country("NL", 7, "nl", "nl", "+31 6 #### ####", NL_CITIES),
    Country("AU", 8, "en", "com.au", "+61 491 570 ###", AU_CITIES),
    Country("IE", 4, "ie", "ie", "+353 87 ### ####", IE_CITIES),
)
LOCAL_DOMAINS = {
    "US": weighted("comcast.net 4, aol.com 2"),
    "CA": weighted("rogers.com 3, shaw.ca 3, sympatico.ca 2"),
    "GB": weighted("btinternet.com 3, hotmail.co.uk 4, yahoo.co.uk 3, sky.com 2"),
    "DE": weighted("gmx.de 8, web.de 8, t-online.de 5, posteo.de 1"),
    "FR": weighted("orange.fr 6, free.fr 5, laposte.net 3, sfr.fr 2"),
    "NL": weighted("ziggo.nl 5, kpnmail.nl 4, hotmail.nl 3, xs4all.nl 1"),
    "AU": weighted("bigpond.com 5, optusnet.com.au 3"),
    "IE": weighted("eircom.net 4, hotmail.co.uk 2"),
}
POSTAL_LETTERS = "ABCEGHJKLNPRSTVWXY"

CAFE_WORDS = items(
    "Little, Blue, Golden, Copper, Harbor, Maple, Juniper, Wild, Corner, Sunny, Red Door, "
    "Northside, Old Mill, Lantern, Bluebird"
)
CAFE_NOUNS = items("Fox, Sparrow, Oak, Bean, Kettle, Otter, Anchor, Fern, Crow, Pine, Hare, Wren")
CAFE_KINDS = items("Café, Bakery, Kitchen, Coffee House, Bakehouse, Deli, Bistro, Coffee Bar")
LOCAL_CAFES: dict[str, tuple[str, ...]] = {
    "de": ("Café {noun}", "Bäckerei {last}", "Kaffeehaus {noun}", "Rösterei & Café {noun}"),
    "fr": ("Café {noun}", "Boulangerie {last}", "Le Petit {noun}", "Brasserie {last}"),
    "nl": ("Koffiebar {noun}", "Bakkerij {last}", "Lunchroom {noun}", "Café {noun}"),
}
LOCAL_NOUNS = {
    "de": items("Lindenblatt, Morgenrot, Eule, Kranich, Sonnenseite, Anker"),
    "fr": items("Tilleul, Moulin, Renard, Soleil, Marché, Comptoir"),
    "nl": items("De Molen, Het Anker, Zuid, De Vos, Het Hoekje, Brood & Bonen"),
}
OFFICE_WORDS = items(
    "Brightline, Northstar, Bluefin, Lumen, Granite, Cobalt, Evergreen, Meridian, Fieldstone, "
    "Pinecrest, Quarry, Tandem, Vantage, Summit, Atlas, Beacon, Cedar, Orbit, Kestrel, Halcyon, "
    "Ironwood, Nimbus"
)
OFFICE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": items(
        "Analytics, Design, Labs, Partners, Legal, Architects, Software, Studio, Consulting, "
        "Health, Logistics, Media, Capital, Dental"
    ),
    "ie": items("Analytics, Software, Partners, Consulting, Health, Media"),
    "de": items("Software GmbH, Architekten, Beratung GmbH, Digital GmbH, Steuerberatung"),
    "fr": items("Conseil, Studio, Architectes, Numérique SAS, Avocats"),
    "nl": items("Advies B.V., Software B.V., Architecten, Media, Studio"),
}
LEGAL_WORDS = ("gmbh", "sas", "b.v.")

OFFICE_TITLES = weighted(
    "Office Manager 6, Operations Lead 2, Executive Assistant 2, Facilities Coordinator 2, "
    "Workplace Experience Lead 1, People & Culture Manager 1, Founder 1, CEO 1"
)
CAFE_TITLES = weighted(
    "Owner 6, Head Barista 2, Café Manager 2, General Manager 1, Purchasing Manager 1, "
    "Head Chef 1, Co-founder 1"
)

# --------------------------------------------------------------------------------------------
# Custom fields
# --------------------------------------------------------------------------------------------

PLANS = ("free", "pro", "team")


@dataclass(frozen=True)
class CustomField:
    name: str
    label: str
    type: str
    description: str


CUSTOM_FIELDS: tuple[CustomField, ...] = (
    CustomField("signup_date", "Signup date", "date", "Day the contact opened an account"),
    CustomField("age", "Age", "number", "Age in years, when the contact told us"),
    CustomField(
        "plan",
        "Coffee club plan",
        "category",
        "free (account only), pro (Coffee Club subscription) or team (office plan)",
    ),
    CustomField(
        "loyalty_points",
        "Loyalty points",
        "number",
        "Points balance: one per dollar spent, minus rewards redeemed",
    ),
    CustomField(
        "preferred_store",
        "Preferred store",
        "category",
        "The café the contact visits most, or Online",
    ),
    CustomField(
        "trade_account",
        "Trade account",
        "bool",
        "Buys at trade prices (cafés, bakeries, restaurants)",
    ),
)

# --------------------------------------------------------------------------------------------
# Drafts of rows before ids are known
# --------------------------------------------------------------------------------------------


@dataclass
class Person:
    """A contact being drawn, with the hidden traits that drive its orders."""

    kind: str
    """consumer, office, cafe or staff"""
    country: Country
    city: City
    first_name: str
    last_name: str
    signup_at: datetime
    source: str
    profile: str = "never"
    """never, one_time, occasional, regular or lapsed"""
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    job_title: str | None = None
    postal_code: str | None = None
    consent: str = "unknown"
    age: int | None = None
    plan: str | None = None
    store: str | None = None
    missing_place: str | None = None
    """None, "city" or "city_region": a gap a data-quality check should find."""
    updated_at: datetime | None = None
    id: int = 0
    spend: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def signup(self) -> date:
        return self.signup_at.date()


@dataclass
class Draft:
    """An event before refs are numbered: refs follow time, as a real shop's order ids do."""

    person: Person
    kind: str
    at: datetime
    amount: float | None = None
    quantity: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None
    dedup_key: str | None = None
    status: str | None = None
    lines: list[Line] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    """One value from (value, weight) pairs."""
    values = [v for v, _ in weighted]
    return rng.choices(values, weights=[w for _, w in weighted])[0]


def fill(rng: random.Random, pattern: str) -> str:
    """Replace '#' by digits and '@' by postcode letters."""
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "@":
            out.append(rng.choice(POSTAL_LETTERS))
        else:
            out.append(ch)
    return "".join(out)


FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "&": "and"})


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, as people and shops spell them in addresses."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(FOLD))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def external_id(number: int) -> str:
    """The shop's customer number: text, zero-padded, as exports carry it."""
    return f"C{number:06d}"


def season(day: date) -> float:
    return MONTH_WEIGHT[day.month - 1]


def seasonal_day(rng: random.Random, first: date, last: date) -> date:
    """A day in [first, last], drawn more often in busy months."""
    span = (last - first).days
    top = max(MONTH_WEIGHT)
    while True:
        day = first + timedelta(days=rng.randint(0, span))
        if rng.random() * top < season(day):
            return day


def at_time(rng: random.Random, day: date, channel: str) -> datetime:
    """A moment on ``day``: café visits in opening hours, online orders mostly in the evening."""
    if channel == "cafe":
        hour = rng.randint(7, 17)
    else:
        hour = rng.choices(
            range(24),
            weights=[1, 1, 1, 1, 1, 1, 2, 4, 5, 6, 6, 6, 7, 6, 6, 6, 6, 7, 9, 10, 10, 8, 5, 2],
        )[0]
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=UTC)


def days_after(moment: datetime, days: float) -> date:
    return moment.date() + timedelta(days=int(days))


# --------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------


def draw_signup(rng: random.Random, source: str) -> datetime:
    """More recent signups are more frequent (the shop grows), with the same seasons as orders.

    Contacts from the old shop's mailing list were imported in the first weeks.
    """
    if source == "import":
        day = START + timedelta(days=rng.randint(0, 40))
    else:
        top = math.exp(SIGNUP_GROWTH) * max(MONTH_WEIGHT)
        while True:
            offset = rng.randrange(HISTORY_DAYS)
            day = START + timedelta(days=offset)
            weight = math.exp(SIGNUP_GROWTH * offset / HISTORY_DAYS) * season(day)
            if rng.random() * top < weight:
                break
    at = datetime.combine(
        day, time(rng.randint(7, 21), rng.randrange(60), rng.randrange(60)), tzinfo=UTC
    )
    return at


def draw_profile(rng: random.Random, person: Person) -> str:
    """How the contact buys; only someone with more than a year of history can have lapsed."""
    tenure = (ANCHOR - person.signup).days
    if person.kind == "consumer":
        weights = {"never": 14, "one_time": 33, "occasional": 20, "regular": 23, "lapsed": 10}
    elif person.kind == "office":
        weights = {"never": 12, "one_time": 22, "occasional": 10, "regular": 44, "lapsed": 12}
    else:
        weights = {"never": 10, "one_time": 18, "occasional": 8, "regular": 50, "lapsed": 14}
    if tenure < 430:
        lapsed = weights.pop("lapsed")
        weights["one_time"] += lapsed / 2
        weights["occasional"] += lapsed / 2
    return pick(rng, list(weights.items()))


def draw_place(rng: random.Random, kind: str) -> tuple[Country, City]:
    """Trade accounts cluster around the cafés; consumers are spread over the shipping area."""
    country = pick(rng, [(c, c.weight) for c in COUNTRIES])
    if kind in ("office", "cafe") and rng.random() < 0.35:
        country = COUNTRIES[0] if rng.random() < 0.75 else COUNTRIES[2]
    city = pick(rng, [(c, c.weight) for c in country.cities])
    return country, city


def draw_source(rng: random.Random, person: Person) -> str:
    if person.kind == "office":
        return pick(rng, [("web", 40), ("sales", 35), ("referral", 15), ("event", 10)])
    if person.kind == "cafe":
        return pick(rng, [("sales", 55), ("event", 25), ("referral", 20)])
    store_weight = 35 if person.city.store else 8
    return pick(
        rng, [("web", 52), ("store", store_weight), ("referral", 11), ("event", 7), ("import", 9)]
    )


def draw_consent(rng: random.Random, source: str) -> str:
    """Web and referral signups tick the box; till and imported contacts often never said."""
    weights = {
        "web": (84, 10, 6),
        "referral": (85, 9, 6),
        "event": (72, 10, 18),
        "store": (55, 7, 38),
        "import": (52, 16, 32),
        "sales": (70, 6, 24),
    }[source]
    return pick(rng, list(zip(("subscribed", "unsubscribed", "unknown"), weights, strict=True)))


@dataclass
class Taken:
    """What is in use already, so that only the deliberate near-duplicates look alike."""

    emails: set[str] = field(default_factory=set)
    names: set[tuple[str, str]] = field(default_factory=set)
    companies: dict[str, list[str]] = field(default_factory=dict)


def draw_name(rng: random.Random, country: Country, taken: Taken) -> tuple[str, str]:
    while True:
        name = (rng.choice(FIRST_NAMES[country.names]), rng.choice(LAST_NAMES[country.names]))
        if name not in taken.names:
            taken.names.add(name)
            return name


def email_for(rng: random.Random, person: Person, taken: Taken) -> str:
    """An address built the way people build theirs; company staff use the company domain."""
    first, last = ascii_slug(person.first_name), ascii_slug(person.last_name)
    if person.company is not None:
        domain = company_domain(person.company, person.country)
        local = pick(
            rng,
            [
                (f"{first}.{last}", 5),
                (first, 2),
                (f"{first[0]}{last}", 2),
                ("hello" if person.kind == "cafe" else "office", 1),
            ],
        )
    else:
        domain = pick(rng, GLOBAL_DOMAINS + LOCAL_DOMAINS[person.country.code])
        born = ANCHOR.year - person.age if person.age else rng.randint(1960, 2004)
        year = f"{born % 100:02d}"
        local = pick(
            rng,
            [
                (f"{first}.{last}", 30),
                (f"{first}{last}", 15),
                (f"{first[0]}{last}", 12),
                (f"{first}_{last}", 5),
                (f"{first}.{last}{rng.randint(1, 99)}", 10),
                (f"{first}{year}", 8),
                (f"{last}.{first}", 5),
                (f"{first}{last}{year}", 6),
                (f"{first[0]}.{last}", 5),
                (f"{first}.{last[0]}", 4),
            ],
        )
    email = f"{local}@{domain}"
    n = 2
    while email in taken.emails:
        email = f"{local}{n}@{domain}"
        n += 1
    taken.emails.add(email)
    return email


def company_domain(company: str, country: Country) -> str:
    words = [w for w in company.split() if w.lower() not in LEGAL_WORDS]
    return f"{ascii_slug(''.join(words))}.{country.tld}"


def draw_company(rng: random.Random, person: Person, taken: Taken) -> str:
    """Businesses sometimes have two or three contacts; reuse a name from the same city then."""
    key = f"{person.kind}/{person.country.code}/{person.city.name}"
    known = taken.companies.setdefault(key, [])
    if known and rng.random() < 0.25:
        return rng.choice(known)
    names = person.country.names
    if person.kind == "cafe":
        if names in LOCAL_CAFES and rng.random() < 0.7:
            pattern = rng.choice(LOCAL_CAFES[names])
            name = pattern.format(
                noun=rng.choice(LOCAL_NOUNS[names]), last=rng.choice(LAST_NAMES[names])
            )
        else:
            name = f"{rng.choice(CAFE_WORDS)} {rng.choice(CAFE_NOUNS)} {rng.choice(CAFE_KINDS)}"
    else:
        name = f"{rng.choice(OFFICE_WORDS)} {rng.choice(OFFICE_SUFFIXES[names])}"
    if person.country.code in ("GB", "AU", "IE", "CA"):
        name = name.replace("Harbor", "Harbour")
    known.append(name)
    return name


def draw_person(rng: random.Random, taken: Taken) -> Person:
    kind = pick(rng, [("consumer", 90.5), ("office", 5), ("cafe", 4.5)])
    country, city = draw_place(rng, kind)
    first_name, last_name = draw_name(rng, country, taken)
    person = Person(
        kind=kind,
        country=country,
        city=city,
        first_name=first_name,
        last_name=last_name,
        signup_at=START_AT,
        source="web",
    )
    person.source = draw_source(rng, person)
    person.signup_at = draw_signup(rng, person.source)
    person.profile = draw_profile(rng, person)
    person.consent = draw_consent(rng, person.source)
    person.postal_code = fill(rng, rng.choice(items(city.postcodes)))
    if kind == "consumer":
        person.age = int(rng.triangular(18, 82, 34)) if rng.random() < 0.84 else None
    else:
        person.age = int(rng.triangular(24, 66, 38)) if rng.random() < 0.25 else None
        person.company = draw_company(rng, person, taken)
        person.job_title = pick(rng, OFFICE_TITLES if kind == "office" else CAFE_TITLES)
    no_email = rng.random() < (0.12 if person.source == "store" else 0.018)
    if kind == "consumer" and no_email:
        person.phone = draw_phone(rng, person)
    else:
        person.email = email_for(rng, person, taken)
        if rng.random() < (0.9 if kind != "consumer" else 0.68):
            person.phone = draw_phone(rng, person)
    person.missing_place = pick(rng, [(None, 96.5), ("city", 2), ("city_region", 1.5)])
    person.store = draw_store(rng, person)
    person.plan = draw_plan(rng, person)
    return person


def draw_phone(rng: random.Random, person: Person) -> str:
    """A landline in the contact's city or a mobile; some were typed without spaces."""
    mobile = person.country.mobile
    pattern = mobile if mobile and rng.random() < 0.55 else person.city.phone
    phone = fill(rng, pattern)
    return phone.replace(" ", "") if rng.random() < 0.06 else phone


def draw_store(rng: random.Random, person: Person) -> str | None:
    if rng.random() < 0.05:
        return None
    if person.city.store and rng.random() < (0.75 if person.kind == "consumer" else 0.9):
        return person.city.store
    return ONLINE


def draw_plan(rng: random.Random, person: Person) -> str | None:
    """Coffee Club (pro) members buy regularly; offices take the team plan; walk-ins have none."""
    if person.email is None:
        return None
    if person.kind == "office":
        return "team" if rng.random() < 0.8 else "free"
    if person.kind == "cafe":
        return "free"
    pro_share = {
        "regular": 0.7,
        "occasional": 0.12,
        "lapsed": 0.06,
        "one_time": 0.04,
        "never": 0.03,
    }[person.profile]
    return "pro" if rng.random() < pro_share else "free"


def staff_accounts() -> list[Person]:
    """Test accounts the shop made while setting up its checkout, as real exports contain."""
    country, city = COUNTRIES[0], COUNTRIES[0].cities[0]
    rows = [
        ("Test", "Account", "test@example.com"),
        ("Checkout", "Test", "qa+checkout@example.com"),
        ("Demo", "Staff", "staff.demo@example.com"),
    ]
    return [
        Person(
            kind="staff",
            country=country,
            city=city,
            first_name=first,
            last_name=last,
            email=email,
            company="Northwind Roasters",
            job_title="Staff",
            source="web",
            signup_at=START_AT + timedelta(days=i, hours=1),
            postal_code="97209",
            plan="free",
            store=ONLINE,
        )
        for i, (first, last, email) in enumerate(rows)
    ]


def near_duplicates(rng: random.Random, people: list[Person], taken: Taken) -> list[Person]:
    """The same person entered twice: another address, a typo, capitals, a stray space."""
    candidates = [p for p in people if p.kind == "consumer" and p.email and p.signup < LAST_DAY]
    out = []
    for i, original in enumerate(rng.sample(candidates, 8)):
        local, domain = str(original.email).split("@")
        first, last = original.first_name, original.last_name
        variant = i % 4
        if variant == 0:
            other = "outlook.com" if domain != "outlook.com" else "gmail.com"
            email = f"{ascii_slug(first)}{ascii_slug(last)}@{other}"
        elif variant == 1:
            label, rest = domain.split(".", 1)
            cut = rng.randrange(1, len(label))
            email = f"{local}@{label[:cut]}{label[cut + 1 :]}.{rest}"  # a typo in the domain
        elif variant == 2:
            first, last = first.upper(), last.upper()
            email = f"{local}+shop@{domain}"
        else:
            last = f"{last} "
            email = None
        if email is not None:
            if email in taken.emails:
                continue
            taken.emails.add(email)
        days = rng.randint(1, (LAST_DAY - original.signup).days)
        copy = Person(
            kind="consumer",
            country=original.country,
            city=original.city,
            first_name=first,
            last_name=last,
            email=email,
            phone=original.phone,
            postal_code=original.postal_code,
            signup_at=original.signup_at + timedelta(days=days),
            source=rng.choice(("event", "store")),
            consent="unknown",
            age=original.age,
            store=original.store,
            plan=None if email is None else "free",
            missing_place=original.missing_place,
            profile=rng.choice(("never", "one_time")),
        )
        out.append(copy)
    return out


def build_contacts(rng: random.Random) -> list[Person]:
    """All contacts, numbered in signup order as a shop's customer ids are."""
    taken = Taken()
    staff = staff_accounts()
    taken.emails.update(p.email for p in staff if p.email)
    people = [draw_person(rng, taken) for _ in range(CONTACTS)]
    people += near_duplicates(rng, people, taken)
    people += staff
    order = sorted(range(len(people)), key=lambda i: (people[i].signup_at, i))
    people = [people[i] for i in order]
    for number, person in enumerate(people, start=1):
        person.id = number
    return people


# --------------------------------------------------------------------------------------------
# The catalogue and what a basket holds
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """One SKU of the catalogue; sizes of one coffee share its name, as shop exports do."""

    name: str
    sku: str
    category: str
    price: float


def catalogue(category: str, text: str) -> dict[str, Product]:
    """Semicolon-separated "SKU name price" entries of one category, by SKU."""
    products = {}
    for entry in text.split(";"):
        sku, rest = entry.strip().split(" ", 1)
        name, price = rest.rsplit(" ", 1)
        products[sku] = Product(name, sku, category, float(price))
    return products


BEANS = catalogue(
    "Beans",
    "HB-12 House Blend 16.00; HB-32 House Blend 38.00; ES-12 Espresso Blend 17.00; "
    "ES-32 Espresso Blend 40.00; ETH-12 Ethiopia Yirgacheffe 19.50; COL-12 Colombia Huila 18.00; "
    "COL-32 Colombia Huila 42.00; GUA-12 Guatemala Antigua 18.00; KEN-12 Kenya Nyeri 21.00; "
    "SUM-12 Sumatra Mandheling 17.50; DEC-12 Decaf Swiss Water 17.50; "
    "DEC-32 Decaf Swiss Water 41.00; HOL-12 Holiday Blend 18.50; "
    "WS-ES-1KG Wholesale Espresso 1 kg 18.50; WS-HB-1KG Wholesale House Blend 1 kg 17.50; "
    "WS-DEC-1KG Wholesale Decaf 1 kg 19.50",
)
"""12 oz bags (-12), 2 lb bags (-32), and the kilo bags of trade accounts."""
SUBSCRIPTIONS = catalogue(
    "Subscriptions", "CC-M Coffee Club Monthly 17.00; OFFICE-KG Office Coffee Plan 23.00"
)
"""Per delivered bag, and per kilo for offices."""
EQUIPMENT = catalogue(
    "Equipment",
    "V60-02 V60 Dripper 28.00; FLT-100 Paper Filters 100 7.50; CBK-1 Cold Brew Kit 39.00; "
    "CBF-10 Cold Brew Filters 10 9.00; GRD-1 Burr Grinder 149.00; KTL-1 Gooseneck Kettle 69.00; "
    "AP-1 AeroPress 39.95; FP-8 French Press 34.00",
)
GIFTS = catalogue(
    "Gifts",
    "GC-25 Gift Card 25.00; GC-50 Gift Card 50.00; GC-100 Gift Card 100.00; "
    "TBX-4 Tasting Box 42.00; CCG-3 Coffee Club Gift 3 Months 54.00; MUG-1 Northwind Mug 16.00",
)
CAFE_MENU = catalogue(
    "Café",
    "CAFE-FLT Filter Coffee 3.50; CAFE-LAT Latte 5.25; CAFE-FW Flat White 4.75; "
    "CAFE-CAP Cappuccino 4.75; CAFE-CB Cold Brew 4.95; CAFE-PAS Pastry 4.25",
)
"""Drinks and pastries rung up at the cafés' tills."""
CATALOGUE = {**BEANS, **SUBSCRIPTIONS, **EQUIPMENT, **GIFTS, **CAFE_MENU}

COFFEES = weighted("HB 30, ES 22, COL 14, ETH 12, GUA 8, SUM 6, KEN 5")
"""How popular each coffee is (SKU stems of the 12 oz bags)."""
GEAR = weighted("V60-02 30, FLT-100 6, CBK-1 18, AP-1 14, FP-8 10, KTL-1 10, GRD-1 12")
GIFT_CHOICE = weighted("GC-25 20, GC-50 22, GC-100 8, TBX-4 25, CCG-3 10, MUG-1 15")
DRINKS = weighted("CAFE-FLT 25, CAFE-LAT 30, CAFE-FW 18, CAFE-CAP 17, CAFE-CB 10")
REFILLS = {"V60-02": "FLT-100", "CBK-1": "CBF-10"}
"""Equipment and the consumable its owners come back for."""
SUMMER = (5, 6, 7, 8)
GIFT_SEASON = (11, 12)
LEFT_OUT = ("refunded", "voided", "cancelled")
"""Statuses whose orders are kept but not counted as spending."""
STATUSES = weighted("refunded 2.2, partially_refunded 1.2, cancelled 1.2, paid 95.4")
"""How online and subscription orders end; the tills and trade invoices have their own."""


@dataclass
class Line:
    product: Product
    quantity: int
    unit_price: float

    @property
    def total(self) -> float:
        return round(self.quantity * self.unit_price, 2)


@dataclass
class Taste:
    """What a contact buys, drawn before its first order: every basket follows it."""

    coffees: tuple[str, ...]
    """SKU stems of its usual coffees, the favourite first."""
    large_bags: bool
    decaf: bool
    trade_price: float
    """Price per kilo agreed with a trade account (list prices for everyone else)."""
    espresso_share: float
    gear: set[str] = field(default_factory=set)
    """SKUs of the equipment it owns, which brings it back for filters."""


def draw_taste(rng: random.Random, person: Person) -> Taste:
    coffees: list[str] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        coffee = pick(rng, COFFEES)
        if coffee not in coffees:
            coffees.append(coffee)
    return Taste(
        coffees=tuple(coffees),
        large_bags=rng.random() < 0.15,
        decaf=rng.random() < (0.03 if person.kind == "consumer" else 0.25),
        trade_price=round(rng.uniform(0.88, 1.05), 2),
        espresso_share=rng.uniform(0.3, 0.9),
    )


class Basket:
    """Lines in the order they were put in; the same SKU twice is one line with more of it."""

    def __init__(self) -> None:
        self.lines: dict[str, Line] = {}

    def add(self, sku: str, quantity: int = 1, price: float | None = None) -> None:
        product = CATALOGUE[sku]
        line = self.lines.setdefault(sku, Line(product, 0, product.price))
        line.quantity += quantity
        if price is not None:
            line.unit_price = price


def bag_of(rng: random.Random, taste: Taste, day: date) -> str:
    """One bag for a home brewer: its usual coffee, now and then something new, the holiday
    blend in its season, and a bag of decaf to try one time in a hundred."""
    if (taste.decaf and rng.random() < 0.85) or rng.random() < 0.01:
        stem = "DEC"
    elif day.month in GIFT_SEASON and rng.random() < 0.25:
        return "HOL-12"
    elif rng.random() < 0.15:
        stem = pick(rng, COFFEES)
    else:
        stem = taste.coffees[0] if rng.random() < 0.6 else rng.choice(taste.coffees)
    large = f"{stem}-32"
    return large if taste.large_bags and large in BEANS else f"{stem}-12"


def bags(rng: random.Random, basket: Basket, taste: Taste, day: date, count: int) -> None:
    for _ in range(count):
        basket.add(bag_of(rng, taste, day))


def extras(rng: random.Random, basket: Basket, taste: Taste, day: date, first: bool) -> bool:
    """Equipment, refills and gifts a home brewer adds; True when they are the whole order.

    New customers often start with a dripper or a kit, and owners come back for its filters;
    gifts come in November and December."""
    only = False
    if rng.random() < (0.12 if first else 0.03):
        gear = pick(rng, GEAR if day.month not in SUMMER else (*GEAR, ("CBK-1", 40)))
        basket.add(gear)
        taste.gear.add(gear)
        if gear in REFILLS and rng.random() < 0.8:
            basket.add(REFILLS[gear], rng.choice((1, 1, 2)))
        only = rng.random() < 0.35
    for gear, refill in REFILLS.items():
        if gear in taste.gear and rng.random() < 0.15:
            basket.add(refill, rng.choice((1, 1, 2, 3)))
    if rng.random() < (0.1 if day.month in GIFT_SEASON else 0.008):
        basket.add(pick(rng, GIFT_CHOICE), rng.choice((1, 1, 1, 2)))
        only = only or rng.random() < 0.4
    return only


def basket(
    rng: random.Random, person: Person, taste: Taste, channel: str, day: date, first: bool
) -> list[Line]:
    """The lines of one order: bags for home brewers, drinks at the till, kilos for offices
    and trade accounts, with equipment, filters and gifts now and then."""
    basket = Basket()
    if person.kind == "cafe":
        if rng.random() < 0.02:
            kilos = rng.randint(40, 120)
        else:
            kilos = max(3, round(rng.lognormvariate(math.log(10), 0.55)))
        espresso = round(kilos * taste.espresso_share)
        for sku, quantity in (("WS-ES-1KG", espresso), ("WS-HB-1KG", kilos - espresso)):
            if quantity:
                basket.add(sku, quantity, round(BEANS[sku].price * taste.trade_price, 2))
        if taste.decaf and rng.random() < 0.5:
            price = round(BEANS["WS-DEC-1KG"].price * taste.trade_price, 2)
            basket.add("WS-DEC-1KG", rng.randint(1, 3), price)
    elif person.kind == "office":
        basket.add("OFFICE-KG", rng.choice((2, 2, 3, 4, 5, 6, 8, 10)))
        if taste.decaf and rng.random() < 0.4:
            basket.add("DEC-32", rng.choice((1, 1, 2)))
        if rng.random() < 0.1:
            basket.add("FLT-100", rng.randint(2, 5))
    elif channel == "cafe":
        for _ in range(rng.choices((1, 2, 3, 4), weights=(45, 35, 15, 5))[0]):
            basket.add(pick(rng, DRINKS if day.month in SUMMER else DRINKS[:-1]))
        if rng.random() < 0.3:
            basket.add("CAFE-PAS")
        if rng.random() < 0.06:
            bags(rng, basket, taste, day, 1)
    elif channel == "subscription":
        basket.add("CC-M", rng.choices((1, 2, 3), weights=(55, 35, 10))[0])
        if rng.random() < 0.08:
            bags(rng, basket, taste, day, 1)
        extras(rng, basket, taste, day, first)
    else:
        count = rng.choices((1, 2, 3, 4, 5, 6), weights=(50, 28, 11, 6, 3, 2))[0]
        if not extras(rng, basket, taste, day, first) or not basket.lines:
            bags(rng, basket, taste, day, count)
    return list(basket.lines.values())


def order_status(rng: random.Random, person: Person, channel: str, day: date) -> str:
    """Most orders are paid; a few online ones are refunded or cancelled, a till sale is now
    and then voided, and trade invoices of the last month may still be pending."""
    if channel == "cafe":
        return "voided" if rng.random() < 0.004 else "paid"
    if channel == "trade":
        recent = (LAST_DAY - day).days < 30
        return "pending" if recent and rng.random() < 0.4 else "paid"
    return str(pick(rng, STATUSES)).replace("_", " ")


# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------


def channel_for(rng: random.Random, person: Person) -> str:
    """Where an order was placed: trade and office accounts have one way, home brewers three."""
    if person.kind == "cafe":
        return "trade"
    if person.kind == "office":
        return "subscription"
    if person.plan == "pro" and person.profile == "regular":
        return "subscription" if rng.random() < 0.85 else "online"
    if person.store not in (None, ONLINE) and rng.random() < 0.5:
        return "cafe"
    return "online"


def order_days(rng: random.Random, person: Person) -> list[date]:
    """The days a contact orders on, from its profile; the first order follows the signup."""
    if person.profile == "never":
        return []
    if rng.random() < 0.6:
        first = person.signup
    else:
        first = min(days_after(person.signup_at, rng.expovariate(1 / 12)), LAST_DAY)
    if person.profile == "one_time":
        return [first]
    if person.profile == "lapsed":
        stop = ANCHOR - timedelta(days=rng.randint(370, 720))
        if stop <= first:
            return [first]
        count = 1 + min(7, 1 + int(rng.expovariate(1 / 2.5)))
        return [first, *sorted(seasonal_day(rng, first, stop) for _ in range(count - 1))]
    if person.profile == "occasional":
        count = 1 + min(8, 1 + int(rng.expovariate(1 / 2.2)))
        return [first, *sorted(seasonal_day(rng, first, LAST_DAY) for _ in range(count - 1))]
    return regular_days(rng, person, first)


def regular_days(rng: random.Random, person: Person, first: date) -> list[date]:
    """Repeat buyers reorder at their own rhythm, faster in busy months; some have stopped."""
    if person.kind == "cafe":
        gap = rng.choice((7, 10, 14, 14, 21))
    elif person.kind == "office":
        gap = rng.choice((14, 21, 28, 28, 35))
    elif person.plan == "pro":
        gap = rng.choice((14, 14, 21, 21, 28))
    elif person.store not in (None, ONLINE):
        gap = rng.choice((5, 7, 10, 14))
    else:
        gap = rng.choice((21, 30, 45))
    end = LAST_DAY
    if rng.random() < 0.2:
        end = ANCHOR - timedelta(days=rng.randint(45, 300))
    days = [first]
    day = first
    while True:
        day = day + timedelta(days=max(3, round(gap * rng.uniform(0.7, 1.35) / season(day))))
        if day > end:
            return days
        days.append(day)


def build_orders(rng: random.Random, people: list[Person]) -> list[Draft]:
    """Orders for every buying contact, never before its signup nor after the anchor."""
    orders = []
    for person in people:
        days = order_days(rng, person)
        if not days:
            continue
        taste = draw_taste(rng, person)
        for number, day in enumerate(days):
            channel = channel_for(rng, person)
            at = at_time(rng, day, channel)
            if at <= person.signup_at:  # bought on the visit that opened the account
                at = person.signup_at + timedelta(minutes=rng.randint(2, 90))
            lines = basket(rng, person, taste, channel, day, first=number == 0)
            amount = round(sum(line.total for line in lines), 2)
            status = order_status(rng, person, channel, day)
            if status not in LEFT_OUT:
                person.spend += amount
            quantity = sum(line.quantity for line in lines)
            attributes = {"channel": channel}
            orders.append(
                Draft(person, "order", at, amount, quantity, attributes, status=status, lines=lines)
            )
    orders.sort(key=lambda d: (d.at, d.person.id))
    for number, order in enumerate(orders, start=100_001):
        order.ref = order.dedup_key = f"NW-{number}"
    return orders


# --------------------------------------------------------------------------------------------
# Other events
# --------------------------------------------------------------------------------------------

WEBINARS = (
    "Home espresso basics",
    "Brewing better filter coffee",
    "Cupping at home",
    "Dialling in your grinder",
    "Origins: Ethiopia",
    "Cold brew for summer",
    "Holiday gift guide live",
    "Milk and latte art at home",
    "Origins: Colombia",
    "Water for coffee",
    "Decaf done right",
    "Meet the roasters",
)
CAFE_EVENTS = ("Cupping night", "Latte art throwdown", "Brew class", "New harvest tasting")


def attendees(
    rng: random.Random, people: list[Person], when: datetime, count: int, store: str | None = None
) -> list[Person]:
    """Subscribers who had signed up before the session, buyers more often than not."""
    pool = [
        p
        for p in people
        if p.signup_at < when
        and p.email
        and p.consent == "subscribed"
        and (store is None or p.store == store)
    ]
    weights = [3 if p.profile in ("regular", "occasional") else 1 for p in pool]
    chosen: dict[int, Person] = {}
    while pool and len(chosen) < min(count, len(pool)):
        person = rng.choices(pool, weights=weights)[0]
        chosen[person.id] = person
    return sorted(chosen.values(), key=lambda p: p.id)


def build_other_events(rng: random.Random, people: list[Person]) -> list[Draft]:
    """Webinars and café events: a few hundred attendances for rules beyond orders."""
    events = []
    for i, title in enumerate(WEBINARS):
        day = START + timedelta(days=60 + i * 88 + rng.randint(0, 20))
        when = datetime.combine(day, time(18, 0), tzinfo=UTC)
        ref = f"WBN-{day:%Y-%m}"
        for person in attendees(rng, people, when, rng.randint(16, 38)):
            minutes = rng.randint(8, 60)
            events.append(
                Draft(
                    person,
                    "webinar",
                    when,
                    ref=ref,
                    dedup_key=f"{ref}/{external_id(person.id)}",
                    attributes={"title": title, "minutes": minutes},
                )
            )
    for i in range(24):
        day = START + timedelta(days=30 + i * 44 + rng.randint(0, 14))
        store = STORES[i % len(STORES)]
        title = CAFE_EVENTS[i % len(CAFE_EVENTS)]
        when = datetime.combine(day, time(19, 0), tzinfo=UTC)
        ref = f"EVT-{STORE_CODES[store]}-{day:%Y%m%d}"
        for person in attendees(rng, people, when, rng.randint(6, 16), store):
            events.append(
                Draft(
                    person,
                    "event_attended",
                    when,
                    ref=ref,
                    dedup_key=f"{ref}/{external_id(person.id)}",
                    attributes={"title": title, "store": store},
                )
            )
    return events


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def finish_contacts(rng: random.Random, people: list[Person]) -> None:
    """Fields known only after the orders: points balance and the last profile change."""
    for person in people:
        if person.kind in ("consumer", "staff") and person.email is not None:
            earned = int(person.spend)
            redeemed = 250 * rng.randint(0, earned // 250) if earned >= 250 else 0
            person.extra["loyalty_points"] = earned - redeemed
        span = datetime.combine(LAST_DAY, time(22), tzinfo=UTC) - person.signup_at
        changed = person.consent == "unsubscribed" or rng.random() < 0.35
        seconds = int(span.total_seconds() * rng.random()) if changed else 0
        person.updated_at = person.signup_at + timedelta(seconds=seconds)


def contact_rows(people: list[Person]) -> list[dict[str, Any]]:
    rows = []
    for p in people:
        attributes: dict[str, Any] = {"signup_date": p.signup.isoformat()}
        if p.age is not None:
            attributes["age"] = p.age
        if p.plan is not None:
            attributes["plan"] = p.plan
        attributes.update(p.extra)
        if p.store is not None:
            attributes["preferred_store"] = p.store
        attributes["trade_account"] = p.kind == "cafe"
        row = {
            "id": p.id,
            "external_id": external_id(p.id),
            "email": p.email,
            "first_name": p.first_name,
            "last_name": p.last_name,
            "phone": p.phone,
            "company": p.company,
            "job_title": p.job_title,
            "city": None if p.missing_place else p.city.name,
            "region": None if p.missing_place == "city_region" else p.city.region,
            "country": p.country.code,
            "postal_code": None if p.missing_place == "city_region" else p.postal_code,
            "source": p.source,
            "consent": p.consent,
            "created_at": p.signup_at,
            "updated_at": p.updated_at,
            "attributes": attributes,
        }
        rows.append({**row, "search_text": search_text_of(row)})
    return rows


def event_rows(events: list[Draft]) -> list[dict[str, Any]]:
    """Events numbered from 1 in time order: their lines refer to them by these ids."""
    return [
        {
            "id": number,
            "contact_id": e.person.id,
            "kind": e.kind,
            "occurred_at": e.at,
            "amount": e.amount,
            "quantity": e.quantity,
            "status": e.status,
            "ref": e.ref,
            "dedup_key": e.dedup_key,
            "attributes": e.attributes,
        }
        for number, e in enumerate(events, start=1)
    ]


def line_rows(events: list[Draft]) -> list[dict[str, Any]]:
    """The lines of every order, numbered from 1 within it, beside ``event_rows``' ids."""
    return [
        {
            "event_id": number,
            "line_no": line_no,
            "contact_id": e.person.id,
            "occurred_at": e.at,
            "product": line.product.name,
            "sku": line.product.sku,
            "category": line.product.category,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "line_total": line.total,
            "attributes": {},
        }
        for number, e in enumerate(events, start=1)
        for line_no, line in enumerate(e.lines, start=1)
    ]


def field_rows() -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "label": f.label,
            "type": f.type,
            "origin": "custom",
            "description": f.description,
            "created_at": START_AT,
        }
        for f in CUSTOM_FIELDS
    ]


def meta_rows() -> list[dict[str, str]]:
    return [
        {"key": "sample_anchor", "value": ANCHOR.isoformat()},
        {"key": "sample_seed", "value": str(SEED)},
    ]


# --------------------------------------------------------------------------------------------
# Segments: what the shop keeps, with the history of how it got there
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleSegment:
    """A rule segment the shop keeps: its rules over time, oldest first, as (days before the
    anchor, rule, reason); each later rule is an edit with its reason."""

    name: str
    rules: tuple[tuple[int, str, str], ...]
    status: str = "active"


CAFE_CITIES = '"Portland", "Seattle", "London"'
CAFE_STORES = ", ".join(f'"{store}"' for store in STORES)

SEGMENTS = (
    SampleSegment("Coffee Club members", ((640, 'plan = "pro"', "created"),)),
    SampleSegment("Trade accounts", ((640, "trade_account = true", "created"),)),
    SampleSegment(
        "Local customers",
        (
            (520, f"city in ({CAFE_CITIES})", "created"),
            (
                150,
                f"city in ({CAFE_CITIES}) or preferred_store in ({CAFE_STORES})",
                "Regulars of our cafés who live outside the three cities count as local too",
            ),
        ),
    ),
    SampleSegment(
        "VIP customers",
        (
            (410, "orders.total > 1000", "created"),
            (
                45,
                "orders.total in last 365 days > 500 and trade_account = false",
                "Count only the last year's spending, and leave trade accounts to the wholesale "
                "team",
            ),
        ),
    ),
    SampleSegment("New this month", ((300, "signup_date within last 30 days", "created"),)),
    SampleSegment(
        "Newsletter-only",
        ((250, 'consent = "subscribed" and orders.count = 0', "created"),),
    ),
    SampleSegment("Webinar attendees", ((200, 'events("webinar").count >= 1', "created"),)),
    SampleSegment(
        "Lapsed big spenders",
        ((120, "orders.total > 300 and orders.last more than 180 days ago", "created"),),
    ),
    SampleSegment(
        "One-time buyers to win back",
        ((90, "orders.count = 1 and orders.last more than 90 days ago", "created"),),
    ),
    SampleSegment(
        "VIPs slipping away",
        ((30, 'in segment "VIP customers" and lifecycle = "At risk"', "created"),),
    ),
    SampleSegment(
        "Equipment buyers without beans in 90 days",
        (
            (
                60,
                'orders(category = "Equipment").count >= 1 and '
                'not orders(category = "Beans").count in last 90 days >= 1',
                "created",
            ),
        ),
    ),
    SampleSegment("Tried decaf", ((45, 'orders(product contains "decaf").count >= 1', "created"),)),
    SampleSegment("Gift buyers", ((40, 'orders(category = "Gifts").count >= 1', "created"),)),
    SampleSegment(
        "Office coffee prospects",
        ((10, 'plan = "team" or job_title contains "office"', "created"),),
        status="draft",
    ),
    # Made for the wholesale price list, nearly the trade accounts again: the overlap screen's
    # near-duplicate.
    SampleSegment(
        "Wholesale buyers",
        ((30, 'orders(product contains "Wholesale").count >= 1', "for the wholesale price list"),),
    ),
)

PINS = (
    (
        "VIP customers",
        "areyes@juniperottercoffeebar.com",
        "include",
        "Trade partner who hosts our tasting evenings",
    ),
    ("Local customers", "test@example.com", "exclude", "Checkout test account, not a customer"),
)
"""Manual decisions: (segment, contact's email, include or exclude, note)."""

SUMMER_PROMO = (
    "Summer cold brew promo",
    "orders.count in last 60 days >= 1",
    date(2025, 6, 1),
    date(2025, 9, 15),
)
"""A campaign segment the shop retired when the campaign ended: (name, rule, made, retired)."""

HOLIDAY_LIST = (
    "Holiday gift buyers",
    "orders.count in last 40 days >= 1 and orders.total in last 40 days > 60",
    date(2025, 12, 24),
)
"""A list frozen on its day, for a thank-you mailing: (name, rule, day)."""


@dataclass(frozen=True)
class SamplePlaybook:
    """A segment's playbook as the shop wrote it (field name → text, as `segment document
    --set` takes it), and its review history: the days before the anchor on which it was
    reviewed, each moving the next review one cadence on."""

    segment: str
    fields: dict[str, str]
    reviewed: tuple[int, ...] = ()
    first_review: int = 0
    """Days before the anchor the first review was due (the day of the first one done)."""


PLAYBOOKS = (
    SamplePlaybook(
        "VIP customers",
        {
            "goal": "Keep our best home brewers buying: lift the share of VIPs who order again "
            "within 60 days from 58% to 70%, and keep churn among them under 5% a quarter.",
            "target": "70% reorder within 60 days",
            "deadline": "2027-03-31",
            "owner": "Maya Chen",
            "stakeholders": "Priya Nair (online shop); Sam Okafor (cafés); Dana Whitfield (owner)",
            "data_sources": "Shopify orders; café tills (Square); Mailchimp engagement",
            "use_cases": "Early access to single-origin drops; Invitations to cupping evenings; "
            "Birthday bag with a handwritten card",
            "channels": "email; SMS for drop alerts; in-café tasting invitations",
            "message_tone": "Warm and insider: first names, the roaster's own notes on each lot, "
            "never a discount shout.",
            "offer": "48-hour early access to limited lots and free shipping on every order; no "
            "blanket discounts.",
            "next_actions": "Send the December single-origin preview to all VIPs; "
            "Book two cupping evenings (Portland, London); "
            "Ask Sam to flag VIP regulars at the café tills",
            "kpis": "Reorder within 60 days >= 70%; Quarterly churn < 5%; "
            "Average order value: $48; Email click rate >= 8%",
            "review_cadence": "monthly",
            "playbook_status": "active",
        },
        reviewed=(90, 59, 29),
        first_review=90,
    ),
    SamplePlaybook(
        "Champions",
        {
            "goal": "Turn Champions into advocates: 60 referrals and 40 published reviews "
            "from this group in the next two quarters.",
            "target": "60 referred first orders",
            "deadline": "2027-05-31",
            "owner": "Priya Nair",
            "stakeholders": "Maya Chen (marketing); Dana Whitfield (owner)",
            "data_sources": "RFM model (monthly run); Shopify referral codes; review platform",
            "use_cases": "Refer-a-friend invitation; Review requests after the third order",
            "channels": "email; order inserts in the box",
            "message_tone": "Grateful and personal: a thank-you from the roasters, not a sales "
            "pitch.",
            "offer": "Give $10, get a free 250 g bag for every friend's first order.",
            "next_actions": "Print referral cards for December boxes; "
            "Set up the review request after the third order",
            "kpis": "Referred first orders: 60; Published reviews: 40; "
            "Referral code use rate >= 12%",
            "review_cadence": "monthly",
            "playbook_status": "active",
        },
        reviewed=(50, 19),
        first_review=50,
    ),
    SamplePlaybook(
        "rfm: At Risk",
        {
            "goal": "Win back 60 of the ~300 customers who used to buy often and have gone "
            "quiet (20%) within 8 weeks, without training them to wait for discounts.",
            "target": "60 customers ordering again",
            "deadline": "2027-01-15",
            "owner": "Maya Chen",
            "stakeholders": "Priya Nair (online shop)",
            "data_sources": "RFM model (monthly run); Shopify orders; Mailchimp engagement",
            "use_cases": "Three-step winback sequence; Survey: why did you stop?",
            "channels": "email; retargeting ads",
            "message_tone": "Honest and curious: 'we miss you', ask what changed, show what is "
            "new on the roast list.",
            "offer": "15% off the next order, once, valid 14 days; free grinder cleaning kit "
            "over $40.",
            "next_actions": "Review step-2 email results; Decide whether to add an SMS step; "
            "Share survey answers with the roasting team",
            "kpis": "Customers ordering again: 60; Winback email open rate >= 35%; "
            "Discount cost per won-back customer < $9",
            "review_cadence": "fortnightly",
            "playbook_status": "active",
        },
        reviewed=(30, 16),
        first_review=30,
    ),
    SamplePlaybook(
        "Lapsed big spenders",
        {
            "goal": "Find out why 92 customers who spent over $300 stopped buying, and bring 15 "
            "of them back before the end of winter.",
            "target": "15 reactivated, 30 survey answers",
            "deadline": "2027-02-28",
            "owner": "Dana Whitfield",
            "stakeholders": "Maya Chen (marketing); Sam Okafor (cafés)",
            "data_sources": "Shopify orders; café tills (Square); customer notes",
            "use_cases": "Personal phone call or email from the owner; Exit survey",
            "channels": "personal email; phone",
            "message_tone": "Personal and direct, from Dana: no templates, no discount in the "
            "first message.",
            "offer": "A free bag of the current favourite roast with the next order.",
            "next_actions": "Call the ten biggest spenders; Tag answers by reason in the notes",
            "kpis": "Reactivated customers: 15; Survey answers: 30; Calls made: 40",
            "review_cadence": "fortnightly",
            "playbook_status": "active",
        },
        reviewed=(23, 9),
        first_review=23,
    ),
    SamplePlaybook(
        "One-time buyers to win back",
        {
            "goal": "Get a second order from 10% of one-time buyers (about 90 people) within "
            "90 days of the first email.",
            "target": "90 second orders",
            "deadline": "2027-02-15",
            "owner": "Priya Nair",
            "stakeholders": "Maya Chen (marketing)",
            "data_sources": "Shopify orders; Mailchimp engagement",
            "use_cases": "Brew guide for the coffee they bought; Second-order nudge",
            "channels": "email",
            "message_tone": "Helpful, like a barista: how to get the best from the beans they "
            "bought, then a suggestion for the next bag.",
            "offer": "Free shipping on the second order for 30 days.",
            "next_actions": "Write brew guides for the five best-selling coffees; "
            "A/B test the subject line",
            "kpis": "Second orders: 90; Guide email click rate >= 6%; Unsubscribe rate < 0.5%",
            "review_cadence": "monthly",
            "playbook_status": "active",
        },
        reviewed=(12,),
        first_review=12,
    ),
    SamplePlaybook(
        "Coffee Club members",
        {
            "goal": "Grow the Coffee Club from 544 to 650 members and keep monthly cancellations "
            "under 3%.",
            "target": "650 members",
            "deadline": "2027-06-30",
            "owner": "Sam Okafor",
            "stakeholders": "Priya Nair (online shop); Dana Whitfield (owner)",
            "data_sources": "Subscription plans (contact plan field); Shopify orders",
            "use_cases": "Member-only roast of the month; Pause instead of cancel",
            "channels": "email; in-café posters; order inserts",
            "message_tone": "Community: members first to taste, roaster notes, café events.",
            "offer": "Members' price on every extra bag and a free drink in our cafés each month.",
            "next_actions": "Offer a pause option in the cancel flow; "
            "Promote the club at the café tills in January",
            "kpis": "Members: 650; Monthly cancellations < 3%; "
            "Extra bags per member >= 0.4 a month",
            "review_cadence": "quarterly",
            "playbook_status": "active",
        },
        reviewed=(66,),
        first_review=66,
    ),
    SamplePlaybook(
        "Trade accounts",
        {
            "goal": "Raise average monthly trade spend by 15% through larger standing orders.",
            "target": "$1,150 average monthly spend",
            "deadline": "2027-04-30",
            "owner": "Luis Ortega",
            "stakeholders": "Dana Whitfield (owner); roasting team",
            "data_sources": "Shopify wholesale orders; trade account list",
            "use_cases": "Standing-order review visit; Barista training day",
            "channels": "account manager visits; phone; email",
            "message_tone": "Partner to partner: practical, numbers first.",
            "offer": "5% off standing orders of 20 kg a month or more, free barista training.",
            "next_actions": "Visit the ten largest cafés before the holidays",
            "kpis": "Average monthly trade spend: $1,150; Standing orders: 25",
            "review_cadence": "quarterly",
            "playbook_status": "active",
        },
        first_review=-54,
    ),
    SamplePlaybook(
        "New this month",
        {
            "goal": "Welcome new sign-ups so that 35% order within 30 days.",
            "channels": "email",
            "playbook_status": "draft",
        },
    ),
)
"""The shop's playbooks. Reviews come out due in the demo's next week for VIP customers (in 2
days) and Lapsed big spenders (in 5), and overdue for At Risk (2 days late)."""


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def days_before_anchor(days: int) -> datetime:
    return moment(ANCHOR - timedelta(days=days))


def write_segments(conn: Connection) -> int:
    """The RFM and lifecycle schemes and the shop's segments, all up to date on the anchor
    day; returns how many segments there are (the models' included)."""
    from segdesk.analysis.snapshots import delete_snapshot
    from segdesk.models.lifecycle import Thresholds
    from segdesk.models.runner import run_lifecycle, run_rfm
    from segdesk.segments.editing import create_segment, edit_segment, set_status
    from segdesk.segments.pins import pin_contact
    from segdesk.segments.refresh import refresh_all
    from segdesk.segments.static import create_static_from_rule

    made = days_before_anchor(700)
    run_rfm(conn, as_of=ANCHOR, now=made)
    run_lifecycle(conn, as_of=ANCHOR, thresholds=Thresholds(), now=made)
    name, rule, first_day, retired = SUMMER_PROMO
    create_segment(conn, name, rule, today=first_day, now=moment(first_day))
    set_status(conn, name, "retired", today=retired, now=moment(retired))
    name, rule, day = HOLIDAY_LIST
    create_static_from_rule(
        conn, name, rule, today=day, now=moment(day), reason="thank-you card for December buyers"
    )
    for sample in SEGMENTS:
        (days, rule, reason), *edits = sample.rules
        create_segment(
            conn,
            sample.name,
            rule,
            today=ANCHOR - timedelta(days=days),  # its first size, as it was that day
            now=days_before_anchor(days),
            reason=reason,
            status=sample.status,
        )
        for days, rule, reason in edits:
            edit_segment(
                conn,
                sample.name,
                rule,
                reason=reason,
                today=ANCHOR - timedelta(days=days),
                now=days_before_anchor(days),
            )
    for segment_name, email, mode, note in PINS:
        pin_contact(conn, segment_name, email, mode, now=days_before_anchor(20), note=note)
    weekly_refreshes(conn)
    refreshed = refresh_all(conn, today=ANCHOR, now=moment(ANCHOR, 0))  # the day's first moment
    if refreshed.snapshot is not None:  # the build's own bookkeeping, not a snapshot of the shop's
        delete_snapshot(conn, refreshed.snapshot)
    write_playbooks(conn)
    monthly_snapshots(conn)
    return conn.execute(select(func.count()).select_from(Segment.__table__)).scalar_one()


SNAPSHOT_MONTHS = 12
"""A year of month-end snapshots, worked out from the order history as of each month end."""


def monthly_snapshots(conn: Connection) -> None:
    """A snapshot as of each of the last ``SNAPSHOT_MONTHS`` month ends before the anchor, so
    that the stability screen has a year to show. Labelled by their place in the year
    ("month 1 of 12", the oldest), not by a month's name: ``segdesk demo`` moves every date so
    that the history ends yesterday, the snapshots' days with them, and a name in a label
    would not move (docs/stability.md). Worked out as a backtest does, the orders read once
    for the year (``take_snapshot_as_of`` gives the same members, reading them each time)."""
    from segdesk.analysis.as_of import SegmentsAsOf
    from segdesk.analysis.snapshots import save_snapshot, snapshot_segments

    month_end = ANCHOR.replace(day=1) - timedelta(days=1)
    days = []
    for _ in range(SNAPSHOT_MONTHS):
        days.append(month_end)
        month_end = month_end.replace(day=1) - timedelta(days=1)
    days.reverse()
    with SegmentsAsOf(conn, snapshot_segments(conn), until=days[-1]) as segments:
        for place, day in enumerate(days, start=1):
            save_snapshot(
                conn,
                segments.members(day),
                kind="as_of",
                label=f"month {place} of {SNAPSHOT_MONTHS}",
                as_of=day,
                now=moment(day + timedelta(days=1), 0),
            )


REFRESH_WEEKS = 12
"""The shop refreshed its segments every week for this many weeks before the anchor."""


def weekly_refreshes(conn: Connection) -> None:
    """A refresh at the start of each of the last ``REFRESH_WEEKS`` weeks, as of that day, so
    that each segment's size has a history (its trend). A rule segment joins the refreshes
    once its current rule was saved: a refresh records the segment's version."""
    from segdesk.models.runner import refresh_scheme
    from segdesk.segments.lookup import live
    from segdesk.segments.refresh import refresh_order, refresh_rule_segment
    from segdesk.store.tables import Scheme

    segment, scheme = Segment.__table__, Scheme.__table__
    for weeks in range(REFRESH_WEEKS, 0, -1):
        day = ANCHOR - timedelta(weeks=weeks)
        now = moment(day, 0)
        for (scheme_id,) in conn.execute(select(scheme.c.id).order_by(scheme.c.name)):
            refresh_scheme(conn, scheme_id, today=day, now=now)
        rules = conn.execute(
            select(segment).where(
                live(),
                segment.c.kind == "rule",
                segment.c.status != "retired",
                segment.c.updated_at <= now,
            )
        ).all()
        for row in refresh_order(rules):
            refresh_rule_segment(conn, row, today=day, now=now)


def write_playbooks(conn: Connection) -> None:
    """Each playbook as written before its first review, then its reviews done in turn."""
    from segdesk.segments.playbook import update_playbook
    from segdesk.segments.reviews import mark_reviewed

    for playbook in PLAYBOOKS:
        written = days_before_anchor(playbook.first_review + 7)
        fields: dict[str, object] = dict(playbook.fields)
        if playbook.first_review or playbook.reviewed:
            fields["next_review"] = ANCHOR - timedelta(days=playbook.first_review)
        update_playbook(conn, playbook.segment, fields, now=written)
        for days in playbook.reviewed:
            mark_reviewed(
                conn,
                playbook.segment,
                today=ANCHOR - timedelta(days=days),
                now=days_before_anchor(days),
                note=REVIEW_NOTES.get((playbook.segment, days)),
            )


REVIEW_NOTES = {
    ("VIP customers", 29): "Cupping evening in Portland sold out; plan one in London.",
    ("rfm: At Risk", 30): "Step 1 sent: 31% opened, 11 orders. Keep the 15% offer for step 2.",
    ("rfm: At Risk", 16): "Step 2 sent: 19 won back so far. Survey answers mostly about price.",
    ("Lapsed big spenders", 9): "12 calls made: 4 moved to a café near work, 2 will reorder.",
}
"""What a review decided, for some of them: (segment, days before the anchor) → note."""


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    contacts: int
    orders: int
    other_events: int
    segments: int


def write(conn: Connection, rng: random.Random) -> Built:
    """Draw everything and insert it on one connection, inside the caller's transaction."""
    people = build_contacts(rng)
    orders = build_orders(rng, people)
    others = build_other_events(rng, people)
    finish_contacts(rng, people)
    events = sorted(orders + others, key=lambda d: (d.at, d.person.id, d.kind))
    fields = FieldDef.__table__
    # The schema stamps its core field rows with the clock; the demo dates them to its start.
    conn.execute(fields.update().values(created_at=START_AT))
    conn.execute(fields.insert(), field_rows())
    conn.execute(Meta.__table__.insert(), meta_rows())
    conn.execute(Contact.__table__.insert(), contact_rows(people))
    conn.execute(Event.__table__.insert(), event_rows(events))
    conn.execute(OrderLine.__table__.insert(), line_rows(events))
    segments = write_segments(conn)
    return Built(len(people), len(orders), len(others), segments)


def build(path: Path) -> Built:
    """Build the demo database at ``path``, replacing it only once the new file is complete."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        engine = open_database(tmp)
        try:
            with engine.begin() as conn:
                built = write(conn, random.Random(SEED))
        finally:
            engine.dispose()
        compact(tmp)
        for suffix in ("-wal", "-shm"):
            # A stale write-ahead log of the old file must not be replayed into the new one.
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return built


def compact(path: Path) -> None:
    """One self-contained, compact file that is the same bytes on every rebuild.

    No write-ahead log beside it and no free pages. The schema creates its indexes in an
    arbitrary order (SQLAlchemy keeps them in a set), so they are recreated in name order: an
    unchanged rebuild then leaves the committed file untouched.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " ORDER BY name"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for _name, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Build the Segment Desk demo database.")
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_PATH,
        help=f"database file to write (default: {DEFAULT_PATH})",
    )
    args = parser.parse_args(argv)
    built = build(args.path)
    print(
        f"{args.path}: {built.contacts:,} contacts, {built.orders:,} orders, "
        f"{built.other_events:,} other events, {built.segments} segments"
    )


if __name__ == "__main__":
    main()
