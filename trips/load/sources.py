"""Where trip files come from: local .csv/.csv.gz/.zip files and http(s) URLs, streamed.

A Source hashes every byte it reads (the ledger's key) and yields one binary stream per
CSV it holds (a zip holds several). Nothing is read into memory whole.
"""

import base64
import gzip
import hashlib
import http.client
import io
import shutil
import tempfile
import urllib.request
import zipfile
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.parse import unquote, urlsplit, urlunsplit

from common.masking import mask_url

READ_BYTES = 1 << 20
USER_AGENT = "django-database-tutorials load_trips"
ZIP_MAGIC, GZIP_MAGIC = b"PK\x03\x04", b"\x1f\x8b"


class SourceError(Exception):
    """A file or URL that cannot be read; the message names it."""


def shown(location: str) -> str:
    """`location` as messages may show it: a URL's password (however unquoted) and every
    query value masked (`http://bob:***@host/x.csv?token=***`: a signed download's query is
    its key); a local path as it is."""
    if "://" not in location:
        return location
    head, question, rest = mask_url(location).partition("?")
    query, hash_, fragment = rest.partition("#")
    values = "&".join(f"{p.partition('=')[0]}=***" if "=" in p else "***" for p in query.split("&") if p)
    return f"{head}{question if values else ''}{values}{hash_}{fragment}"


class HashingReader(io.RawIOBase):
    """Passes bytes through, adding them to a SHA-256 and a byte count."""

    def __init__(self, raw):
        self.raw, self.sha256, self.bytes = raw, hashlib.sha256(), 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.sha256.update(data)
        self.bytes += len(data)
        buffer[: len(data)] = data
        return len(data)


class Download(io.RawIOBase):
    """A download's body. It must bring the Content-Length it announced: http.client returns
    a body cut short (the server closed the connection) as if it were whole. The error is
    also kept in source.failure: PostgreSQL's COPY reports a read's error as its own."""

    def __init__(self, response, source: "Source"):
        self.response, self.source, self.got = response, source, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            n = self.response.readinto(buffer) if len(buffer) else 0
        except http.client.HTTPException as exc:  # a chunked body cut short, among others
            raise self._failed(f"the download failed ({type(exc).__name__})") from None
        self.got += n
        expected = self.source.size
        if not n and len(buffer) and expected is not None and self.got < expected:
            raise self._failed(f"the download stopped after {self.got:,} of {expected:,} bytes")
        return n

    def _failed(self, reason: str) -> "SourceError":
        self.source.failure = SourceError(f"{self.source.shown}: {reason}")
        return self.source.failure


class Source:
    def __init__(self, location: str):
        self.location, self.shown = location, shown(location)
        self.failure: SourceError | None = None  # what stopped the last read of a download
        self.is_url = urlsplit(location).scheme.lower() in ("http", "https")
        self.name = Path(urlsplit(location).path).name if self.is_url else Path(location).name
        self.size = None if self.is_url else Path(location).stat().st_size

    @classmethod
    def check(cls, location: str) -> "Source":
        if "://" in location and urlsplit(location).scheme.lower() not in ("http", "https"):
            raise SourceError(f"{shown(location)}: only local paths and http(s) URLs can be loaded")
        if "://" not in location and Path(location).is_dir():
            raise SourceError(f"{location}: is a directory, not a file")
        if "://" not in location and not Path(location).is_file():
            raise SourceError(f"{location}: no such file")
        return cls(location)

    def hash_now(self) -> str:
        with self._raw() as raw:
            return hashlib.file_digest(raw, "sha256").hexdigest()

    def plain_file(self) -> Path | None:
        """The local file itself when it is an uncompressed CSV, which can be read in chunks."""
        if self.is_url:
            return None
        with open(self.location, "rb") as f:
            magic = f.read(4)
        return None if magic.startswith((ZIP_MAGIC, GZIP_MAGIC)) else Path(self.location)

    @contextmanager
    def _raw(self):
        if not self.is_url:
            with open(self.location, "rb") as f:
                yield f
            return
        self.failure = None
        url, headers = self.location, {"User-Agent": USER_AGENT}
        parts = urlsplit(url)
        if parts.username is not None:  # user:password@ is sent as HTTP basic authentication
            user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode("ascii")
            url = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], *parts[2:]))
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            response = urllib.request.urlopen(request, timeout=60)  # noqa: S310 (http(s) only, checked above)
        except (URLError, OSError, ValueError) as exc:
            raise SourceError(f"{self.shown}: cannot download ({self._scrubbed(exc)})") from None
        with response:
            length = response.headers.get("Content-Length")
            self.size = int(length) if length and length.isdigit() else self.size
            yield Download(response, self)

    def _scrubbed(self, exc) -> str:
        """An error's text without the URL's secrets (http.client quotes a bad URL whole)."""
        parts, text = urlsplit(self.location), str(exc).replace(self.location, self.shown)
        secrets = {parts.password, parts.query, *(p.partition("=")[2] for p in parts.query.split("&"))}
        for secret in sorted({x for s in secrets if s for x in (s, unquote(s))}, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    @contextmanager
    def csvs(self):
        """(hashing reader, iterator of (CSV name, binary stream)) for the whole source."""
        with self._raw() as raw:
            reader = HashingReader(raw)
            buffered = io.BufferedReader(reader, READ_BYTES)
            magic = buffered.peek(4)[:4]
            if magic.startswith(ZIP_MAGIC):
                yield reader, self._zip_csvs(buffered)
            elif magic.startswith(GZIP_MAGIC):
                unzipped = io.BufferedReader(gzip.GzipFile(fileobj=buffered), READ_BYTES)
                yield reader, iter([(self.name, unzipped)])
            else:
                yield reader, iter([(self.name, buffered)])
            while reader.read(READ_BYTES):  # what was left unread: the hash is the whole file's
                pass

    def _zip_csvs(self, buffered):
        # A zip's directory is at its end: spool it (to disk, not memory) when not seekable.
        with tempfile.TemporaryFile() as spool:
            shutil.copyfileobj(buffered, spool, READ_BYTES)
            spool.seek(0)
            try:
                archive = zipfile.ZipFile(spool)
            except zipfile.BadZipFile as exc:
                raise SourceError(f"{self.shown}: not a readable zip ({exc})") from None
            with archive:
                members = [
                    m for m in archive.infolist()
                    if m.filename.lower().endswith(".csv") and not m.filename.startswith("__MACOSX/")
                ]
                if not members:
                    raise SourceError(f"{self.shown}: the zip holds no .csv file")
                if encrypted := next((m for m in members if m.flag_bits & 0x1), None):
                    raise SourceError(f"{self.name}: {encrypted.filename} is encrypted; "
                                      "load_trips cannot read it")
                for member in members:
                    with archive.open(member) as stream:
                        yield f"{self.name}!{member.filename}", io.BufferedReader(stream, READ_BYTES)
