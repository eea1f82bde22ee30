"""NCBI E-utilities, asked on request only (``il1rn-annot catalog check-updates``).

The only module that opens a network connection; nothing else imports it, and ``annotate``
never does (a test runs it with sockets disabled). It sends one query, ``IL1RN[gene]`` on
db=clinvar (esearch, then esummary for the ids found), never a sample, a file name or a
variant of the user's. NCBI's rules: at most 3 requests a second without an API key, 10 with
one (``--api-key``/``NCBI_API_KEY``); ``tool=il1rn-annot`` names the caller. Replies are
cached (``--cache-dir``, default ``$XDG_CACHE_HOME/il1rn-annot``) and the cache's age is shown.
Timeouts, 429 and 5xx are retried with exponential backoff, honouring Retry-After; whatever
still fails is one line and exit 3 (``NetworkError``), like an unreadable input.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from il1rn_annot import __version__
from il1rn_annot.errors import Il1rnAnnotError

log = logging.getLogger(__name__)

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
TERM = "IL1RN[gene]"
TOOL = "il1rn-annot"
#: Ids per esummary request: a GET URL stays short (NCBI suggests POST beyond ~200).
BATCH = 200
RETRY_STATUS = (429, 500, 502, 503, 504)
MAX_WAIT = 60.0  # the longest Retry-After honoured, in seconds


class NetworkError(Il1rnAnnotError):
    """NCBI could not be reached or answered with something unusable (exit 3)."""


@dataclass(frozen=True)
class Answer:
    """IL1RN's ClinVar records as esummary gives them, and when they were fetched."""

    records: tuple[dict, ...]
    fetched_at: float  # seconds since the epoch
    from_cache: bool
    base_url: str

    @property
    def age_hours(self) -> float:
        return max(0.0, (time.time() - self.fetched_at) / 3600)


