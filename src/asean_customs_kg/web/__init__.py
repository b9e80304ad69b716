"""``ackg serve``: the graph on the web, for programs and for people.

One process serves the SPARQL 1.1 Protocol (read-only), the saved queries as a Web API with
its OpenAPI description, and pages: the home page with the org chart and the timeline, a page
per saved query, a SPARQL page, and the page of every resource of the project's namespace (by
content negotiation also in Turtle, JSON-LD and N-Triples, from
:mod:`asean_customs_kg.publish.pages`).

The subpackage uses the library only through its public functions (running saved and ad-hoc
queries, the backends, the diagrams, the resource pages) and needs the ``web`` extra
(Starlette, Uvicorn, Jinja2); nothing on the saved-query path imports it.

* :mod:`.server` -- :func:`~.server.serve`: the socket, Uvicorn, the logs, the signals;
* :mod:`.app` -- the application, its protocol and API routes, and the safety of every answer;
* :mod:`.views` -- the pages for people;
* :mod:`.service` -- the graph, the saved queries and the limits behind the routes;
* :mod:`.limits`, :mod:`.negotiation`, :mod:`.openapi` -- the limits, the formats, the API's
  description.
"""

__all__: list[str] = []
