"""Citi Bike trip files, classic (2013–2020) and 2021+, as rows of Trip's columns: every rule
a row goes through, in Python and, beside each, its SQL twin (PostgreSQL's COPY path converts
and checks rows in the server). tests/trips/test_rules.py runs both on real databases.

Rows are tuples in COLUMNS order, times as naive UTC text ("YYYY-MM-DD HH:MM:SS[.ffffff]"):
the New York offset depends only on the local date and hour, so it is looked up once per
hour, not per value (the loader's hot path). Every name in generated SQL is one of ours.
"""

import re
from collections import Counter
from datetime import UTC, datetime
from operator import itemgetter
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")

COLUMNS = (
    "tripduration", "starttime", "stoptime",
    "start_station_id", "start_station_name", "start_station_latitude", "start_station_longitude",
    "end_station_id", "end_station_name", "end_station_latitude", "end_station_longitude",
    "bikeid", "membership_type", "usertype", "birth_year", "gender",
)
WIDTH = len(COLUMNS)
# Normalised header (lower case, letters and digits only) -> our column, per format: the
# classic headers are our column names, spelt in any case, with spaces or nothing between words.
CLASSIC = {c.replace("_", ""): c for c in COLUMNS}
CLASSIC_REQUIRED = ("tripduration", "starttime", "stoptime", "start station id", "start station name",
                    "end station id", "end station name", "usertype")
MODERN = {"startedat": "starttime", "endedat": "stoptime", "membercasual": "usertype",
          "startstationid": "start_station_id", "startstationname": "start_station_name",
          "startlat": "start_station_latitude", "startlng": "start_station_longitude",
          "endstationid": "end_station_id", "endstationname": "end_station_name",
          "endlat": "end_station_latitude", "endlng": "end_station_longitude"}
MODERN_REQUIRED = ("started_at", "ended_at", "start_station_id", "start_station_name",
                   "end_station_id", "end_station_name", "member_casual")
TEXTS = ("start_station_id", "start_station_name", "end_station_id", "end_station_name")
# The SQL types of the columns that are numbers (the others are text or times).
NUMBERS = {"tripduration": "int", "bikeid": "bigint", "birth_year": "smallint", "gender": "smallint",
           **{c: "double precision" for c in COLUMNS if c.endswith("itude")}}
# What a column can hold; a value it cannot is a bad row on every engine (PostgreSQL's COPY
# refuses it, SQLite would store it and move_app fail on it later). trips/models.py declares
# Trip's fields from these; tests/trips/test_rules.py checks them against Django's ranges.
RANGES = {"int": (-(1 << 31), (1 << 31) - 1), "smallint": (-(1 << 15), (1 << 15) - 1),
          "bigint": (-(1 << 63), (1 << 63) - 1)}
MAX_LENGTH = {"start_station_id": 32, "start_station_name": 100, "end_station_id": 32,
              "end_station_name": 100, "membership_type": 50, "usertype": 20}
# Times are UTC from 1900 up to, not including, 9999: Python's datetime ends in the year 9999
# (a New York time late on 9999-12-31 is in 10000 UTC), and before 1883 New York's offset
# was -4:56:02, which the hour memo below cannot apply (PostgreSQL does). Compared as texts
# "YYYY-MM-DD HH...", so one comparison each way.
FIRST_YEAR, END_YEAR = "1900", "9999"
# The columns COPY may leave NULL (an empty field, quoted or not).
NULLABLE = tuple(c for c in NUMBERS if c != "tripduration") + ("membership_type",)
EMPTY = frozenset({"", "\\N", "NULL", "null", "NaN", "nan"})


class BadRow(ValueError):
    """A row to skip; the message is the reason shown to the user."""


class NotATripFile(ValueError):
    """The header lacks columns every trip file has."""


def normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().strip('"').lower())


# --- Each rule in Python, its SQL twin beside it. `cell` is an SQL expression of a field's text.

# Texts are stored as the file writes them, spaces and all, as COPY stores them on
# PostgreSQL's direct path (checking every text there would cost a pass over the table).

def text(value) -> str:
    """Station ids and names, rider kinds: '' when missing."""
    return value or ""


def text_sql(cell: str) -> str:
    return f"coalesce({cell}, '')"


