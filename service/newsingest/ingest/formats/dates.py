"""Publication dates as stated, with their precision: "2023-09" stays a month, nothing finer is invented.

Understands ISO 8601 (extended and basic, full or truncated), German numeric dates ("12.03.2024 14:30 Uhr"),
day-month-year and month-day-year with German or English month names, RFC 2822 and epoch numbers.
The value is the start of the stated period in UTC; a time without a zone is taken as UTC, or as
German time when it says "Uhr"/MEZ/MESZ.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from newsingest.models import DatePrecision

_MIN_YEAR, _MAX_YEAR = 1800, 2200

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "januar jänner january jan jän",
        "februar february feb febr",
        "märz maerz march mar mär mrz",
        "april apr",
        "mai may",
        "juni june jun",
        "juli july jul",
        "august aug",
        "september sep sept",
        "oktober october okt oct",
        "november nov",
        "dezember december dez dec",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number
_MONTH = "(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = (
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|mo|di|mi|do|fr|sa|so)\.?,?\s+"
)
_FIXED_ZONES = {
    "z": 0, "utc": 0, "gmt": 0, "ut": 0, "wet": 0, "bst": 1, "mez": 1, "cet": 1, "mesz": 2, "cest": 2,
    "eet": 2, "eest": 3, "msk": 3, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
    "pst": -8, "pdt": -7, "jst": 9, "kst": 9, "hkt": 8, "ist": 5.5, "aest": 10, "aedt": 11,
}  # fmt: skip
_REGION_ZONES = {"et": "America/New_York", "pt": "America/Los_Angeles", "ct": "America/Chicago"}
_BERLIN = "Europe/Berlin"
_ZONE = (
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|"
    + "|".join(sorted((k for k in (*_FIXED_ZONES, *_REGION_ZONES) if k != "z"), key=len, reverse=True))
    + r")\b"
)
# Each run of spaces is read by one possessive \s*+ (what follows it never starts with a space): with \s* on both
# sides of the optional separator and word, a date followed by many spaces took cubic time.
_TIME = (
    r"(?:\s*+(?:(?:,|-|–|\||/)\s*+)?(?:(?:at|um|um\s+ca\.|gegen|ca\.)\s*+)?"
    r"(?P<H>\d{1,2})[:.h](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<ampm>[ap]\.?\s?m\.?))?(?:\s*(?P<uhr>Uhr|h)\b)?(?:\s*+\(?\s*+" + _ZONE + r"\s*\)?)?)?"
)
_PATTERNS: list[re.Pattern[str]] = [
    # ISO 8601 extended, possibly truncated: 2023, 2023-09, 2023-09-11, 2023-09-11T10:15:00+02:00
    re.compile(
        r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2})"
        r"(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?:" + _ZONE + r")?)?)?)?(?![\d:-])",
        re.IGNORECASE,
    ),
    # ISO 8601 basic (NITF norm attributes): 20230911, 20230911T101500+0200
    re.compile(
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:T(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?(?:[.,]\d+)?"
        r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
        re.IGNORECASE,
    ),
    # 11.09.2023, 11. 9. 2023 14:30 Uhr
    re.compile(
        r"(?:" + _WEEKDAY + r")?(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})(?!\d)" + _TIME,
        re.IGNORECASE,
    ),
    # 11. September 2023, 11 Sep 2023 10:00:00 GMT (RFC 2822)
    re.compile(
        r"(?:" + _WEEKDAY + r")?(?P<d>\d{1,2})\.?\s+" + _MONTH + r",?\s+(?P<y>\d{4})(?!\d)" + _TIME,
        re.IGNORECASE,
    ),
    # September 11, 2023 at 10:00 a.m. ET
    re.compile(
        r"(?:" + _WEEKDAY + r")?" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)" + _TIME,
        re.IGNORECASE,
    ),
    # September 2023
    re.compile(_MONTH + r"\s+(?P<y>\d{4})(?!\d)", re.IGNORECASE),
]
_TRAILING_NOISE = re.compile(r"^[\s,.;|)\]]*$")


@dataclass(frozen=True)
class DateValue:
    """A stated point in time: the start of the stated period (UTC) and how precisely it was stated."""

    value: datetime
    precision: DatePrecision


def _zone(name: str | None, uhr: bool, default: tzinfo) -> tzinfo:
    if not name:
        return ZoneInfo(_BERLIN) if uhr else default
    key = re.sub(r"\s+", "", name).lower()
    if key in _FIXED_ZONES:
        return timezone(timedelta(hours=_FIXED_ZONES[key]))
    if key in _REGION_ZONES:
        return ZoneInfo(_REGION_ZONES[key])
    sign = -1 if "-" in key else 1
    digits = re.sub(r"^(?:utc|gmt)?[+-]", "", key).replace(":", "")
    hours = int(digits[:2]) if len(digits) >= 2 and digits[:2].isdigit() else int(digits or 0)
    minutes = int(digits[2:4]) if len(digits) >= 4 else 0
    if hours > 14 or minutes > 59:
        raise ValueError("offset out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(groups: dict[str, str | None], default_tz: tzinfo) -> DateValue | None:
    year = int(groups["y"] or 0)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    month_name = groups.get("mon")
    month = MONTHS.get(month_name.lower().rstrip(".")) if month_name else None
    if month is None and groups.get("m"):
        month = int(groups["m"] or 0)
    day = int(groups["d"]) if groups.get("d") else None
    hour = int(groups["H"]) if groups.get("H") else None
    try:
        if month is None:
            return DateValue(datetime(year, 1, 1, tzinfo=UTC), DatePrecision.YEAR)
        if day is None:
            return DateValue(datetime(year, month, 1, tzinfo=UTC), DatePrecision.MONTH)
        if hour is None:
            return DateValue(datetime(year, month, day, tzinfo=UTC), DatePrecision.DAY)
        ampm = (groups.get("ampm") or "").lower().replace(".", "").replace(" ", "")
        if ampm and not 1 <= hour <= 12:
            return None
        if ampm == "pm" and hour != 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        minute = int(groups["M"] or 0)
        second = int(groups["S"]) if groups.get("S") else None
        zone = _zone(groups.get("tz"), bool(groups.get("uhr")), default_tz)
        local = datetime(year, month, day, hour, minute, second or 0, tzinfo=zone)
        precision = DatePrecision.MINUTE if second is None else DatePrecision.SECOND
        return DateValue(local.astimezone(UTC), precision)
    except (ValueError, OverflowError):
        return None


def match_date(text: str, default_tz: tzinfo = UTC) -> tuple[DateValue, int] | None:
    """The date at the very start of ``text`` and where it ends, or None."""
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match and (value := _build(match.groupdict(), default_tz)) is not None:
            return value, match.end()
    return None


def parse_date(text: str, default_tz: tzinfo = UTC, min_precision: DatePrecision | None = None) -> DateValue | None:
    """``text`` read as one date ("2023-09", "Mo, 11.09.2023, 14:30 Uhr"), or None when it is anything else."""
    text = text.strip()
    text = re.sub(r"^(?:am|on|vom|from|den|le)\s+", "", text, flags=re.IGNORECASE)
    found = match_date(text, default_tz)
    if found is None or not _TRAILING_NOISE.match(text[found[1] :]):
        return None
    value = found[0]
    if min_precision is not None and _RANK[value.precision] < _RANK[min_precision]:
        return None
    return value


def from_timestamp(number: float) -> DateValue | None:
    """Epoch seconds, or milliseconds when the number is too large for seconds."""
    if not math.isfinite(number):
        return None
    if abs(number) > 1e11:
        number /= 1000
    try:
        value = datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    return DateValue(value.replace(microsecond=0), DatePrecision.SECOND)


_RANK = {
    DatePrecision.YEAR: 0,
    DatePrecision.MONTH: 1,
    DatePrecision.DAY: 2,
    DatePrecision.MINUTE: 3,
    DatePrecision.SECOND: 4,
}
