"""Talking to a SPARQL 1.1 server over HTTP (the SPARQL 1.1 Protocol), with the standard library.

:class:`Endpoint` sends queries (``application/x-www-form-urlencoded`` POST, with the dataset
given by ``default-graph-uri`` / ``named-graph-uri`` parameters) and updates
(``application/sparql-update`` POST), and turns every failure into a one-line
:class:`~asean_customs_kg.errors.EnvError` (or :class:`~asean_customs_kg.errors.UsageError` when
the server rejects a query as invalid). Results are parsed with pyoxigraph into the same
:class:`~asean_customs_kg.rdf.results.Result` as the embedded engine's.

Credentials come from the environment, never from an argument: ``ACKG_ENDPOINT_TOKEN`` (sent as
``Authorization: Bearer``), or ``ACKG_ENDPOINT_USER`` and ``ACKG_ENDPOINT_PASSWORD``, or else the
user's netrc file (``NETRC`` or ``~/.netrc``) entry for the host. A user and password answer the
server's challenge, HTTP Basic or HTTP Digest (Virtuoso's ``/sparql-auth``), with the standard
library's handlers; they are not sent before the server asks for them. A URL holding
credentials (``https://user:secret@host/...``) is refused, and no message ever shows a secret:
URLs are shown through :func:`~.redact.redact_url`, and what a server or a failure says is
scrubbed of the credentials and of the URL's query values before it is cut to length
(:mod:`.redact`). A malformed netrc file is reported by line only, since Python's own message
quotes the file's words. Redirects are not followed (they would carry the credentials to
another address).
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

from ..errors import EnvError, UsageError
from ..rdf.results import Result
from .redact import Scrubber, redact_url, url_secrets

__all__ = [
    "DEFAULT_TIMEOUT",
    "ENV_PASSWORD",
    "ENV_TOKEN",
    "ENV_USER",
    "Credentials",
    "Endpoint",
    "check_url",
]

#: Seconds to wait for an answer to one request.
DEFAULT_TIMEOUT = 60.0
#: Environment variable holding a bearer token.
ENV_TOKEN = "ACKG_ENDPOINT_TOKEN"
#: Environment variable holding the user name for HTTP Basic authentication.
ENV_USER = "ACKG_ENDPOINT_USER"
#: Environment variable holding the password for HTTP Basic authentication.
ENV_PASSWORD = "ACKG_ENDPOINT_PASSWORD"

_SELECT_TYPES = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
_GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"


def check_url(url: str, what: str = "endpoint") -> str:
    """``url`` when it is an absolute ``http``/``https`` URL without credentials in it.

    Raises :class:`UsageError` otherwise (the message never repeats a password).
    """
    shown = redact_url(url)
    invalid = UsageError(
        f"invalid {what} URL {shown[:80]!r}: expected http://HOST[:PORT]/PATH or https://..."
    )
    try:
        parts = urllib.parse.urlsplit(url)
        credentials = parts.username is not None or parts.password is not None
        port_ok = parts.port is None or parts.port >= 0
    except ValueError:  # a port that is not a number (or a password cut short by a '/')
        raise invalid from None
    if credentials:
        raise UsageError(
            f"the {what} URL must not hold credentials ({shown}); "
            f"set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}, in the environment instead"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise invalid
    if re.search(r"[^\x21-\x7e]", url):
        raise UsageError(
            f"invalid {what} URL {shown[:80]!r}: it holds a space, a control character or a "
            "character that is not ASCII; percent-encode it (%20, %C3%A9...)"
        )
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Credentials:
    """How requests authenticate: a bearer token, a user and password, or nothing.

    ``source`` says where they came from (for messages); the secret never appears in ``repr``.
    """

    __slots__ = ("_header", "_login", "_secrets", "source")

    def __init__(
        self,
        header: str | None,
        source: str,
        secrets: Sequence[str] = (),
        login: tuple[str, str] | None = None,
    ) -> None:
        self._header = header
        self._login = login
        self.source = source
        self._secrets = tuple(secret for secret in secrets if secret)

    def __repr__(self) -> str:
        return f"<Credentials from {self.source}>"

    @classmethod
    def basic(cls, user: str, password: str, source: str) -> Credentials:
        """A user and password, for HTTP Basic or HTTP Digest as the server asks."""
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return cls(None, source, (password, token), (user, password))

    @classmethod
    def bearer(cls, token: str, source: str) -> Credentials:
        """A bearer token. Raises :class:`UsageError` (without the token) for one that cannot
        travel in a header: with white space, a control or a non-ASCII character (the HTTP
        library's own error would quote it)."""
        if re.search(r"[^\x21-\x7e]", token):
            raise UsageError(
                f"the bearer token from {source} holds white space, a control character or a "
                "character that is not ASCII; check its value"
            )
        return cls(f"Bearer {token}", source, (token,))

    @classmethod
    def from_environment(cls, url: str, environ: Mapping[str, str] | None = None) -> Credentials:
        """The credentials for ``url``: ``ACKG_ENDPOINT_TOKEN``, else ``ACKG_ENDPOINT_USER`` and
        ``ACKG_ENDPOINT_PASSWORD``, else the netrc entry of the URL's host, else none."""
        env = os.environ if environ is None else environ
        token = env.get(ENV_TOKEN)
        if token:
            return cls.bearer(token, ENV_TOKEN)
        user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
        if user or password:
            if not (user and password):
                have, missing = (ENV_USER, ENV_PASSWORD) if user else (ENV_PASSWORD, ENV_USER)
                raise UsageError(f"{have} is set but {missing} is not; set both, or {ENV_TOKEN}")
            return cls.basic(user, password, f"{ENV_USER}/{ENV_PASSWORD}")
        host = urllib.parse.urlsplit(url).hostname or ""
        found = _netrc_entry(host, env)
        if found is not None:
            return cls.basic(found[0], found[1], "netrc")
        return cls(None, "none")

    @property
    def header(self) -> str | None:
        """The ``Authorization`` header sent with every request (a bearer token), or None."""
        return self._header

    @property
    def given(self) -> bool:
        """Whether there are credentials at all."""
        return self._header is not None or self._login is not None

    def handlers(self, url: str) -> list[urllib.request.BaseHandler]:
        """The handlers that answer a server's HTTP Basic or Digest challenge for ``url``'s
        host with the user and password (none for a token or no credentials)."""
        if self._login is None:
            return []
        parts = urllib.parse.urlsplit(url)
        passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
        passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", *self._login)
        return [_BasicAuth(passwords), _DigestAuth(passwords)]

    def scrub(self, text: str) -> str:
        """``text`` with every secret (in the forms a server may echo it) replaced by ``***``."""
        return self.scrubber(text)

    @property
    def scrubber(self) -> Scrubber:
        """A :class:`~.redact.Scrubber` of these credentials' secrets."""
        return Scrubber(self._secrets)


def _netrc_entry(host: str, env: Mapping[str, str]) -> tuple[str, str] | None:
    import netrc

    path = env.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if not host or not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except netrc.NetrcParseError as error:
        # Python's message quotes the offending word, which may be the password itself.
        raise EnvError(
            f"cannot read the netrc file {path}: it is malformed near line {error.lineno} "
            "(each entry reads 'machine HOST login USER password SECRET')"
        ) from None
    except OSError as error:
        raise EnvError(
            f"cannot read the netrc file {path}: {error.strerror or type(error).__name__}"
        ) from None
    except UnicodeDecodeError:  # neither UTF-8 nor the locale's encoding
        raise EnvError(
            f"cannot read the netrc file {path}: it is not UTF-8 text; save it as UTF-8"
        ) from None
    if entry is None or not entry[2]:
        return None
    return entry[0] or "", entry[2]


def _ask_answer(answer: Result) -> Result:
    """The boolean of an ASK query that Virtuoso answers as a SELECT: one variable
    ``__ASK_RETVAL``, with one row holding 1 (true) or no row or 0 (false)."""
    values = [row[0].value for row in answer.solutions if row and row[0] is not None]
    return Result("ask", boolean=any(value in ("1", "true") for value in values))


def _asks_for(headers: http.client.HTTPMessage, scheme: str) -> bool:
    challenges = headers.get_all("WWW-Authenticate") or []
    return any(challenge.split(" ", 1)[0].lower() == scheme for challenge in challenges)


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """Answers a Digest challenge; leaves any other to the next handler instead of raising
    ``ValueError`` as the standard library's handler does."""

    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        if not _asks_for(headers, "digest"):
            return None
        return super().http_error_401(req, fp, code, msg, headers)


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    """Answers a Basic challenge; a 401 asking for another scheme (Bearer...) stays a 401
    instead of the standard library's ``ValueError``."""

    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        if not _asks_for(headers, "basic"):
            return None
        return super().http_error_401(req, fp, code, msg, headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirect to {redact_url(newurl)}", headers, fp
        )


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


class Endpoint:
    """A SPARQL 1.1 endpoint: ``query`` and ``update`` over HTTP with a timeout and credentials.

    ``url`` is where requests go; a query is sent to ``url`` and an update too (a server that
    takes both at one address, or a client that made one ``Endpoint`` per address).
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        credentials: Credentials | None = None,
    ) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        self.credentials = (
            credentials if credentials is not None else Credentials.from_environment(url)
        )
        handlers: list[urllib.request.BaseHandler] = [
            _NoRedirect(),
            *self.credentials.handlers(url),
        ]
        if _is_loopback(urllib.parse.urlsplit(url).hostname or ""):
            handlers.append(urllib.request.ProxyHandler({}))
        self._opener = urllib.request.build_opener(*handlers)
        self._scrub = self.credentials.scrubber + Scrubber(url_secrets(url))

    def __repr__(self) -> str:
        return f"<Endpoint {self.display_url}>"

    @property
    def display_url(self) -> str:
        """The URL as shown in messages (:func:`~.redact.redact_url`: no user information, no
        query values)."""
        return redact_url(self.url)

    def _send(self, body: bytes, content_type: str, accept: str | None) -> tuple[str, bytes]:
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        if self.credentials.header:
            request.add_header("Authorization", self.credentials.header)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return _media_type(response.headers.get("Content-Type")), response.read()
        except urllib.error.HTTPError as error:
            raise self._http_error(error) from None
        except TimeoutError:
            raise EnvError(
                f"the SPARQL endpoint {self.display_url} did not answer within "
                f"{self.timeout:g} s; try again later or raise --timeout"
            ) from None
        except urllib.error.URLError as error:
            raise self._unreachable(error.reason) from None
        except (http.client.HTTPException, ConnectionError, OSError) as error:
            raise self._unreachable(error) from None

    def _unreachable(self, reason: object) -> EnvError:
        if isinstance(reason, TimeoutError):
            return EnvError(
                f"the SPARQL endpoint {self.display_url} did not answer within "
                f"{self.timeout:g} s; try again later or raise --timeout"
            )
        if isinstance(reason, ConnectionRefusedError):
            detail = "connection refused; is the server running?"
        elif isinstance(reason, ConnectionError | http.client.HTTPException):
            detail = f"the connection was dropped ({type(reason).__name__})"
        elif isinstance(reason, socket.gaierror):
            detail = "unknown host"
        else:
            detail = str(getattr(reason, "strerror", None) or reason)
        message = f"cannot reach the SPARQL endpoint {self.display_url}: {self._scrub(detail)}"
        return EnvError(self._scrub(message))

    def _http_error(self, error: urllib.error.HTTPError) -> EnvError:
        try:
            body = error.read().decode("utf-8", errors="replace")
        except OSError:
            body = ""
        # Scrub the whole body before taking its first line and cutting it: a secret cut in
        # two would no longer be recognised.
        body = self._scrub(body)
        first = next((line.strip() for line in body.splitlines() if line.strip()), "")
        detail = f": {first[:200]}" if first else ""
        status = self._scrub(f"HTTP {error.code} {error.reason}".strip())
        if error.code in (401, 403):
            if not self.credentials.given:
                hint = f"set {ENV_USER} and {ENV_PASSWORD}, or {ENV_TOKEN}"
            else:
                hint = f"check the credentials from {self.credentials.source}"
            message = f"the SPARQL endpoint {self.display_url} refused access ({status}); {hint}"
        elif 300 <= error.code < 400:
            message = (
                f"the SPARQL endpoint {self.display_url} answered with a redirect ({status}); "
                "give the final URL instead"
            )
        else:
            message = f"the SPARQL endpoint {self.display_url} failed ({status}){detail}"
        failure = EnvError(self._scrub(message))
        failure.status = error.code  # type: ignore[attr-defined]
        return failure

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> Result:
        """Runs a query; the dataset is given by ``default_graphs`` and ``named_graphs`` (the
        server's own default when both are empty)."""
        from ..rdf.sparqltext import query_form

        fields = [("query", sparql)]
        fields += [("default-graph-uri", iri) for iri in default_graphs]
        fields += [("named-graph-uri", iri) for iri in named_graphs]
        graph_form = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        try:
            media, body = self._send(
                urllib.parse.urlencode(fields).encode("utf-8"),
                "application/x-www-form-urlencoded",
                _GRAPH_TYPES if graph_form else _SELECT_TYPES,
            )
        except EnvError as error:
            if getattr(error, "status", None) == 400:
                raise UsageError(
                    str(error).replace("failed (HTTP 400", "rejected the query (HTTP 400", 1)
                ) from None
            raise
        answer = self._result(media, body)
        if query_form(sparql) == "ASK" and answer.variables == ["__ASK_RETVAL"]:
            return _ask_answer(answer)
        return answer

    def _result(self, media: str, body: bytes) -> Result:
        try:
            return Result.from_response(body, media)
        except (SyntaxError, ValueError, OSError) as error:
            raise EnvError(
                f"the SPARQL endpoint {self.display_url} sent an answer that cannot be read "
                f"({media or 'no content type'}): {self._scrub(str(error), 160)}"
            ) from None

    def update(self, sparql: str) -> None:
        """Runs a SPARQL update; the server applies one request as one transaction (on the
        servers the project documents)."""
        self._send(sparql.encode("utf-8"), "application/sparql-update", None)