def text_or_none(value):
    """membership_type: None when empty, as COPY's FORCE_NULL reads it."""
    return value or None


def text_or_none_sql(cell: str) -> str:
    return f"nullif({cell}, '')"


def number_sql(cell: str, column: str) -> str:
    """The twin of whole(), whole_or_none() and number() below: an empty marker is NULL; a
    value the SQL cannot read (or its type cannot hold) fails the COPY, and the file is read
    through Python instead."""
    markers = ", ".join(f"'{m}'" for m in sorted(EMPTY))
    return f"CAST(CASE WHEN trim({cell}) IN ({markers}) THEN NULL ELSE {cell} END AS {NUMBERS[column]})"


def copied_nan_sql(columns) -> str:
    """Rows where COPY, reading a file straight into trip, stored a NaN that number() reads as
    missing (None): the direct path then loads the file through Python. FALSE when no float."""
    floats = [c for c in columns if NUMBERS.get(c) == "double precision"]
    return " OR ".join(f"{c} = 'NaN'" for c in floats) or "FALSE"


# 2021+ files say member/casual; the classic files (and the quickstart's pages) say
# Subscriber/Customer for the same two kinds of rider.
USERTYPES = {"member": "Subscriber", "casual": "Customer"}


def usertype(value, modern: bool) -> str:
    kind = text(value)
    return USERTYPES.get(kind.lower(), kind) if modern else kind


def usertype_sql(cell: str, modern: bool) -> str:
    if not modern:
        return text_sql(cell)
    cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in USERTYPES.items())
    return f"CASE lower({cell}) {cases} ELSE {text_sql(cell)} END"


def fitting(value: str, column: str) -> str:
    """A text its column can hold (Python's rows); PostgreSQL's COPY refuses the others itself."""
    if len(value) > MAX_LENGTH[column]:
        raise BadRow(f"{_named(column)} is longer than {MAX_LENGTH[column]} characters")
    if "\0" in value:
        raise BadRow(f"{_named(column)} contains a NUL character")
    return value


def utc_sql(cell: str) -> str:
    """The twin of utc_text() (below), as a timestamp with time zone: a text with an offset
    (Z, +05:30, -04) after its date is read with it, any other as New York local time,
    whatever the session's time zone."""
    value = text_or_none_sql(cell)
    return (f"(CASE WHEN substr({value}, 11) ~ '[-+zZ]' THEN CAST({value} AS timestamptz) "
            f"ELSE CAST({value} AS timestamp) AT TIME ZONE 'America/New_York' END)")


def duration(start: str, stop: str) -> int:
    """A 2021+ trip's whole seconds, from its UTC texts (never negative: checked before)."""
    return int((datetime.fromisoformat(stop) - datetime.fromisoformat(start)).total_seconds())


def duration_sql(start: str, stop: str) -> str:
    return f"CAST(floor(extract(epoch FROM {stop} - {start})) AS int)"


NEGATIVE = "negative tripduration "
# What the start and stop columns are called in the reasons, classic (False) and 2021+ (True).
TIMES = {False: ("starttime", "stoptime"), True: ("started_at", "ended_at")}
STOP_FIRST = {modern: f"{stop} is before {start}" for modern, (start, stop) in TIMES.items()}
TIME_RANGE = {modern: f"{start} or {stop} is outside the years {FIRST_YEAR} to {int(END_YEAR) - 1} (UTC)"
              for modern, (start, stop) in TIMES.items()}
# The last time before FIRST_YEAR and the last one before END_YEAR, as SQL: with an offset, so
# PostgreSQL reads them in UTC whatever the session's zone; as texts (SQLite), "<=" and ">"
# compare a UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]" with them as refusal() does.
_BEFORE_FIRST = f"'{int(FIRST_YEAR) - 1}-12-31 23:59:59.999999+00'"
_LAST = f"'{int(END_YEAR) - 1}-12-31 23:59:59.999999+00'"


def refusal(seconds: int, start, stop, modern: bool) -> str | None:
    """Why a row whose every value reads is still refused, or None."""
    if not (FIRST_YEAR <= start < END_YEAR and FIRST_YEAR <= stop < END_YEAR):
        return TIME_RANGE[modern]
    if not modern and seconds < 0:
        return f"{NEGATIVE}{seconds}"
    return STOP_FIRST[modern] if stop < start else None


