"""Typing text values: numbers, dates, booleans, emails, identifiers, consent, inference."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from segdesk.ingest.values import (
    ColumnType,
    ValueProblem,
    clean_identifier,
    clean_text,
    decide_date_order,
    decide_decimal,
    excel_serial_to_date,
    infer_column,
    normalise_consent,
    normalise_email,
    parse_bool,
    parse_date,
    parse_number,
    split_full_name,
    unneutralise,
)


def problem(call, *args, **kwargs) -> str:
    with pytest.raises(ValueProblem) as err:
        call(*args, **kwargs)
    return err.value.reason


# --- formula protection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'=neutralised", "=neutralised"),
        ("'+49 30 5678", "+49 30 5678"),
        ("'-7", "-7"),
        ("'@work", "@work"),
        ("'\tindented", "\tindented"),
        ("'\rcarriage", "\rcarriage"),
        ("=SUM(A1)", "=SUM(A1)"),  # kept exactly as text
        ("+49 30 1234", "+49 30 1234"),
        ("-5", "-5"),
        ("@home", "@home"),
        ("'plain quote", "'plain quote"),  # only before a formula character
        ("''=x", "''=x"),
        ("'", "'"),
        ("", ""),
    ],
)
def test_unneutralise(text, expected):
    assert unneutralise(text) == expected


def test_clean_text_strips_then_unneutralises():
    assert clean_text("  '=A1 ") == "=A1"
    assert clean_text(" Anna ") == "Anna"


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 1234.56),
        ("1.234,56", 1234.56),
        ("1 234,56", 1234.56),
        ("1\u00a0234,56", 1234.56),
        ("1'234.50", 1234.5),
        ("-12", -12),
        ("+7", 7),
        ("€ 12,50", 12.5),
        ("12,50 €", 12.5),
        ("$1,200", 1200),
        ("-$1,200.10", -1200.1),
        ("EUR 3.5", 3.5),
        ("(5.00)", -5.0),
        ("12-", -12),
        ("\u22123", -3),
        ("0,500", 0.5),
        ("1.234.567", 1234567),
        ("1,234", 1234),  # alone, read the English way
        (".5", 0.5),
        ("1.2E+05", 120000.0),
        ("'-7", -7),
    ],
)
def test_parse_number(text, expected):
    result = parse_number(text)
    assert result == expected
    assert type(result) is type(expected)


def test_parse_number_with_column_decimal():
    assert parse_number("1,234", ",") == 1.234
    assert parse_number("1.234", ",") == 1234
    assert parse_number("1.234", ".") == 1.234
    assert parse_number("1 234", ",") == 1234
    assert problem(parse_number, "12.50", ",") == (
        "'12.50' is not a number with a decimal comma (thousands must be grouped by three digits)"
    )
    assert problem(parse_number, "1,2,3", ",") == "'1,2,3' has the decimal mark ',' more than once"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("abc", "'abc' is not a number"),
        ("12%", "'12%' is not a number"),
        ("CAD", "'CAD' is not a number"),
        ("1-2-3", "'1-2-3' is not a number"),
        (
            "+49 30 1234",
            "'+49 30 1234' is not a number with a decimal point "
            "(thousands must be grouped by three digits)",
        ),
    ],
)
def test_parse_number_problems(text, reason):
    assert problem(parse_number, text) == reason


def test_decide_decimal():
    comma = decide_decimal(["1.234,56", "12,50 €", "-7,00", ""])
    assert (comma.decimal, comma.ambiguous, comma.reason) == (
        ",",
        False,
        "3 value(s) use a decimal comma",
    )
    point = decide_decimal(["1,234.56", "3"])
    assert (point.decimal, point.ambiguous) == (".", False)
    whole = decide_decimal(["1", "20", "300"])
    assert (whole.decimal, whole.ambiguous, whole.reason) == (".", False, "whole numbers")
    unsure = decide_decimal(["1,234", "5,000"])
    assert (unsure.decimal, unsure.ambiguous) == (".", True)
    assert unsure.reason == (
        "values such as 1,234 could mean a thousand or one; assumed a decimal point"
    )
    hinted = decide_decimal(["1,234", "5,000"], hint=",")
    assert (hinted.decimal, hinted.ambiguous) == (",", True)
    mixed = decide_decimal(["1,5", "2,5", "3.5"])
    assert (mixed.decimal, mixed.ambiguous) == (",", True)
    assert mixed.reason == (
        "values disagree: 2 use a decimal comma, 1 a decimal point; using a decimal comma"
    )


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-06-30", "dmy", date(2024, 6, 30)),
        ("2024/06/30", "mdy", date(2024, 6, 30)),
        ("2024-06-30T12:00:00", "dmy", datetime(2024, 6, 30, 12, 0)),
        ("2024-06-30 12:00", "dmy", datetime(2024, 6, 30, 12, 0)),
        ("2024-06-30 12:00:05.250", "dmy", datetime(2024, 6, 30, 12, 0, 5, 250000)),
        ("2024-06-30T12:00:00Z", "dmy", datetime(2024, 6, 30, 12, 0)),
        ("2024-06-30 12:00:00 +0200", "dmy", datetime(2024, 6, 30, 10, 0)),
        ("2024-06-30T23:30:00-04:00", "dmy", datetime(2024, 7, 1, 3, 30)),
        ("20240630", "dmy", date(2024, 6, 30)),
        ("30/06/2024", "dmy", date(2024, 6, 30)),
        ("30.06.2024", "dmy", date(2024, 6, 30)),
        ("30-06-2024", "dmy", date(2024, 6, 30)),
        ("06/30/2024", "mdy", date(2024, 6, 30)),
        ("04/05/2024", "dmy", date(2024, 5, 4)),
        ("04/05/2024", "mdy", date(2024, 4, 5)),
        ("5/3/24 3:15 PM", "mdy", datetime(2024, 5, 3, 15, 15)),
        ("30.06.85", "dmy", date(1985, 6, 30)),
        ("30.06.2024 08:15", "dmy", datetime(2024, 6, 30, 8, 15)),
    ],
)
def test_parse_date(text, order, expected):
    result = parse_date(text, order)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.2024", "'31.02.2024' is not a valid date"),
        ("06/30/2024", "'06/30/2024' is not a valid date"),  # read day first
        ("2024-13-01", "'2024-13-01' is not a valid date"),
        ("30000101", "'30000101' is not a date (year 3000 out of range)"),
        ("45473", "'45473' is not a date"),  # serials only when asked for
        ("yesterday", "'yesterday' is not a date"),
    ],
)
def test_parse_date_problems(text, reason):
    assert problem(parse_date, text, "dmy") == reason


def test_excel_serials():
    assert parse_date("45473", serials=True) == date(2024, 6, 30)
    assert parse_date("45473.5", serials=True) == datetime(2024, 6, 30, 12, 0)
    assert excel_serial_to_date(61) == date(1900, 3, 1)
    assert problem(excel_serial_to_date, 0) == "0 is not an Excel date"


def test_decide_date_order():
    dmy = decide_date_order(["30/06/2024", "01/02/2024"])
    assert (dmy.order, dmy.ambiguous, dmy.reason) == (
        "dmy",
        False,
        "'30/06/2024' can only be day first",
    )
    mdy = decide_date_order(["06/30/2024", "01/02/2024"])
    assert (mdy.order, mdy.ambiguous, mdy.reason) == (
        "mdy",
        False,
        "'06/30/2024' can only be month first",
    )
    unsure = decide_date_order(["05/06/2024", "01/02/2024"])
    assert (unsure.order, unsure.ambiguous) == ("dmy", True)
    assert unsure.reason == (
        "no value shows whether day or month comes first; assumed day first (DD/MM/YYYY)"
    )
    us_default = decide_date_order(["05/06/2024"], default="mdy")
    assert (us_default.order, us_default.ambiguous) == ("mdy", True)
    both = decide_date_order(["30/06/2024", "13/01/2024", "06/30/2024"])
    assert (both.order, both.ambiguous) == ("dmy", True)
    assert both.reason.startswith("values disagree: '30/06/2024' is day first, '06/30/2024'")
    iso = decide_date_order(["2024-06-30", "20240101"])
    assert (iso.order, iso.ambiguous, iso.reason) == ("dmy", False, "no day/month dates")


# --- booleans, emails, identifiers, consent, names ------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("No", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("y", True),
        ("N", False),
        ("t", True),
        ("F", False),
        ("ja", True),
        ("Nein", False),
        ("WAHR", True),
        ("FALSCH", False),
        (" on ", True),
    ],
)
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


def test_parse_bool_problem():
    assert problem(parse_bool, "maybe") == "'maybe' is not yes/no"


def test_normalise_email():
    assert normalise_email("  Anna.Schmidt@Example.DE ") == "anna.schmidt@example.de"
    assert normalise_email("mailto:Bob@Example.org") == "bob@example.org"
    assert normalise_email("<cy+news@example.co.uk>") == "cy+news@example.co.uk"
    assert normalise_email("jürgen@müller.de") == "jürgen@müller.de"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no email address"),
        ("anna schmidt@example.de", "'anna schmidt@example.de' contains a space"),
        ("anna.example.de", "'anna.example.de' has no @"),
        ("a@b@example.de", "'a@b@example.de' has more than one @"),
        ("@example.de", "'@example.de' has nothing before the @"),
        ("anna@", "'anna@' has nothing after the @"),
        ("anna@localhost", "'anna@localhost': the domain has no dot"),
        (".anna@example.de", "'.anna@example.de' has a dot in the wrong place before the @"),
        ("an..na@example.de", "'an..na@example.de' has a dot in the wrong place before the @"),
        ("an,na@example.de", "'an,na@example.de' contains ',', which an email address cannot"),
        ("anna@example..de", "'anna@example..de': the domain has a dot in the wrong place"),
        ("anna@-example.de", "'anna@-example.de': the domain '-example.de' is not valid"),
        ("anna@example.d", "'anna@example.d': the domain ending '.d' is not valid"),
        ("anna@example.123", "'anna@example.123': the domain ending '.123' is not valid"),
    ],
)
def test_email_problems(text, reason):
    assert problem(normalise_email, text) == reason


def test_clean_identifier():
    assert clean_identifier(" 00123 ") == "00123"
    assert clean_identifier("+49 30 1234") == "+49 30 1234"
    assert clean_identifier("'+49 30 5678") == "+49 30 5678"  # formula guard undone
    assert clean_identifier("'7295146328321") == "7295146328321"  # Shopify's text marker
    assert clean_identifier("'M5V 2T6") == "M5V 2T6"
    assert clean_identifier('="00456"') == "00456"  # Excel's keep-as-text trick
    assert problem(clean_identifier, "4.91701E+11") == (
        "'4.91701E+11' is a number shortened by a spreadsheet; the original digits are lost"
    )


@pytest.mark.parametrize(
    ("text", "inverted", "expected"),
    [
        ("yes", False, "subscribed"),
        ("TRUE", False, "subscribed"),
        ("Subscribed", False, "subscribed"),
        ("opted in", False, "subscribed"),
        ("Marketing contact", False, "subscribed"),
        ("ja", False, "subscribed"),
        ("no", False, "unsubscribed"),
        ("false", False, "unsubscribed"),
        ("unsubscribed", False, "unsubscribed"),
        ("cleaned", False, "unsubscribed"),
        ("Opted-Out", False, "unsubscribed"),
        ("Non-marketing contact", False, "unsubscribed"),
        ("nein", False, "unsubscribed"),
        ("", False, "unknown"),
        ("pending", False, "unknown"),
        ("NOT_SUBSCRIBED", False, "unknown"),
        ("transactional", False, "unknown"),
        ("true", True, "unsubscribed"),  # a column named "unsubscribed"
        ("no", True, "subscribed"),
        ("unsubscribed", True, "unsubscribed"),  # status words keep their meaning
        ("", True, "unknown"),
    ],
)
def test_normalise_consent(text, inverted, expected):
    assert normalise_consent(text, inverted=inverted) == expected


def test_consent_problem():
    assert problem(normalise_consent, "sometimes") == (
        "'sometimes' is not a consent value (expected e.g. yes/no or subscribed/unsubscribed)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna Schmidt", ("Anna", "Schmidt")),
        ("Anna Maria Schmidt", ("Anna Maria", "Schmidt")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Schmidt, Anna", ("Anna", "Schmidt")),
        ("Mr John Smith", ("John", "Smith")),
        ("Frau Eva Weiß", ("Eva", "Weiß")),
        ("Cher", ("Cher", None)),
        ("  ", (None, None)),
    ],
)
def test_split_full_name(text, expected):
    assert split_full_name(text) == expected


# --- column types ---------------------------------------------------------------------------


def test_column_type_parse():
    number = ColumnType("number", decimal=",")
    assert number.parse("1.234,56") == 1234.56
    assert number.parse("") is None
    assert number.parse("n/a") is None
    assert number.parse("-") is None
    date_type = ColumnType("date", date_order="mdy")
    assert date_type.parse("06/30/2024") == date(2024, 6, 30)
    assert ColumnType("bool").parse("ja") is True
    text = ColumnType("text")
    assert text.parse(" '=x ") == "=x"
    assert text.parse("-") == "-"  # a dash is text in a text column
    assert text.parse("  ") is None
    assert ColumnType.from_json(number.to_json()) == number
    assert ColumnType("date", serials=True).to_json() == {"kind": "date", "serials": True}


def guess(values, **kwargs):
    result = infer_column(values, **kwargs)
    return result.type, result.ambiguous, result.reason


def test_infer_numbers():
    assert guess(["1.234,56", "12,50 €", "-7,00", ""]) == (
        ColumnType("number", decimal=","),
        False,
        "numbers; 3 value(s) use a decimal comma",
    )
    assert guess(["$1,200", "35.50", "n/a"]) == (
        ColumnType("number", decimal="."),
        False,
        "numbers; 1 value(s) use a decimal point",
    )
    assert guess(["1", "0", "1"]) == (
        ColumnType("number", decimal="."),
        False,
        "numbers; whole numbers",
    )
    assert guess(["1,234", "2,500"], decimal_hint=",")[0] == ColumnType("number", decimal=",")


def test_infer_identifiers_stay_text():
    reason = "numbers with leading zeros, '+' or many digits: identifiers, kept as text"
    assert guess(["000123", "004567"]) == (ColumnType("text"), False, reason)
    assert guess(["+4930123456", "+4930999"]) == (ColumnType("text"), False, reason)
    assert guess(["12345678901234567"]) == (ColumnType("text"), False, reason)


def test_infer_dates():
    assert guess(["30.06.2024", "01.02.2024"]) == (
        ColumnType("date", date_order="dmy"),
        False,
        "dates; '30.06.2024' can only be day first",
    )
    assert guess(["06/30/2024", "01/02/2024"])[0] == ColumnType("date", date_order="mdy")
    ambiguous = guess(["05/06/2024", "01/02/2024"])
    assert ambiguous[:2] == (ColumnType("date", date_order="dmy"), True)
    assert guess(["20240105", "20240212"]) == (
        ColumnType("date", date_order="dmy"),
        False,
        "dates written as YYYYMMDD",
    )
    assert guess(["2024-06-30 12:00", "2024-07-01"])[2] == "dates (year first)"


def test_infer_excel_serials_only_in_workbooks():
    serials = ColumnType("date", serials=True)
    reason = "dates; plain numbers among them are Excel date serials"
    assert guess(["2024-06-30", "45473"], spreadsheet=True) == (serials, False, reason)
    assert guess(["45473", "45292"], name="Order Date", spreadsheet=True)[0] == serials
    assert guess(["45473", "45292"], name="Order Date")[0].kind == "number"
    assert guess(["45473", "45292"], name="Points", spreadsheet=True)[0].kind == "number"


def test_infer_bool_category_text():
    assert guess(["yes", "no", "Yes", ""])[0] == ColumnType("bool")
    assert guess(["ja", "nein"])[0] == ColumnType("bool")
    countries = ["DE", "AT", "CH", "DE", "DE", "AT", "FR", "DE", "CH", "DE", "AT"]
    assert guess(countries) == (ColumnType("category"), False, "4 distinct values")
    names = [f"Person {i}" for i in range(30)]
    assert guess(names) == (ColumnType("text"), False, "text")
    assert guess(["", " ", ""]) == (ColumnType("text"), False, "no values in the sample")
    mixed = ["12", "abc"]
    assert guess(mixed)[0] == ColumnType("text")
