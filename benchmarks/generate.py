"""Grow a synthetic graph of the same shape as the project's data, for the scale benchmarks.

The graph is made of *communities*: each one is a customs community built like ASEAN Customs in
``data/`` (a directors-general meeting, a coordinating committee, working groups and sub-working
groups in a reporting tree with a qualified ``ack:ReportingLine`` per line; the establishments and
numbered meetings that created them; a series of five-year plans with their periods and
endorsements; dialogue partnerships with partner states, their administrations and their
cooperation activities; a business council; member states (agents, each with its territory) with
their customs administrations, ministries and memberships; initiatives with their legal
instruments; controlled terms; and a source document with numbered passages that every resource
cites with ``dct:source``). Communities are added until the graph holds at least the requested
number of triples, so a graph of 10^6 triples is about a thousand communities side by side: the
way the model grows when other regional bodies reuse it.

Every name is synthetic ("Synthetic Customs Community 12", ``https://example.org/...`` pages): no
fact is invented about a real body. Identifiers and acronyms are unique across the whole graph,
so the graph conforms to ``ontology/shapes.ttl`` and is consistent under the ontology.

The output is a directory shaped like the project (``data/*.ttl`` split by topic, with
``ontology/`` and ``queries/`` linked to the project's), so the real commands run on it with
``ACKG_HOME=<dir>``; ``benchmark.json`` beside them gives the triple count and, for each saved
query with parameters, values that name resources of the synthetic graph. The same seed and size
give the same bytes. Usage::

    .venv/bin/python benchmarks/generate.py --triples 1e5 --seed 1 -o build/bench/1e5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parent.parent

ID = "https://w3id.org/asean-customs-kg/id/"
PAGE = "https://example.org/synthetic-customs/"

PREFIXES = {
    "ack": "https://w3id.org/asean-customs-kg/ontology#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "activity": ID + "activity/",
    "body": ID + "body/",
    "concept": ID + "concept/",
    "event": ID + "event/",
    "initiative": ID + "initiative/",
    "instrument": ID + "instrument/",
    "line": ID + "reporting-line/",
    "membership": ID + "membership/",
    "organization": ID + "organization/",
    "partnership": ID + "partnership/",
    "period": ID + "period/",
    "place": ID + "place/",
    "plan": ID + "plan/",
    "scheme": ID + "scheme/",
    "src": ID + "source/",
    "state": ID + "state/",
}

#: The data files, one per topic as in the project's ``data/``.
TOPICS = (
    "bodies",
    "concepts",
    "events",
    "initiatives",
    "members",
    "partnerships",
    "places",
    "plans",
    "sources",
)

#: Object values: a prefixed name or ``<iri>`` is written as it is; text goes through :func:`en`.
Value = str
Facts = Sequence[tuple[str, Value | Sequence[Value]]]


def en(text: str) -> str:
    """An English language-tagged literal (the generator's texts hold no quote or backslash)."""
    return f'"{text}"@en'


def plain(text: str) -> str:
    """A plain string literal."""
    return f'"{text}"'


def slug_literal(text: str) -> str:
    """An identifier of the project's scheme (``ack:Slug``)."""
    return f'"{text}"^^ack:Slug'


def line_iri(sub: str, sup: str) -> str:
    """The reporting line from ``sub`` to ``sup`` (prefixed names of two bodies)."""
    return f"line:{sub.split(':')[1]}-to-{sup.split(':')[1]}"


def typed(text: str, datatype: str) -> str:
    """A literal of an XSD datatype (``date``, ``gYear``...)."""
    return f'"{text}"^^xsd:{datatype}'


class Writer:
    """Writes subject blocks of Turtle to one file per topic, counting the triples."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.triples = 0
        self._files: dict[str, TextIO] = {}
        header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
        for topic in TOPICS:
            out = (directory / f"{topic}.ttl").open("w", encoding="utf-8", newline="\n")
            out.write(f"# Synthetic {topic} for the scale benchmarks (benchmarks/generate.py).\n")
            out.write(header)
            self._files[topic] = out

    def block(self, topic: str, subject: str, kind: str, facts: Facts) -> None:
        """Writes ``subject a kind`` and its facts (a list of objects gives several triples)."""
        lines = [f"\n{subject} a {kind}"]
        self.triples += 1
        for predicate, value in facts:
            values = [value] if isinstance(value, str) else list(value)
            if not values:
                continue
            lines.append(f"    {predicate} {', '.join(values)}")
            self.triples += len(values)
        self._files[topic].write(" ;\n".join(lines) + " .\n")

    def close(self) -> None:
        for out in self._files.values():
            out.close()


def _date(rng: random.Random, year: int) -> str:
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if (month, day) == (1, 1):
        day = 2  # a 1 January day reads as a year dressed up as a day (a shapes warning)
    return f"{year:04d}-{month:02d}-{day:02d}"


#: One regional organisation that the member states of every community belong to; its acronym is
#: the one that the ``member-states`` query looks for.
REGIONAL = "organization:synthetic-regional-organization"
SHARED_SOURCE = "src:synthetic-benchmarks"


def _shared(out: Writer) -> None:
    """The concept schemes that every community's terms belong to, and the regional organisation
    that their member states join."""
    out.block(
        "sources",
        SHARED_SOURCE,
        "ack:SourceDocument",
        [
            ("skos:prefLabel", en("Synthetic graph of the scale benchmarks")),
            ("foaf:page", f"<{PAGE}>"),
        ],
    )
    out.block(
        "members",
        REGIONAL,
        "ack:RegionalOrganization",
        [
            ("skos:prefLabel", en("Synthetic regional organisation")),
            # The acronym that ``member-states`` looks up by default.
            ("skos:notation", plain("ASEAN")),
            ("org:identifier", slug_literal("synthetic-regional-organization")),
            ("dct:source", SHARED_SOURCE),
        ],
    )
    for slug, name in (
        ("priority-areas", "Priority areas of the synthetic customs communities"),
        ("aims", "Aims and purposes in the synthetic customs communities"),
        ("fields-of-work", "Fields of work of the synthetic customs communities"),
    ):
        out.block(
            "concepts",
            f"scheme:synthetic-{slug}",
            "skos:ConceptScheme",
            [
                ("skos:prefLabel", en(name)),
                ("skos:definition", en(f"Controlled terms: {name.lower()}.")),
            ],
        )


class Community:
    """One synthetic customs community; ``k`` numbers it and keeps its names unique."""

    def __init__(self, k: int, rng: random.Random) -> None:
        self.k = k
        self.rng = rng
        self.c = f"c{k}"  # slug part
        self.tag = f"C{k}"  # acronym part
        self.name = f"Synthetic Customs Community {k}"
        self.doc = f"src:{self.c}-overview"
        self.passages = [f"<{ID}source/{self.c}-overview/p{n}>" for n in range(1, 8)]
        self.working_groups: list[str] = []
        self.sub_working_groups: list[str] = []
        self.acronyms: dict[str, str] = {}
        self.partners: list[str] = []
        self.plans: list[str] = []
        self.meetings: list[tuple[str, str]] = []

    def p(self, n: int) -> str:
        return self.passages[n - 1]

    def write(self, out: Writer) -> None:
        self._sources(out)
        self._concepts(out)
        self._places(out)
        self._bodies(out)
        self._meetings(out)
        self._plans(out)
        self._partnerships(out)
        self._members(out)

    # --- sources ------------------------------------------------------------------------------

    def _sources(self, out: Writer) -> None:
        out.block(
            "sources",
            self.doc,
            "ack:SourceDocument",
            [
                ("skos:prefLabel", en(f"{self.name}: Overview")),
                ("dct:title", en("Overview")),
                ("foaf:page", f"<{PAGE}{self.c}/overview>"),
            ],
        )
        for n, passage in enumerate(self.passages, start=1):
            out.block(
                "sources",
                passage,
                "ack:SourcePassage",
                [
                    ("skos:prefLabel", en(f"{self.name}: Overview, paragraph {n}")),
                    ("dct:isPartOf", self.doc),
                    ("ack:paragraph", str(n)),
                ],
            )

    # --- concepts and places ------------------------------------------------------------------

    def _concepts(self, out: Writer) -> None:
        self.areas = [f"concept:{self.c}-area-{n}" for n in range(1, 4)]
        self.aims = [f"concept:{self.c}-aim-{n}" for n in range(1, self.rng.randint(7, 11))]
        self.field = f"concept:{self.c}-field-1"
        for scheme, concepts, what in (
            ("priority-areas", self.areas, "Priority area"),
            ("aims", self.aims, "Aim"),
            ("fields-of-work", [self.field], "Field of work"),
        ):
            for n, concept in enumerate(concepts, start=1):
                out.block(
                    "concepts",
                    concept,
                    "skos:Concept",
                    [
                        ("skos:prefLabel", en(f"{what} {n} of community {self.k}")),
                        ("skos:inScheme", f"scheme:synthetic-{scheme}"),
                        ("dct:source", self.p(4 if scheme == "priority-areas" else 5)),
                    ],
                )

    def _places(self, out: Writer) -> None:
        members = self.rng.randint(5, 11)
        self.countries = [f"place:{self.c}-state-{n}" for n in range(1, members + 1)]
        self.states = [f"state:{self.c}-state-{n}" for n in range(1, members + 1)]
        self.cities = [f"place:{self.c}-city-{n}" for n in range(1, members + 1)]
        for n, (country, city) in enumerate(zip(self.countries, self.cities, strict=True), start=1):
            out.block(
                "places",
                country,
                "ack:Country",
                [
                    ("skos:prefLabel", en(f"Territory of state {n} of community {self.k}")),
                    ("dct:source", self.p(1)),
                ],
            )
            out.block(
                "members",
                self.states[n - 1],
                "ack:State",
                [
                    ("skos:prefLabel", en(f"State {n} of community {self.k}")),
                    ("ack:territory", country),
                    ("dct:source", self.p(1)),
                ],
            )
            out.block(
                "places",
                city,
                "ack:Place",
                [
                    ("skos:prefLabel", en(f"City {n} of community {self.k}")),
                    ("ack:inCountry", country),
                    ("dct:source", self.p(2)),
                ],
            )

    # --- bodies and reporting lines -----------------------------------------------------------

    def _org(
        self,
        out: Writer,
        iri: str,
        kind: str,
        name: str,
        slug: str,
        facts: Facts,
        acronym: str = "",
    ) -> None:
        head: list[tuple[str, Value | Sequence[Value]]] = [("skos:prefLabel", en(name))]
        if acronym:
            head.append(("skos:notation", plain(acronym)))
            self.acronyms[iri] = acronym
        head.append(("org:identifier", slug_literal(slug)))
        out.block("bodies" if iri.startswith("body:") else "members", iri, kind, [*head, *facts])

    def _line(self, out: Writer, sub: str, sup: str, derived: bool) -> None:
        label = f"{self.acronyms.get(sub, sub)} reports to {self.acronyms.get(sup, sup)}"
        facts: list[tuple[str, Value | Sequence[Value]]] = [
            ("skos:prefLabel", en(label)),
            ("ack:subordinate", sub),
            ("ack:superior", sup),
        ]
        if derived:
            facts.append(
                ("ack:derivation", en("Derived: the body was established under its superior."))
            )
        facts.append(("dct:source", self.p(2 if derived or "swg" not in sub else 3)))
        out.block("bodies", line_iri(sub, sup), "ack:ReportingLine", facts)

    def _bodies(self, out: Writer) -> None:
        rng, c, tag = self.rng, self.c, self.tag
        self.community = f"body:{c}-customs"
        self.dgs = f"body:{c}-dgs"
        self.ccc = f"body:{c}-ccc"
        self.ministers = f"organization:{c}-finance-ministers"
        self.series = f"plan:{c}-spcd"
        n_wg = rng.randint(3, 5)
        self.working_groups = [f"body:{c}-wg{i}" for i in range(1, n_wg + 1)]
        swgs: dict[str, list[str]] = {
            wg: [f"{wg}-swg{j}" for j in range(1, rng.randint(1, 4) + 1)]
            for wg in self.working_groups
        }
        self.sub_working_groups = [s for wg in self.working_groups for s in swgs[wg]]
        sectoral = [self.ccc, *self.working_groups, *self.sub_working_groups]
        self.systems = [
            f"initiative:{c}-system-{j}" for j in range(1, len(self.sub_working_groups) + 1)
        ]

        self._org(
            out,
            self.community,
            "ack:CustomsCommunity",
            self.name,
            f"{c}-customs",
            [("dct:source", self.p(1))],
        )
        self._org(
            out,
            self.ministers,
            "ack:MinisterialMeeting",
            f"Finance Ministers Meeting of community {self.k}",
            f"{c}-finance-ministers",
            [("dct:source", self.p(1))],
            acronym=f"FMM-{tag}",
        )
        self._org(
            out,
            self.dgs,
            "ack:DirectorsGeneralMeeting",
            f"Directors-General of Customs Meeting of community {self.k}",
            f"{c}-dgs",
            [
                ("ack:underPurviewOf", self.ministers),
                ("ack:providesGuidanceTo", sectoral),
                ("org:subOrganizationOf", self.community),
                ("dct:source", [self.p(1), self.p(2)]),
            ],
        )
        self._org(
            out,
            self.ccc,
            "ack:CoordinatingCommittee",
            f"Coordinating Committee on Customs of community {self.k}",
            f"{c}-ccc",
            [
                ("org:purpose", self.aims[0]),
                ("org:subOrganizationOf", self.community),
                ("org:reportsTo", self.dgs),
                ("ack:qualifiedReporting", line_iri(self.ccc, self.dgs)),
                ("ack:responsibleForImplementing", self.series),
                ("dct:source", [self.p(2), self.p(4)]),
            ],
            acronym=f"CCC-{tag}",
        )
        self._line(out, self.ccc, self.dgs, derived=False)
        for i, wg in enumerate(self.working_groups, start=1):
            self._org(
                out,
                wg,
                "ack:WorkingGroup",
                f"Working Group {i} of community {self.k}",
                f"{c}-wg{i}",
                [
                    ("org:purpose", self.aims[1]),
                    ("ack:establishedUnder", self.ccc),
                    ("org:subOrganizationOf", self.community),
                    ("org:reportsTo", self.ccc),
                    ("ack:qualifiedReporting", line_iri(wg, self.ccc)),
                    ("ack:responsibleForImplementing", self.series),
                    ("dct:source", [self.p(2), self.p(4)]),
                ],
                acronym=f"WG{i}-{tag}",
            )
            self._line(out, wg, self.ccc, derived=True)
            for j, swg in enumerate(swgs[wg], start=1):
                system = self.systems[self.sub_working_groups.index(swg)]
                self._org(
                    out,
                    swg,
                    "ack:SubWorkingGroup",
                    f"Sub-Working Group {i}.{j} of community {self.k}",
                    f"{c}-wg{i}-swg{j}",
                    [
                        ("org:purpose", self.aims[2]),
                        ("ack:serves", system),
                        ("ack:fieldOfWork", self.field if j == 1 else []),
                        ("org:subOrganizationOf", self.community),
                        ("org:reportsTo", wg),
                        ("ack:qualifiedReporting", line_iri(swg, wg)),
                        ("ack:responsibleForImplementing", self.series),
                        ("dct:source", [self.p(3), self.p(4)]),
                    ],
                    acronym=f"SWG{i}-{j}-{tag}",
                )
                self._line(out, swg, wg, derived=False)
        for j, system in enumerate(self.systems, start=1):
            instrument = f"instrument:{c}-protocol-{j}"
            out.block(
                "initiatives",
                system,
                "ack:CustomsSystem" if j % 2 else "ack:Arrangement",
                [
                    ("skos:prefLabel", en(f"Customs system {j} of community {self.k}")),
                    ("skos:notation", plain(f"SYS{j}-{self.tag}")),
                    ("ack:legalBasis", instrument),
                    ("dct:source", self.p(3)),
                ],
            )
            out.block(
                "initiatives",
                instrument,
                "ack:LegalInstrument",
                [
                    ("skos:prefLabel", en(f"Protocol {j} of community {self.k}")),
                    ("dct:source", self.p(3)),
                ],
            )

    # --- meetings and what happened at them ---------------------------------------------------

    def _meetings(self, out: Writer) -> None:
        rng, c = self.rng, self.c
        first = rng.randint(1985, 2000)
        count = rng.randint(8, 20)
        for n in range(1, count + 1):
            meeting = f"event:{c}-dgs-{n}"
            date = _date(rng, first + n)
            self.meetings.append((meeting, date))
            out.block(
                "events",
                meeting,
                "ack:Meeting",
                [
                    (
                        "skos:prefLabel",
                        en(f"Meeting {n} of the Directors-General of community {self.k}"),
                    ),
                    ("ack:meetingOf", self.dgs),
                    ("ack:sequenceNumber", str(n)),
                    ("ack:heldIn", rng.choice(self.cities)),
                    ("dct:date", typed(date, "date")),
                    ("dct:source", self.p(2)),
                ],
            )
        out.block(
            "events",
            f"event:{c}-establishment-dgs",
            "ack:Establishment",
            [
                (
                    "skos:prefLabel",
                    en(f"Establishment of the Directors-General meeting of community {self.k}"),
                ),
                ("org:resultingOrganization", self.dgs),
                ("dct:date", typed(str(first), "gYear")),
                ("dct:source", self.p(1)),
            ],
        )
        bodies = [self.ccc, *self.working_groups, *self.sub_working_groups]
        for body in bodies:
            slug = body.split(":")[1]
            # The committee and the working groups are set up at one meeting, the others later.
            index = 1 if body == self.ccc or body in self.working_groups else rng.randint(2, count)
            meeting, date = self.meetings[index - 1]
            facts: list[tuple[str, Value | Sequence[Value]]] = [
                ("skos:prefLabel", en(f"Establishment of {self.acronyms[body]}")),
                ("org:resultingOrganization", body),
            ]
            if body in self.sub_working_groups:
                facts += [("ack:carriedOutBy", self.dgs), ("dct:date", typed(date[:4], "gYear"))]
            else:
                facts += [("ack:atMeeting", meeting), ("dct:date", typed(date, "date"))]
            facts.append(("dct:source", self.p(3 if body in self.sub_working_groups else 2)))
            out.block("events", f"event:{c}-establishment-{slug}", "ack:Establishment", facts)
        for n, (meeting, date) in enumerate(self.meetings[1::3], start=1):
            out.block(
                "events",
                f"event:{c}-decision-{n}",
                "ack:Decision",
                [
                    (
                        "skos:prefLabel",
                        en(f"Decision {n} of the Directors-General of community {self.k}"),
                    ),
                    ("ack:carriedOutBy", self.dgs),
                    ("ack:atMeeting", meeting),
                    ("ack:aim", rng.choice(self.aims)),
                    ("dct:date", typed(date, "date")),
                    ("dct:source", self.p(1)),
                ],
            )

    # --- plans ----------------------------------------------------------------------------------

    def _plans(self, out: Writer) -> None:
        rng, c = self.rng, self.c
        out.block(
            "plans",
            self.series,
            "ack:PlanSeries",
            [
                (
                    "skos:prefLabel",
                    en(f"Strategic Plans of Customs Development of community {self.k}"),
                ),
                # The first community's series answers ``spcd-series`` without parameters.
                ("skos:notation", plain("SPCDs" if self.k == 1 else f"SPCDs-{self.tag}")),
                ("ack:cycleLengthInYears", "5"),
                ("ack:planOf", self.community),
                ("ack:aim", self.aims[3]),
                ("dct:source", self.p(4)),
            ],
        )
        start = int(self.meetings[0][1][:4]) + 1
        for q in range(1, rng.randint(3, 6) + 1):
            first, last = start + 5 * (q - 1), start + 5 * q - 1
            plan, period = f"plan:{c}-spcd-{first}-{last}", f"period:{c}-spcd-{first}-{last}"
            self.plans.append(plan)
            derived = q not in (1,)
            derivation = en(
                "Derived: the period follows from five-year cycles after the first plan."
            )
            out.block(
                "plans",
                plan,
                "ack:StrategicPlan",
                [
                    ("skos:prefLabel", en(f"Strategic Plan {first}-{last} of community {self.k}")),
                    ("skos:altLabel", en(f"SPCD {first}-{last} of community {self.k}")),
                    ("ack:inSeries", self.series),
                    ("ack:positionInSeries", str(q)),
                    ("dct:temporal", period),
                    ("ack:priorityArea", self.areas),
                    ("ack:aim", rng.sample(self.aims, 2)),
                    ("ack:numberOfAreasOfInitiatives", str(rng.randint(5, 15))),
                    ("ack:derivation", derivation if derived else []),
                    ("dct:source", [self.p(4), self.p(5)]),
                ],
            )
            out.block(
                "plans",
                period,
                "dct:PeriodOfTime",
                [
                    ("skos:prefLabel", en(f"Period of plan {first}-{last} of community {self.k}")),
                    ("dcat:startDate", typed(str(first), "gYear")),
                    ("dcat:endDate", typed(str(last), "gYear")),
                    ("ack:derivation", derivation if derived else []),
                    ("dct:source", self.p(4)),
                ],
            )
            meeting, date = self.meetings[min(q * 2, len(self.meetings)) - 1]
            out.block(
                "events",
                f"event:{c}-endorsement-spcd-{first}-{last}",
                "ack:Endorsement",
                [
                    (
                        "skos:prefLabel",
                        en(f"Endorsement of plan {first}-{last} of community {self.k}"),
                    ),
                    ("ack:concerns", plan),
                    ("ack:carriedOutBy", self.dgs),
                    ("ack:atMeeting", meeting),
                    ("dct:date", typed(date, "date")),
                    ("dct:source", self.p(4)),
                ],
            )

    # --- partnerships ---------------------------------------------------------------------------

    def _partnerships(self, out: Writer) -> None:
        rng, c = self.rng, self.c
        for n in range(1, rng.randint(2, 6) + 1):
            country = f"place:{c}-partner-state-{n}"
            state = f"state:{c}-partner-state-{n}"
            admin = f"organization:{c}-partner-customs-{n}"
            partnership = f"partnership:{c}-partner-{n}"
            self.partners.append(admin)
            out.block(
                "places",
                country,
                "ack:Country",
                [
                    ("skos:prefLabel", en(f"Territory of partner state {n} of community {self.k}")),
                    ("dct:source", self.p(6)),
                ],
            )
            out.block(
                "partnerships",
                state,
                "ack:DialoguePartner",
                [
                    ("skos:prefLabel", en(f"Partner state {n} of community {self.k}")),
                    ("ack:territory", country),
                    ("dct:source", self.p(6)),
                ],
            )
            self._org(
                out,
                admin,
                "ack:DialoguePartnerCustomsAdministration",
                f"Customs Service of partner state {n} of community {self.k}",
                f"{c}-partner-customs-{n}",
                [
                    ("ack:customsAdministrationOf", state),
                    ("ack:ofState", state),
                    ("dct:source", self.p(6)),
                ],
                acronym=f"PCS{n}-{self.tag}",
            )
            out.block(
                "partnerships",
                partnership,
                "ack:DialoguePartnership",
                [
                    ("skos:prefLabel", en(f"Dialogue partnership {n} of community {self.k}")),
                    ("ack:partner", [self.community, admin]),
                    ("ack:aim", self.aims[4]),
                    ("dct:source", self.p(6)),
                ],
            )
            out.block(
                "partnerships",
                f"activity:{c}-consultations-partner-{n}",
                "ack:Consultation",
                [
                    ("skos:prefLabel", en(f"Consultations with partner {n} of community {self.k}")),
                    ("ack:participant", [self.community, admin]),
                    ("ack:frequency", en("regularly")),
                    ("ack:aim", self.aims[4]),
                    ("dct:isPartOf", partnership),
                    ("dct:source", self.p(6)),
                ],
            )
            kind = ("ack:TechnicalAssistance", "ack:TrainingProgramme", "ack:InformationExchange")[
                n % 3
            ]
            out.block(
                "partnerships",
                f"activity:{c}-cooperation-partner-{n}",
                kind,
                [
                    (
                        "skos:prefLabel",
                        en(f"Cooperation activity with partner {n} of community {self.k}"),
                    ),
                    ("ack:supportedBy", admin),
                    ("ack:aim", self.aims[5]),
                    ("dct:isPartOf", partnership),
                    (
                        "ack:derivation",
                        en("Derived: the source names the partner state, not its administration."),
                    ),
                    ("dct:source", self.p(6)),
                ],
            )
        council = f"organization:{c}-business-council"
        self._org(
            out,
            council,
            "ack:BusinessCouncil",
            f"Joint Business Council of community {self.k}",
            f"{c}-business-council",
            [("dct:source", self.p(7))],
            acronym=f"JBC-{self.tag}",
        )
        out.block(
            "partnerships",
            f"partnership:{c}-private-sector",
            "ack:PrivateSectorPartnership",
            [
                ("skos:prefLabel", en(f"Private sector partnership of community {self.k}")),
                ("ack:partner", [self.community, council]),
                ("ack:aim", self.aims[-1]),
                ("dct:source", self.p(7)),
            ],
        )
        out.block(
            "partnerships",
            f"activity:{c}-consultations-business-council",
            "ack:Consultation",
            [
                (
                    "skos:prefLabel",
                    en(f"Consultations with the business council of community {self.k}"),
                ),
                ("ack:participant", [self.community, council]),
                ("ack:frequency", en("regularly")),
                ("ack:occasion", en("during relevant meetings")),
                ("ack:aim", self.aims[-1]),
                ("dct:isPartOf", f"partnership:{c}-private-sector"),
                ("dct:source", self.p(7)),
            ],
        )

    # --- member states --------------------------------------------------------------------------

    def _members(self, out: Writer) -> None:
        c = self.c
        regional = REGIONAL
        for n, state in enumerate(self.states, start=1):
            ministry = f"organization:{c}-state-{n}-ministry-of-finance"
            self._org(
                out,
                f"organization:{c}-state-{n}-customs",
                "ack:MemberStateCustomsAdministration",
                f"Customs Department of state {n} of community {self.k}",
                f"{c}-state-{n}-customs",
                [
                    ("ack:customsAdministrationOf", state),
                    ("ack:ofState", state),
                    ("org:subOrganizationOf", ministry),
                    ("dct:source", self.p(1)),
                ],
                acronym=f"CD{n}-{self.tag}",
            )
            self._org(
                out,
                ministry,
                "ack:Ministry",
                f"Ministry of Finance of state {n} of community {self.k}",
                f"{c}-state-{n}-ministry-of-finance",
                [("ack:ofState", state), ("dct:source", self.p(1))],
            )
            out.block(
                "members",
                f"membership:{c}-state-{n}",
                "org:Membership",
                [
                    ("skos:prefLabel", en(f"Membership of state {n} in community {self.k}")),
                    ("org:member", state),
                    ("org:organization", regional),
                    ("dct:source", self.p(1)),
                ],
            )


def generate(directory: Path, triples: int, seed: int = 1) -> dict[str, object]:
    """Writes a synthetic graph of at least ``triples`` triples to ``directory``/data and
    returns its manifest (also written to ``directory``/benchmark.json)."""
    rng = random.Random(seed)
    data = directory / "data"
    if data.exists():
        shutil.rmtree(data)
    out = Writer(data)
    _shared(out)
    communities: list[Community] = []
    try:
        while out.triples < triples:
            community = Community(len(communities) + 1, rng)
            community.write(out)
            communities.append(community)
    finally:
        out.close()
    _link_project(directory)
    middle = communities[(len(communities) - 1) // 2]
    manifest: dict[str, object] = {
        "seed": seed,
        "requested_triples": triples,
        "triples": out.triples,
        "communities": len(communities),
        "params": _params(middle),
    }
    (directory / "benchmark.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _params(c: Community) -> dict[str, dict[str, str]]:
    """Values for the saved queries' parameters that name resources of community ``c``."""
    wg = c.working_groups[0]
    swg = next(s for s in c.sub_working_groups if s.startswith(wg))
    start = c.meetings[0][1][:4]
    year = str(int(start) + 7)

    def iri(name: str) -> str:
        prefix, _, local = name.partition(":")
        return PREFIXES[prefix] + local if not name.startswith("<") else name[1:-1]

    return {
        "reports-to": {"body": c.acronyms[wg]},
        "reporting-chain": {"body": c.acronyms[swg]},
        "subordinates": {"body": c.acronyms[c.ccc]},
        "body-profile": {"body": c.acronyms[c.ccc]},
        "sources-of": {"resource": c.acronyms[c.ccc]},
        "resource-description": {"resource": c.acronyms[wg]},
        "facts-from-source": {"source": iri(c.p(3))},
        "plan-aims": {"plan": iri(c.plans[-1])},
        "partner-cooperation": {"partner": iri(c.partners[0])},
        "bodies-existing-on": {"date": f"{year}-06-30"},
        "bodies-established-between": {"from": start, "to": year},
        "plan-in-force": {"year": year},
        "spcd-series": {"series": f"SPCDs-{c.tag}" if c.k != 1 else "SPCDs"},
        "member-states": {"organization": "ASEAN"},
    }


def _link_project(directory: Path) -> None:
    """Makes ``ontology/`` and ``queries/`` of ``directory`` the project's (symlinks, or copies
    where links cannot be made)."""
    for name in ("ontology", "queries"):
        target, link = ROOT / name, directory / name
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        try:
            os.symlink(target, link, target_is_directory=True)
        except OSError:
            shutil.copytree(target, link)


def parse_size(text: str) -> int:
    """``1e5``, ``100000`` or ``100k`` as an int."""
    value = text.strip().lower()
    factor = 1
    if value.endswith("k"):
        value, factor = value[:-1], 1000
    elif value.endswith("m"):
        value, factor = value[:-1], 1_000_000
    try:
        number = int(float(value) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a size such as 1e5 or 100k, got {text!r}"
        ) from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive size, got {text!r}")
    return number


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--triples", type=parse_size, default=1000, help="at least this many triples"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="output directory")
    args = parser.parse_args(list(argv) if argv is not None else None)
    manifest = generate(args.output, args.triples, args.seed)
    print(
        f"{args.output}: {manifest['triples']} triples in {manifest['communities']} communities",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
