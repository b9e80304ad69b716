"""Writing IRIs as prefixed names for people (``body:cptfwg``), in reports, diffs and messages."""

from __future__ import annotations

import re

from .vocab import DCT, ORG, OWL, RDF, RDFS, SH, SKOS, XSD

__all__ = ["Shortener"]

_WELL_KNOWN = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "skos": SKOS,
    "dct": DCT,
    "org": ORG,
}


_IRI = re.compile(r"<(https?://[^<>\s\"]+)>|(https?://[^\s<>\"(),;]*[^\s<>\"(),;.:])")


_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


class Shortener:
    """Writes IRIs as prefixed names (``body:cptfwg``) where a declared prefix allows."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        merged = dict(_WELL_KNOWN)
        merged.update({name: ns for name, ns in prefixes.items() if ns})
        # The longest namespace first, so that ovw:p1 wins over src:asean-customs-overview/p1.
        self._pairs = sorted(merged.items(), key=lambda item: (-len(item[1]), item[0]))

    def term(self, iri: str) -> str:
        """``prefix:local`` where a declared namespace allows it, else ``<iri>``."""
        for name, namespace in self._pairs:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if _LOCAL.fullmatch(local) and not local.endswith("."):
                    return f"{name}:{local}"
        return f"<{iri}>"

    def value(self, text: str | None) -> str | None:
        """A finding's value or focus: IRIs shortened, literals and blank nodes as they are."""
        if text is None or text.startswith(('"', "_:")):
            return text
        return self.term(text)

    def message(self, text: str) -> str:
        """Every IRI in ``text`` (bare or in angle brackets) shortened."""
        return _IRI.sub(lambda match: self.term(match.group(1) or match.group(2)), text)