def refusal_sql(seconds: str, start: str, stop: str, modern: bool) -> str:
    """The twin of refusal(); ±infinity and BC times (which PostgreSQL reads) are out of range."""
    outside = " OR ".join(f"{t} <= {_BEFORE_FIRST} OR {t} > {_LAST}" for t in (start, stop))
    negative = "" if modern else f"WHEN {seconds} < 0 THEN '{NEGATIVE}' || {seconds} "
    return (f"CASE WHEN {outside} THEN '{TIME_RANGE[modern]}' "
            f"{negative}WHEN {stop} < {start} THEN '{STOP_FIRST[modern]}' END")


def add_station_hours(hours: Counter, batch: list) -> None:
    """Count each row of `batch` under (start station, New York hour of its start), in C."""
    starts = map(LOCAL_HOUR.__getitem__, map(itemgetter(slice(0, 13)), batch[1::WIDTH]))
    hours.update(zip(batch[4::WIDTH], starts, strict=True))


def insert_sql(rows: int, mark: str) -> str:
    """One INSERT of `rows` rows, each value a placeholder `mark`."""
    row = f"({', '.join([mark] * WIDTH)})"
    return f"INSERT INTO trip ({', '.join(COLUMNS)}) VALUES {', '.join([row] * rows)}"  # noqa: S608


def station_hours_sql(table: str) -> str:
    return (f"SELECT start_station_name, CAST(date_part('hour', starttime AT TIME ZONE "  # noqa: S608
            f"'America/New_York') AS int), count(*) FROM {table} GROUP BY 1, 2")


def sql_values(layout: "Layout", times: tuple[str, str] | None = None) -> dict[str, str]:
    """Trip column -> its value in SQL, from the text columns c0, c1... of a staged record;
    `times`: the start and stop times' SQL when the caller has converted them already."""
    cells = {c: f"c{i}" if (i := layout.index.get(c)) is not None else "NULL" for c in COLUMNS}
    values = {c: number_sql(cells[c], c) for c in NUMBERS}
    values.update({c: text_sql(cells[c]) for c in TEXTS})
    start, stop = times or (utc_sql(cells["starttime"]), utc_sql(cells["stoptime"]))
    values.update(starttime=start, stoptime=stop, membership_type=text_or_none_sql(cells["membership_type"]),
                  usertype=usertype_sql(cells["usertype"], layout.modern))
    if layout.modern:
        values["tripduration"] = duration_sql(values["starttime"], values["stoptime"])
    return values


