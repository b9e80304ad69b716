# ruff: noqa: E501  (SPARQL text and expected answers read better unwrapped)
"""Competency questions: what the graph must be able to answer, with the answers the sources give.

Each question is a SPARQL query over the project's data and ontology, run on pyoxigraph, and its
expected answer is read off the primary source (``asean-customs-overview``, paragraphs 1-7) or the
cited secondary sources. Answers are compared as sets of rows of plain strings (IRIs and literals'
lexical forms), so the order of rows does not matter but every value does.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph
import pytest

from asean_customs_kg import resources
from asean_customs_kg.backends.embedded import EmbeddedBackend
from asean_customs_kg.query.catalogue import list_queries
from asean_customs_kg.query.queries import run_query
from asean_customs_kg.rdf.graph import load_oxigraph

PREFIXES = """
PREFIX ack:  <https://w3id.org/asean-customs-kg/ontology#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct:  <http://purl.org/dc/terms/>
PREFIX org:  <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
"""

ID = "https://w3id.org/asean-customs-kg/id/"
OVERVIEW = ID + "source/asean-customs-overview/p"
SWG_AAMRA = "Sub-Working Group on ASEAN Authorised Economic Operator Mutual Recognition Arrangement"

# (question, SPARQL, expected rows)
QUESTIONS: list[tuple[str, str, set[tuple[str, ...]]]] = [
    (
        "What reports to CPTFWG?",
        """SELECT ?acronym WHERE {
             ?body org:reportsTo ?parent . ?parent skos:notation "CPTFWG" .
             ?body skos:notation ?acronym }""",
        {("SWG-ACTS",), ("TSWGC",), ("SWG-AAMRA",)},
    ),
    (
        "What was established at the 15th ASEAN DGs of Customs Meeting?",
        """SELECT ?acronym WHERE {
             ?meeting ack:sequenceNumber 15 ; ack:meetingOf/skos:altLabel "ASEAN DGs of Customs"@en .
             ?event a ack:Establishment ; ack:atMeeting ?meeting ;
                    org:resultingOrganization/skos:notation ?acronym }""",
        {("CCC",), ("CPTFWG",), ("CECWG",), ("CCBWG",)},
    ),
    (
        "Where and when was the 15th ASEAN DGs of Customs Meeting held?",
        """SELECT ?place ?country ?date WHERE {
             ?meeting ack:sequenceNumber 15 ; ack:meetingOf/skos:altLabel "ASEAN DGs of Customs"@en ;
                      dct:date ?date ; ack:heldIn ?p .
             ?p skos:prefLabel ?place ; ack:inCountry/^ack:territory/skos:prefLabel ?country }""",
        {("Siem Reap", "Cambodia", "2006-06-06")},
    ),
    (
        "Which SPCDs covered 2008?",
        """SELECT ?plan WHERE {
             ?p ack:inSeries/skos:notation "SPCDs" ; skos:altLabel ?plan ;
                dct:temporal [ dcat:startDate ?s ; dcat:endDate ?e ] .
             FILTER (xsd:integer(STR(?s)) <= 2008 && 2008 <= xsd:integer(STR(?e))) }""",
        {("SPCDs 2005-2010",)},
    ),
    (
        "Which Dialogue Partner's customs administration supports the JCMMP?",
        """SELECT ?name WHERE { ?p skos:notation "JCMMP" ; ack:supportedBy/skos:prefLabel ?name }""",
        {("Australia Border Force",)},
    ),
    (
        "When was the ASEAN DGs of Customs established, and at what precision?",
        """SELECT ?date ?type WHERE {
             ?e a ack:Establishment ; org:resultingOrganization/skos:altLabel "ASEAN DGs of Customs"@en ;
                dct:date ?date . BIND (STR(DATATYPE(?date)) AS ?type) }""",
        {("1995", "http://www.w3.org/2001/XMLSchema#gYear")},
    ),
    (
        "Under whose purview is the ASEAN DGs of Customs?",
        """SELECT ?acronym WHERE {
             ?dgs skos:altLabel "ASEAN DGs of Customs"@en ; ack:underPurviewOf/skos:notation ?acronym }""",
        {("AFMM",)},
    ),
    (
        "Where and when did the ASEAN Leaders decide to deepen regional integration?",
        """SELECT ?summit ?place ?country ?date WHERE {
             ?d a ack:Decision ; ack:aim/skos:prefLabel "Deeper regional integration"@en ;
                ack:atMeeting ?m ; dct:date ?date .
             ?m skos:prefLabel ?summit ; ack:heldIn ?p .
             ?p skos:prefLabel ?place ; ack:inCountry/^ack:territory/skos:prefLabel ?country }""",
        {("9th ASEAN Summit", "Bali", "Indonesia", "2003-10-07")},
    ),
    (
        "What did the ASEAN DGs of Customs do following the 2003 decision, and why?",
        """SELECT ?what ?aim WHERE {
             ?r ack:followed/ack:atMeeting/ack:sequenceNumber 9 ;
                ack:carriedOutBy/skos:altLabel "ASEAN DGs of Customs"@en ;
                skos:prefLabel ?what ; ack:aim/skos:prefLabel ?aim }""",
        {
            (
                "Restructuring of the customs sectoral bodies",
                "Institutional arrangements for simpler, modern customs",
            )
        },
    ),
    (
        "To whom does the CCC report, and is that stated or derived?",
        """SELECT ?superior ?derived WHERE {
             ?line ack:subordinate/skos:notation "CCC" ; ack:superior/skos:prefLabel ?superior .
             BIND (IF(EXISTS { ?line ack:derivation ?d }, "derived", "stated") AS ?derived) }""",
        {("ASEAN Directors-General of Customs Meeting", "stated")},
    ),
    (
        "Which reporting lines are derived rather than stated?",
        """SELECT ?sub ?sup WHERE {
             ?line ack:derivation ?d ; ack:subordinate/skos:notation ?sub ;
                   ack:superior/skos:notation ?sup }""",
        {("CPTFWG", "CCC"), ("CECWG", "CCC"), ("CCBWG", "CCC")},
    ),
    (
        "Which working groups were established under the CCC?",
        """SELECT ?name WHERE {
             ?wg a ack:WorkingGroup ; ack:establishedUnder/skos:notation "CCC" ; skos:prefLabel ?name }""",
        {
            ("Customs Procedures and Trade Facilitation Working Group",),
            ("Customs Enforcement and Compliance Working Group",),
            ("Customs Capacity Building Working Group",),
        },
    ),
    (
        "When were the sub-working groups established, and by whom?",
        """SELECT ?acronym ?year ?by WHERE {
             ?swg a ack:SubWorkingGroup ; skos:notation ?acronym .
             ?e org:resultingOrganization ?swg ; dct:date ?date ; ack:carriedOutBy/skos:altLabel ?by .
             BIND (STR(?date) AS ?year) }""",
        {
            ("SWG-ACTS", "2010", "ASEAN DGs of Customs"),
            ("TSWGC", "2019", "ASEAN DGs of Customs"),
            ("SWG-AAMRA", "2019", "ASEAN DGs of Customs"),
        },
    ),
    (
        "What is the SPCD series, plan by plan, with periods?",
        """SELECT ?position ?start ?end WHERE {
             ?p ack:inSeries/skos:notation "SPCDs" ; ack:positionInSeries ?n ;
                dct:temporal [ dcat:startDate ?s ; dcat:endDate ?e ] .
             BIND (STR(?n) AS ?position) BIND (STR(?s) AS ?start) BIND (STR(?e) AS ?end) }""",
        {
            ("1", "2005", "2010"),
            ("2", "2011", "2015"),
            ("3", "2016", "2020"),
            ("4", "2021", "2025"),
            ("5", "2026", "2030"),
        },
    ),
    (
        "Which SPCD periods are derived, and from which paragraph?",
        """SELECT ?plan ?source WHERE {
             ?p skos:altLabel ?plan ; dct:temporal ?period .
             ?period ack:derivation ?d ; dct:source ?src . ?src ack:paragraph ?n .
             BIND (STR(?n) AS ?source) }""",
        {("SPCDs 2011-2015", "4"), ("SPCDs 2016-2020", "4"), ("SPCDs 2021-2025", "4")},
    ),
    (
        "What were the priority areas of the first SPCDs?",
        """SELECT ?area WHERE {
             ?p ack:positionInSeries 1 ; ack:priorityArea/skos:prefLabel ?area }""",
        {
            ("Customs and trade facilitation",),
            ("Enforcement and compliance",),
            ("Capacity building",),
        },
    ),
    (
        "How many areas of initiatives do the SPCDs 2026-2030 comprise?",
        """SELECT ?n WHERE { ?p skos:altLabel "SPCDs 2026-2030"@en ; ack:numberOfAreasOfInitiatives ?n }""",
        {("13",)},
    ),
    (
        "When, by whom and where were the SPCDs 2026-2030 endorsed?",
        """SELECT ?date ?meeting ?country WHERE {
             ?e a ack:Endorsement ; ack:concerns/skos:altLabel "SPCDs 2026-2030"@en ; dct:date ?date ;
                ack:atMeeting ?m . ?m skos:prefLabel ?meeting ; ack:heldIn/ack:inCountry ?c .
             ?state ack:territory ?c ; skos:prefLabel ?country }""",
        {("2025-06-05", "34th ASEAN Directors-General of Customs Meeting", "Brunei Darussalam")},
    ),
    (
        "Which emerging issues do the latest SPCDs address?",
        """SELECT ?issue WHERE {
             ?p skos:altLabel "SPCDs 2026-2030"@en ; ack:addressesIssue/skos:prefLabel ?issue }""",
        {
            ("Digitalisation",),
            ("Customs automation",),
            ("Circular economy",),
            ("Carbon neutrality",),
        },
    ),
    (
        "What are the aims of the latest SPCDs?",
        """SELECT (COUNT(DISTINCT ?aim) AS ?n) WHERE {
             ?p skos:altLabel "SPCDs 2026-2030"@en ; ack:aim ?aim }""",
        {("5",)},
    ),
    (
        "Which plan do the SPCDs 2026-2030 contribute to, and whose plan is it?",
        """SELECT ?plan ?of WHERE {
             ?p skos:altLabel "SPCDs 2026-2030"@en ; ack:contributesTo ?q .
             ?q skos:prefLabel ?plan ; ack:planOf/skos:notation ?of }""",
        {("AEC Strategic Plan 2026-2030", "AEC")},
    ),
    (
        "Which Dialogue Partners' customs administrations does ASEAN Customs consult, of which country?",
        """SELECT ?name ?country WHERE {
             ?c a ack:Consultation ; ack:participant ?a .
             ?a a ack:DialoguePartnerCustomsAdministration ; skos:prefLabel ?name ;
                ack:customsAdministrationOf/skos:prefLabel ?country }""",
        {
            ("Australia Border Force", "Australia"),
            (
                "General Administration of Customs of the People's Republic of China",
                "People's Republic of China",
            ),
            ("Japan Customs", "Japan"),
            ("Korea Customs Service", "Korea"),
        },
    ),
    (
        "Which name does the source give Australia's customs administration, and which source?",
        """SELECT ?name ?source WHERE {
             ?a ack:customsAdministrationOf/skos:prefLabel "Australia"@en ; skos:prefLabel ?name ;
                dct:source ?s . BIND (STR(?s) AS ?source) }""",
        {("Australia Border Force", ID + "source/asean-customs-overview/p6")},
    ),
    (
        "Which cooperation activities are part of the partnership with Korea Customs Service?",
        """SELECT ?activity WHERE {
             ?x dct:isPartOf ?p ; skos:prefLabel ?activity .
             ?p ack:partner/skos:prefLabel "Korea Customs Service"@en }""",
        {
            ("Consultations of ASEAN Customs with the Korea Customs Service",),
            (
                "Technical assistance on various topics in the cooperation with the Dialogue Partners",
            ),
            ("Joint enforcement operations of ASEAN Customs and Korea against illicit drugs",),
        },
    ),
    (
        "What does the dialogue partnership with Japan Customs aim at, and what do its consultations?",
        """SELECT ?kind ?aim WHERE {
             ?p a ack:DialoguePartnership ; ack:partner/skos:prefLabel "Japan Customs"@en .
             { ?p ack:aim/skos:prefLabel ?aim BIND ("partnership" AS ?kind) }
             UNION
             { ?c a ack:Consultation ; dct:isPartOf ?p ; ack:aim/skos:prefLabel ?aim
               BIND ("consultations" AS ?kind) } }""",
        {
            ("partnership", "Support to Member States on emerging customs and trade issues"),
            ("consultations", "Stronger customs cooperation"),
        },
    ),
    (
        "Which states are Dialogue Partners, and is that stated or read from their administrations' names?",
        """SELECT ?state ?derived WHERE {
             ?s a ack:DialoguePartner ; skos:prefLabel ?state .
             BIND (IF(EXISTS { ?s ack:derivation ?d }, "derived", "stated") AS ?derived) }""",
        {
            ("Australia", "derived"),
            ("People's Republic of China", "derived"),
            ("Japan", "derived"),
            ("Korea", "derived"),
        },
    ),
    (
        "Which Dialogue Partner takes part in ASEAN's Joint Customs Control operation?",
        """SELECT ?partner WHERE {
             ?x skos:notation "JCC" ; ack:participant/skos:prefLabel ?partner }""",
        {("Korea Customs Service",)},
    ),
    (
        "With whom does ASEAN Customs exchange information for intelligence?",
        """SELECT ?partner WHERE {
             ?x a ack:InformationExchange ; ack:participant ?p . ?p skos:prefLabel ?partner .
             FILTER (?p != <https://w3id.org/asean-customs-kg/id/body/asean-customs>) }""",
        {("Japan Customs",)},
    ),
    (
        "Which private-sector bodies does ASEAN Customs consult, how often and when?",
        """SELECT ?acronym ?frequency ?occasion WHERE {
             ?c a ack:Consultation ; ack:participant ?b ; ack:frequency ?frequency ; ack:occasion ?occasion .
             ?b a ack:BusinessCouncil ; skos:notation ?acronym }""",
        {("JBC", "regularly", "during relevant meetings")},
    ),
    (
        "What is the whole reporting chain of SWG-AAMRA?",
        """SELECT ?acronym WHERE {
             ?swg skos:notation "SWG-AAMRA" ; org:reportsTo+ ?up .
             OPTIONAL { ?up skos:notation ?n } OPTIONAL { ?up skos:altLabel ?alt }
             BIND (COALESCE(?n, ?alt) AS ?acronym) }""",
        {("CPTFWG",), ("CCC",), ("ASEAN DGs of Customs",)},
    ),
    (
        "Which bodies are responsible for implementing the SPCDs?",
        """SELECT ?acronym WHERE { ?b ack:responsibleForImplementing/skos:notation "SPCDs" ;
                                      skos:notation ?acronym }""",
        {
            ("CCC",),
            ("CPTFWG",),
            ("CECWG",),
            ("CCBWG",),
            ("SWG-ACTS",),
            ("TSWGC",),
            ("SWG-AAMRA",),
        },
    ),
    (
        "Which paragraphs of the overview are the sources of the CCC's facts?",
        """SELECT ?paragraph WHERE {
             ?b skos:notation "CCC" ; dct:source/ack:paragraph ?n . BIND (STR(?n) AS ?paragraph) }""",
        {("2",), ("4",)},
    ),
    (
        "Which sub-working group serves the ASEAN Customs Transit System, and what is its legal basis?",
        """SELECT ?acronym ?basis WHERE {
             ?b ack:serves ?i ; skos:notation ?acronym . ?i skos:notation "ACTS" ;
                ack:legalBasis/skos:prefLabel ?basis }""",
        {
            (
                "SWG-ACTS",
                "Protocol 7 of the ASEAN Framework Agreement on the Facilitation of Goods in Transit",
            )
        },
    ),
    (
        "Which country joined ASEAN most recently, when, and at which summit?",
        """SELECT ?country ?date ?summit WHERE {
             ?m org:organization/skos:notation "ASEAN" ; org:member/skos:prefLabel ?country ;
                org:memberDuring/dcat:startDate ?date .
             ?a a ack:Admission ; ack:concerns ?c ; ack:atMeeting/skos:prefLabel ?summit .
             ?c skos:prefLabel ?country }""",
        {("Timor-Leste", "2025-10-26", "47th ASEAN Summit")},
    ),
    (
        "Which meeting endorsed each SPCD that the meeting statements record?",
        """SELECT ?plan ?n WHERE {
             ?e a ack:Endorsement ; ack:concerns ?p ; ack:atMeeting/ack:sequenceNumber ?num .
             ?p skos:altLabel ?plan . BIND (STR(?num) AS ?n) }""",
        {("SPCDs 2016-2020", "24"), ("SPCDs 2021-2025", "29"), ("SPCDs 2026-2030", "34")},
    ),
    (
        "What kind of agent is each member of ASEAN (a state, never a place)?",
        """SELECT DISTINCT ?class WHERE {
             ?m org:organization/skos:notation "ASEAN" ; org:member ?x . ?x a ?c .
             BIND (STR(?c) AS ?class) }""",
        {("https://w3id.org/asean-customs-kg/ontology#State",)},
    ),
    (
        "Which states are Dialogue Partners, with their customs administrations and their source?",
        """SELECT ?state ?administration ?paragraph WHERE {
             ?s a ack:DialoguePartner ; skos:prefLabel ?state ; dct:source/ack:paragraph ?n .
             ?a ack:customsAdministrationOf ?s ; skos:prefLabel ?administration .
             BIND (STR(?n) AS ?paragraph) }""",
        {
            ("Australia", "Australia Border Force", "6"),
            (
                "People's Republic of China",
                "General Administration of Customs of the People's Republic of China",
                "6",
            ),
            ("Japan", "Japan Customs", "6"),
            ("Korea", "Korea Customs Service", "6"),
        },
    ),
    (
        "Which is Viet Nam's customs administration now, and which change event ended the former one's role?",
        """SELECT ?now ?former ?ended WHERE {
             ?vn skos:prefLabel "Viet Nam"@en .
             ?a ack:customsAdministrationOf ?vn ; skos:prefLabel ?now .
             ?f ack:formerCustomsAdministrationOf ?vn ; skos:prefLabel ?former .
             ?e org:originalOrganization ?f ; org:resultingOrganization ?a ; dct:date ?d .
             BIND (STR(?d) AS ?ended) }""",
        {("Customs Department", "General Department of Vietnam Customs", "2025-03-01")},
    ),
    (
        "Which bodies are part of ASEAN Customs (org:subOrganizationOf)?",
        """SELECT ?name WHERE {
             ?b org:subOrganizationOf/skos:prefLabel "ASEAN Customs"@en ; skos:prefLabel ?name }""",
        {
            ("ASEAN Directors-General of Customs Meeting",),
            ("Coordinating Committee on Customs",),
            ("Customs Procedures and Trade Facilitation Working Group",),
            ("Customs Enforcement and Compliance Working Group",),
            ("Customs Capacity Building Working Group",),
            ("Sub-Working Group on ASEAN Customs Transit System",),
            ("Technical Sub-Working Group on Classification",),
            (SWG_AAMRA,),
        },
    ),
    (
        "From each working group to its qualified reporting line: which lines are derived?",
        """SELECT ?acronym ?derived WHERE {
             ?wg a ack:WorkingGroup ; skos:notation ?acronym ; ack:qualifiedReporting ?line .
             BIND (IF(EXISTS { ?line ack:derivation ?d }, "derived", "stated") AS ?derived) }""",
        {("CPTFWG", "derived"), ("CECWG", "derived"), ("CCBWG", "derived")},
    ),
    (
        "When was the 47th ASEAN Summit, and at what precision?",
        """SELECT ?date ?type ?precision WHERE {
             ?s skos:prefLabel "47th ASEAN Summit"@en ; dct:date ?date ; ack:datePrecision ?precision .
             BIND (STR(DATATYPE(?date)) AS ?type) }""",
        {("2025-10", "http://www.w3.org/2001/XMLSchema#gYearMonth", "month")},
    ),
    (
        "Which establishments are dated by derivation rather than stated?",
        """SELECT ?acronym WHERE {
             ?e a ack:Establishment ; ack:derivation ?d ; org:resultingOrganization/skos:notation ?acronym }""",
        {("CPTFWG",), ("CECWG",), ("CCBWG",)},
    ),
    (
        "What are the CCC's identifier (a slug, of its own datatype) and its acronym?",
        """SELECT ?identifier ?type ?acronym WHERE {
             ?b skos:prefLabel "Coordinating Committee on Customs"@en ; org:identifier ?id ;
                skos:notation ?acronym .
             BIND (STR(?id) AS ?identifier) BIND (STR(DATATYPE(?id)) AS ?type) }""",
        {("ccc", "https://w3id.org/asean-customs-kg/ontology#Slug", "CCC")},
    ),
    (
        "Is the JCC stated to be a joint programme, and is its partner derived?",
        """SELECT ?kind ?derived WHERE {
             ?x skos:notation "JCC" ; a ?c . ?c rdfs:label ?kind .
             BIND (IF(EXISTS { ?x ack:derivation ?d }, "derived", "stated") AS ?derived) }""",
        {("joint programme", "derived")},
    ),
]


