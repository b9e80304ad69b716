"""The security headers of every answer of ``ackg serve``, and the one page's exception."""

from __future__ import annotations

__all__ = ["CSP", "CSP_EDITOR", "SECURITY_HEADERS"]

#: The Content-Security-Policy of every answer: the server's own stylesheet and images only.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: The headers that every answer carries (unless it sets them itself).
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
#: The policy of the SPARQL page with the YASGUI editor: its table's column resizer adds
#: ``<style>`` elements, so styles written by the page's own scripts are allowed there.
#: Scripts are still the server's own only.
CSP_EDITOR = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