@dataclass
class Client:
    base_url: str = EUTILS
    api_key: str | None = None
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    sleep: Callable[[float], None] = time.sleep
    _last: float = field(default=0.0, repr=False)
    _session: object = field(default=None, repr=False)

    @property
    def interval(self) -> float:
        """NCBI's rate rule: 3 requests a second without a key, 10 with one (and a margin)."""
        return 0.11 if self.api_key else 0.34

    def get(self, endpoint: str, params: dict[str, str]) -> dict:
        """One E-utilities JSON reply, retried on timeouts, 429 and 5xx."""
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = f"{TOOL}/{__version__}"
        url = f"{self.base_url.rstrip('/')}/{endpoint}"
        query = {**params, "retmode": "json", "tool": TOOL}
        if self.api_key:
            query["api_key"] = self.api_key
        problem, wait = "", 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(wait)
            self._pace()
            try:
                reply = self._session.get(url, params=query, timeout=self.timeout)
            except requests.Timeout:
                problem = f"no answer within {self.timeout:g} s"
                wait = self.backoff * 2**attempt
                continue
            except requests.ConnectionError as exc:
                raise NetworkError(
                    f"cannot reach NCBI E-utilities (offline? {_reason(exc)})", self.base_url
                ) from None
            except requests.RequestException as exc:  # a bad URL, a reply cut short, ...
                raise NetworkError(f"{endpoint}: {_reason(exc)}", self.base_url) from None
            if reply.status_code in RETRY_STATUS:
                problem = f"HTTP {reply.status_code}"
                wait = _retry_after(reply.headers.get("Retry-After"), self.backoff * 2**attempt)
                continue
            if reply.status_code != 200:
                raise NetworkError(f"{endpoint}: HTTP {reply.status_code}", self.base_url)
            return _json(reply.text, endpoint, self.base_url)
        tries = self.retries + 1
        raise NetworkError(f"{endpoint}: {problem} ({tries} tries)", self.base_url)

    def _pace(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()


def _reason(exc: Exception) -> str:
    """The innermost reason of a connection failure, in one line."""
    while exc.__context__ is not None and str(exc.__context__):
        exc = exc.__context__  # type: ignore[assignment]
    return " ".join(str(exc).split())[:200]


def _retry_after(header: str | None, default: float) -> float:
    """Seconds to wait: Retry-After as seconds or an HTTP date (RFC 9110), else ``default``.

    >>> _retry_after("2", 1.0), _retry_after(None, 1.0), _retry_after("soon", 4.0)
    (2.0, 1.0, 4.0)
    """
    if not header:
        return default
    try:
        return min(MAX_WAIT, max(0.0, float(header)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return default
    return min(MAX_WAIT, max(0.0, when - time.time()))


def _json(text: str, endpoint: str, base_url: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        raise NetworkError(f"{endpoint}: the answer is not JSON", base_url) from None
    if not isinstance(data, dict):
        raise NetworkError(f"{endpoint}: the answer is not an E-utilities JSON object", base_url)
    if "error" in data:
        raise NetworkError(f"{endpoint}: NCBI says: {str(data['error'])[:200]}", base_url)
    return data


def fetch_records(client: Client) -> list[dict]:
    """Every ClinVar record of IL1RN: esearch for the ids, esummary for the records."""
    ids: list[str] = []
    while True:
        found = client.get(
            "esearch.fcgi",
            {"db": "clinvar", "term": TERM, "retmax": "500", "retstart": str(len(ids))},
        )
        result = found.get("esearchresult")
        if not isinstance(result, dict) or "ERROR" in result:
            why = result.get("ERROR") if isinstance(result, dict) else "no esearchresult"
            raise NetworkError(f"esearch.fcgi: {why}", client.base_url)
        try:
            count = int(result["count"])
            page = [str(int(i)) for i in result["idlist"]]
        except (KeyError, TypeError, ValueError):
            problem = "esearch.fcgi: no count/idlist in the answer"
            raise NetworkError(problem, client.base_url) from None
        ids.extend(page)
        if not page or len(ids) >= count:
            break
    records = []
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        summary = client.get("esummary.fcgi", {"db": "clinvar", "id": ",".join(chunk)})
        result = summary.get("result")
        if not isinstance(result, dict):
            raise NetworkError("esummary.fcgi: no result in the answer", client.base_url)
        for uid in chunk:
            record = result.get(uid)
            if not isinstance(record, dict) or record.get("error"):
                raise NetworkError(f"esummary.fcgi: no summary for id {uid}", client.base_url)
            records.append(record)
    return records


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "il1rn-annot"


def il1rn_records(
    client: Client, cache_dir: Path | None, max_age_hours: float, refresh: bool = False
) -> Answer:
    """IL1RN's ClinVar records from the cache when it is younger than ``max_age_hours``, else
    from NCBI (and cached)."""
    cache = (cache_dir or default_cache_dir()) / _cache_name(client.base_url)
    if not refresh:
        cached = _read_cache(cache)
        if cached is not None and (time.time() - cached[0]) / 3600 <= max_age_hours:
            return Answer(tuple(cached[1]), cached[0], True, client.base_url)
    records = fetch_records(client)
    now = time.time()
    _write_cache(cache, {"fetched_at": now, "term": TERM, "records": records})
    return Answer(tuple(records), now, False, client.base_url)


def _cache_name(base_url: str) -> str:
    """One cache file per server (tests point at 127.0.0.1; the key is not part of it)."""
    digest = hashlib.sha256(base_url.rstrip("/").encode()).hexdigest()[:12]
    return f"clinvar-IL1RN-{digest}.json"


def _read_cache(path: Path) -> tuple[float, list[dict]] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return float(data["fetched_at"]), list(data["records"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or a damaged one: ask again


def _write_cache(path: Path, data: dict) -> None:
    """Atomically; a cache that cannot be written is a warning, not a failure."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("%s: cannot write the cache: %s", path.parent, exc.strerror)
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