@cache
def _store() -> pyoxigraph.Store:
    return load_oxigraph([*resources.ontology_files(), *resources.data_files()])


def _value(term: object) -> str:
    if isinstance(term, pyoxigraph.Literal | pyoxigraph.NamedNode):
        return term.value
    raise AssertionError(f"unexpected term {term!r}")


def _answer(sparql: str) -> set[tuple[str, ...]]:
    solutions = _store().query(PREFIXES + sparql)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return {tuple(_value(row[name]) for name in names) for row in solutions}


def test_at_least_twenty_questions() -> None:
    assert len(QUESTIONS) >= 20
    assert len({q for q, _, _ in QUESTIONS}) == len(QUESTIONS)


@pytest.mark.parametrize(
    ("question", "sparql", "expected"), QUESTIONS, ids=[q for q, _, _ in QUESTIONS]
)
def test_competency_question(question: str, sparql: str, expected: set[tuple[str, ...]]) -> None:
    assert _answer(sparql) == expected, question


SLUG = "https://w3id.org/asean-customs-kg/ontology#Slug"


def _entailed_store() -> pyoxigraph.Store:
    """The graph as a store that applies RDFS would see it: ORG makes org:identifier a
    sub-property of skos:notation, so each slug is also a notation."""
    store = load_oxigraph([*resources.ontology_files(), *resources.data_files()])
    store.update(PREFIXES + "INSERT { ?o skos:notation ?id } WHERE { ?o org:identifier ?id }")
    return store


def test_slugs_are_typed_and_no_saved_query_shows_one() -> None:
    """Every org:identifier is an ack:Slug, and no saved query's answer holds one, even where
    the slugs are also notations (RDFS): acronyms are read as notations that are not the
    identifier."""
    untyped = _answer(
        "SELECT ?o WHERE { ?o org:identifier ?id FILTER (DATATYPE(?id) != ack:Slug) }"
    )
    assert untyped == set()
    backend = EmbeddedBackend(store=_entailed_store())
    for query in list_queries():
        if query.form != "SELECT":
            continue
        params = {p.name: p.default or p.example for p in query.parameters}
        result = run_query(
            query, {k: v for k, v in params.items() if v is not None}, backend=backend
        )
        shown = [
            term
            for row in result.solutions
            for term in row
            if isinstance(term, pyoxigraph.Literal) and term.datatype.value == SLUG
        ]
        assert shown == [], query.name


def test_every_primary_paragraph_is_cited() -> None:
    cited = _answer(
        "SELECT DISTINCT ?n WHERE { ?x dct:source ?p . ?p ack:paragraph ?m . BIND (STR(?m) AS ?n) }"
    )
    assert cited == {(str(n),) for n in range(1, 8)}