class Layout:
    """Which file column feeds which Trip column, decided from the header."""

    def __init__(self, header: list[str]):
        keys = [normalise(h) for h in header]
        self.width = len(header)
        self.modern = "startedat" in keys
        mapping, required = (MODERN, MODERN_REQUIRED) if self.modern else (CLASSIC, CLASSIC_REQUIRED)
        missing = [r for r in required if normalise(r) not in keys]
        if missing:
            shown = ", ".join(header[:20]) or "empty"
            raise NotATripFile(f"missing column(s) {', '.join(missing)} (header: {shown})")
        self.columns = [mapping.get(k) for k in keys]  # the Trip column each one feeds, or None
        self.index = {c: i for i, c in reversed(list(enumerate(self.columns))) if c}
        self.row = self._careful_row if self.modern else self._fast_classic()

    def _careful_row(self, fields: list[str]) -> tuple:
        """The Trip values of one record (None for a column the file lacks), or BadRow saying why not."""
        if len(fields) != self.width:
            raise BadRow(f"{len(fields)} fields where the header has {self.width}")
        f, get, modern = fields, self._get, self.modern
        names = TIMES[modern]
        start, stop = utc_text(get(f, "starttime"), names[0]), utc_text(get(f, "stoptime"), names[1])
        seconds = 0 if modern else whole(get(f, "tripduration"), "tripduration")
        if reason := refusal(seconds, start, stop, modern):
            raise BadRow(reason)
        # Ids and names are texts, the rest numbers, named "start latitude" and so on in reasons.
        stations = tuple(number(get(f, c), c.replace("_station_", " ")) if c in NUMBERS
                         else fitting(text(get(f, c)), c) for c in COLUMNS[3:11])
        kind = fitting(usertype(get(f, "usertype"), modern), "usertype")
        if modern:  # no bikeid, membership_type, birth_year, gender
            seconds = duration(start, stop)
            _in_range(seconds, seconds, "tripduration")
            return (seconds, start, stop, *stations, None, None, kind, None, None)
        membership = text_or_none(get(f, "membership_type"))
        return (seconds, start, stop, *stations, whole_or_none(get(f, "bikeid"), "bikeid"),
                membership and fitting(membership, "membership_type"), kind,
                whole_or_none(get(f, "birth_year"), "birth_year"),
                whole_or_none(get(f, "gender"), "gender"))

    def _get(self, fields, column):
        i = self.index.get(column)
        return None if i is None else fields[i]

    def _fast_classic(self):
        """row() for classic files: the common case in few steps; anything unusual (an
        empty marker like \\N, a bad value) goes to the careful path, which says why."""
        width, careful = self.width, self._careful_row
        # Anything that may not fit its column goes to the careful path, which says why: a whole
        # number with more characters than the type's every value has (1985 fits a smallint),
        # a text longer than its column, a NUL in a text. One comparison per value.
        longest = {c: len(str(RANGES[t][1])) - 1 for c, t in NUMBERS.items() if t in RANGES}
        duration_max, bike_len, born_len, sex_len = RANGES["int"][1], *itemgetter(
            "bikeid", "birth_year", "gender")(longest)
        id_len, name_len, kind_len, user_len = itemgetter(
            "start_station_id", "start_station_name", "membership_type", "usertype")(MAX_LENGTH)
        # A column the file lacks reads an empty string appended to the fields.
        get = itemgetter(*[self.index.get(c, width) for c in COLUMNS])
        pad = any(c not in self.index for c in COLUMNS)

        def row(f):
            if len(f) != width:
                return careful(f)
            (dur, st, sp, ssid, ssn, slat, slon, esid, esn, elat, elon, bike, kind, user, born, sex) = get(
                [*f, ""] if pad else f
            )
            try:
                d, start, stop = int(dur), _HOURS[st[:13]] + _TAILS[st[13:]], \
                    _HOURS[sp[:13]] + _TAILS[sp[13:]]
                if (not 0 <= d <= duration_max or stop < start or len(bike) > bike_len
                        or len(born) > born_len or len(sex) > sex_len or len(ssid) > id_len
                        or len(esid) > id_len or len(ssn) > name_len or len(esn) > name_len
                        or len(kind) > kind_len or len(user) > user_len
                        or "\0" in ssid or "\0" in ssn or "\0" in esid or "\0" in esn
                        or "\0" in kind or "\0" in user):
                    return careful(f)
                a, b = float(slat) if slat else None, float(slon) if slon else None
                c, e = float(elat) if elat else None, float(elon) if elon else None
                if a != a or b != b or c != c or e != e:  # NaN, which the careful row reads as missing
                    return careful(f)
                return (d, start, stop, ssid, ssn, a, b, esid, esn, c, e,
                        int(bike) if bike else None, kind or None, user,
                        int(born) if born else None, int(sex) if sex else None)
            except (KeyError, ValueError):
                return careful(f)

        return row


def whole(text, column):
    """A whole number its column can hold; reasons name the column ("birth year")."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise BadRow(f"{_named(column)} {text!r} is not a whole number") from None
    return _in_range(value, text, column)


def _in_range(value: int, text, column) -> int:
    low, high = RANGES[NUMBERS[column]]
    if not low <= value <= high:
        raise BadRow(f"{_named(column)} {text!r} is out of range")
    return value


def _named(column: str) -> str:
    return column.replace("_", " ")


def number(text, what, read=float):
    """None when empty; BadRow when not a number."""
    if text is None or text.strip() in EMPTY:
        return None
    try:
        return read(text)
    except ValueError:
        raise BadRow(f"{what} {text!r} is not a number") from None
    except OverflowError:  # int(float("1e400")): no whole number
        raise BadRow(f"{what} {text!r} is out of range") from None


def whole_or_none(text, column):
    value = number(text, _named(column), lambda t: int(float(t)) if "." in t else int(t))  # some write 1985.0
    return value if value is None else _in_range(value, text, column)


_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d\d)(?::(\d\d)(\.\d{1,6})?)?")
_ISO = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,9})?")
# utc_text()'s memo, read by the hot path too: checked local "YYYY-MM-DD HH" -> UTC one, and
# checked ":MM:SS[.f]" -> normalised. Bounded: an entry per hour of data, 200,000 tails.
_HOURS: dict[str, str] = {}
_TAILS: dict[str, str] = {}


class _LocalHours(dict):
    """UTC "YYYY-MM-DD HH" -> New York hour of day, worked out once per hour, as
    station_hours_sql() and stations.station_hours() count (a nonexistent 02:30 in March is
    stored as 07:30 UTC: 3 o'clock)."""

    def __missing__(self, utc_hour):
        moment = datetime.fromisoformat(f"{utc_hour}:00").replace(tzinfo=UTC)
        hour = self[utc_hour] = moment.astimezone(NEW_YORK).hour
        return hour


LOCAL_HOUR = _LocalHours()


def utc_text(text, what) -> str:
    """New York local time (or a time with an offset) as naive UTC text; BadRow when it is not
    a date and time. A time out of range gives a text refusal() refuses."""
    if text is None:
        raise BadRow(f"{what} is missing")
    if not _ISO.fullmatch(text):
        text, utc = _other_to_iso(text.strip(), what)
        if utc:
            return text
    hour = text[:13]
    prefix = _HOURS.get(hour) or _hour_to_utc(hour)
    rest = text[13:19]
    if not prefix or rest[1:3] > "59" or rest[4:6] > "59":
        raise BadRow(f"{what} {text!r} is not a date and time")
    if FIRST_YEAR <= prefix < END_YEAR:  # the hot path reads only hours in range from the memo
        _HOURS[hour] = prefix
    fraction = text[20:26]
    tail = f"{rest}.{fraction:0<6}" if fraction else rest
    if len(_TAILS) < 200_000:
        _TAILS[text[13:]] = tail
    return prefix + tail


# A UTC text past datetime's range (the year 10000), or PostgreSQL's ±infinity or BC: refused
# by refusal() as PostgreSQL's direct path refuses them, with the same reason.
_BEYOND = "9999-12-31 23:59:59"


def _hour_to_utc(hour: str) -> str:
    """The UTC hour of a local one, "" when there is no such hour."""
    try:
        local = datetime.fromisoformat(hour.replace("T", " ") + ":00")
    except ValueError:
        return ""
    # A local time that occurs twice (November) or never (March) is read as standard time,
    # UTC-5 (the smaller of its two offsets), as utc_sql() and PostgreSQL's COPY read it.
    offset = min(local.replace(tzinfo=NEW_YORK, fold=fold).utcoffset() for fold in (0, 1))
    try:
        return (local - offset).isoformat(" ", "hours")
    except OverflowError:
        return _BEYOND[:13]


def _other_to_iso(text, what) -> tuple[str, bool]:
    """(local ISO text, False), or (UTC text, True) for a time with an offset or out of range."""
    m = _MDY.fullmatch(text)
    if m:
        month, day, year, hour, minute, second, fraction = m.groups()
        iso = f"{year}-{int(month):02d}-{int(day):02d} {int(hour):02d}:{minute}:{second or '00'}"
        return iso + (fraction or ""), False
    try:  # ISO without seconds, one-digit hours, an offset and the like
        moment = datetime.fromisoformat(text)
    except ValueError:
        if _beyond(text):
            return _BEYOND, True
        raise BadRow(f"{what} {text!r} is not a date and time") from None
    if moment.tzinfo is None:
        return moment.isoformat(" "), False
    try:
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" "), True
    except OverflowError:
        return _BEYOND, True


def _beyond(text: str) -> bool:
    """Whether PostgreSQL reads `text` as a time before or after any Python can hold."""
    lower = text.lower()
    if lower in ("infinity", "+infinity", "-infinity"):
        return True
    if not lower.endswith(" bc"):
        return False
    try:
        utc_text(text[:-3].rstrip(), "")
    except BadRow:
        return False
    return True
