# ruff: noqa: E501  (expected answers read better unwrapped)
"""Every saved query gives the answer that the sources give.

The expected rows are read off the primary source (the ASEAN Customs overview, paragraphs 1-7)
and the secondary sources listed with the project's sources; the comment above each case says
where. Rows are compared in order (the queries sort their answers), as the plain strings of the
selected columns ("" for an unbound value).
"""

from __future__ import annotations

import pytest

from asean_customs_kg.query.catalogue import list_queries
from asean_customs_kg.query.queries import run_query

ID = "https://w3id.org/asean-customs-kg/id/"
P = ID + "source/asean-customs-overview/p"
SWG_AAMRA = "Sub-Working Group on ASEAN Authorised Economic Operator Mutual Recognition Arrangement"
DGS = "ASEAN Directors-General of Customs Meeting"


def answer(name: str, columns: tuple[str, ...], **params: str) -> list[tuple[str, ...]]:
    result = run_query(name, params)
    index = [result.variables.index(column) for column in columns]
    return [
        tuple("" if row[i] is None else str(getattr(row[i], "value", row[i])) for i in index)
        for row in result.solutions
    ]


# (query, parameters, columns, expected rows)
CASES: list[tuple[str, dict[str, str], tuple[str, ...], list[tuple[str, ...]]]] = [
    # Paragraph 3: the three sub-working groups report to the CPTFWG.
    (
        "reports-to",
        {"body": "CPTFWG"},
        ("acronym", "body"),
        [
            ("SWG-AAMRA", ID + "body/swg-aamra"),
            ("SWG-ACTS", ID + "body/swg-acts"),
            ("TSWGC", ID + "body/tswgc"),
        ],
    ),
    # Paragraph 2: the CCC reports directly to the ASEAN DGs of Customs.
    ("reports-to", {"body": "ASEAN DGs of Customs"}, ("acronym",), [("CCC",)]),
    # Paragraphs 2-3: SWG-ACTS -> CPTFWG -> CCC -> ASEAN DGs of Customs.
    (
        "reporting-chain",
        {"body": "SWG-ACTS"},
        ("level", "acronym", "name"),
        [
            ("1", "CPTFWG", "Customs Procedures and Trade Facilitation Working Group"),
            ("2", "CCC", "Coordinating Committee on Customs"),
            ("3", "", DGS),
        ],
    ),
    # Paragraphs 2-3: under the CCC, three working groups, and three sub-working groups under CPTFWG.
    (
        "subordinates",
        {"body": "CCC"},
        ("depth", "acronym", "reports_to"),
        [
            ("1", "CCBWG", "Coordinating Committee on Customs"),
            ("1", "CECWG", "Coordinating Committee on Customs"),
            ("1", "CPTFWG", "Coordinating Committee on Customs"),
            ("2", "SWG-AAMRA", "Customs Procedures and Trade Facilitation Working Group"),
            ("2", "SWG-ACTS", "Customs Procedures and Trade Facilitation Working Group"),
            ("2", "TSWGC", "Customs Procedures and Trade Facilitation Working Group"),
        ],
    ),
    # Paragraphs 2-3: seven reporting lines; the working groups' lines are read from "established under".
    (
        "reporting-structure",
        {},
        ("subordinate", "superior", "derived", "source"),
        [
            ("CCC", "ASEAN DGs of Customs", "false", P + "2"),
            ("CCBWG", "CCC", "true", P + "2"),
            ("CECWG", "CCC", "true", P + "2"),
            ("CPTFWG", "CCC", "true", P + "2"),
            ("SWG-AAMRA", "CPTFWG", "false", P + "3"),
            ("SWG-ACTS", "CPTFWG", "false", P + "3"),
            ("TSWGC", "CPTFWG", "false", P + "3"),
        ],
    ),
    # Paragraphs 1-3: the DGs meeting and its seven sectoral bodies.
    (
        "bodies",
        {},
        ("acronym", "kind"),
        [
            ("", "Directors-General of Customs meeting"),
            ("CCBWG", "working group"),
            ("CCC", "coordinating committee"),
            ("CECWG", "working group"),
            ("CPTFWG", "working group"),
            ("SWG-AAMRA", "sub-working group"),
            ("SWG-ACTS", "sub-working group"),
            ("TSWGC", "sub-working group"),
        ],
    ),
    # Paragraph 2: the CCC, established at the 15th meeting on 6 June 2006 in Siem Reap, Cambodia.
    (
        "body-profile",
        {"body": "ccc"},
        ("property", "value"),
        [
            ("name", "Coordinating Committee on Customs"),
            ("acronym", "CCC"),
            ("kind", "coordinating committee"),
            ("purpose", "Coordination of regional customs integration initiatives"),
            ("established on", "2006-06-06"),
            ("established at", "15th ASEAN Directors-General of Customs Meeting"),
            ("established in", "Cambodia"),
            ("established in", "Siem Reap"),
            ("reports to", DGS),
            ("responsible for implementing", "Strategic Plans of Customs Development"),
            ("part of", "ASEAN Customs"),
            ("source", "ASEAN Customs: Overview, paragraph 2"),
            ("source", "ASEAN Customs: Overview, paragraph 4"),
        ],
    ),
    # Paragraph 3: SWG-ACTS established by the DGs in 2010 (a year, no day).
    (
        "body-profile",
        {"body": "SWG-ACTS"},
        ("property", "value"),
        [
            ("name", "Sub-Working Group on ASEAN Customs Transit System"),
            ("acronym", "SWG-ACTS"),
            ("kind", "sub-working group"),
            ("purpose", "Supporting the effective implementation of specific initiatives"),
            ("established on", "2010"),
            ("established by", DGS),
            ("reports to", "Customs Procedures and Trade Facilitation Working Group"),
            ("responsible for implementing", "Strategic Plans of Customs Development"),
            ("serves", "ASEAN Customs Transit System"),
            ("part of", "ASEAN Customs"),
            ("source", "ASEAN Customs: Overview, paragraph 3"),
            ("source", "ASEAN Customs: Overview, paragraph 4"),
        ],
    ),
    # Paragraphs 2-3: 2006 (CCC and three working groups), 2010 (SWG-ACTS), 2019 (TSWGC, SWG-AAMRA).
    (
        "bodies-established-between",
        {"from": "2006", "to": "2019"},
        ("date", "acronym"),
        [
            ("2006-06-06", "CCBWG"),
            ("2006-06-06", "CCC"),
            ("2006-06-06", "CECWG"),
            ("2006-06-06", "CPTFWG"),
            ("2010", "SWG-ACTS"),
            ("2019", "SWG-AAMRA"),
            ("2019", "TSWGC"),
        ],
    ),
    ("bodies-established-between", {"from": "2007", "to": "2018"}, ("acronym",), [("SWG-ACTS",)]),
    # Paragraphs 1-3: on 1 January 2015 the DGs meeting (1995), the CCC and its working groups
    # (2006) and SWG-ACTS (2010) existed; the two 2019 groups did not.
    (
        "bodies-existing-on",
        {"date": "2015-01-01"},
        ("acronym", "name", "established", "approximate"),
        [
            ("", DGS, "1995", "false"),
            ("CCBWG", "Customs Capacity Building Working Group", "2006-06-06", "false"),
            ("CCC", "Coordinating Committee on Customs", "2006-06-06", "false"),
            ("CECWG", "Customs Enforcement and Compliance Working Group", "2006-06-06", "false"),
            (
                "CPTFWG",
                "Customs Procedures and Trade Facilitation Working Group",
                "2006-06-06",
                "false",
            ),
            ("SWG-ACTS", "Sub-Working Group on ASEAN Customs Transit System", "2010", "false"),
        ],
    ),
    # On 5 June 2006 the CCC did not exist yet (established on the 6th); in 2010 the year-only
    # date of SWG-ACTS makes its row approximate.
    ("bodies-existing-on", {"date": "2006-06-05"}, ("name",), [(DGS,)]),
    (
        "bodies-existing-on",
        {"date": "2010-03-01"},
        ("acronym", "approximate"),
        [
            ("", "false"),
            ("CCBWG", "false"),
            ("CCC", "false"),
            ("CECWG", "false"),
            ("CPTFWG", "false"),
            ("SWG-ACTS", "true"),
        ],
    ),
    # Paragraphs 1, 2, 4 and the meeting statements of the 19th, 24th, 29th and 34th meetings.
    (
        "meetings",
        {},
        ("start", "end", "meeting", "place", "outcome_kind"),
        [
            ("2003-10-07", "2003-10-07", "9th ASEAN Summit", "Bali", "decision"),
            (
                "2006-06-06",
                "2006-06-06",
                "15th ASEAN Directors-General of Customs Meeting",
                "Siem Reap",
                "establishment",
            ),
            (
                "2006-06-06",
                "2006-06-06",
                "15th ASEAN Directors-General of Customs Meeting",
                "Siem Reap",
                "establishment",
            ),
            (
                "2006-06-06",
                "2006-06-06",
                "15th ASEAN Directors-General of Customs Meeting",
                "Siem Reap",
                "establishment",
            ),
            (
                "2006-06-06",
                "2006-06-06",
                "15th ASEAN Directors-General of Customs Meeting",
                "Siem Reap",
                "establishment",
            ),
            (
                "2010-06-09",
                "2010-06-11",
                "19th ASEAN Directors-General of Customs Meeting",
                "Phuket",
                "decision",
            ),
            (
                "2010-06-09",
                "2010-06-11",
                "19th ASEAN Directors-General of Customs Meeting",
                "Phuket",
                "endorsement",
            ),
            (
                "2015-05-20",
                "2015-05-22",
                "24th ASEAN Directors-General of Customs Meeting",
                "Bandar Seri Begawan",
                "endorsement",
            ),
            (
                "2015-05-20",
                "2015-05-22",
                "24th ASEAN Directors-General of Customs Meeting",
                "Bandar Seri Begawan",
                "review",
            ),
            (
                "2020-08-18",
                "2020-08-19",
                "29th ASEAN Directors-General of Customs Meeting",
                "",
                "endorsement",
            ),
            ("2020-08-19", "2020-08-19", "9th ASEAN-WCO Consultation", "", ""),
            (
                "2025-06-03",
                "2025-06-05",
                "34th ASEAN Directors-General of Customs Meeting",
                "Bandar Seri Begawan",
                "endorsement",
            ),
            ("2025-10", "2025-10", "47th ASEAN Summit", "Kuala Lumpur", "admission"),
        ],
    ),
    # Paragraph 4 (first and latest plans; the middle ones derived), the 24th, 29th and 34th meetings.
    (
        "spcd-series",
        {},
        ("position", "start", "end", "derived", "event_kind", "event_date"),
        [
            ("1", "2005", "2010", "false", "", ""),
            ("2", "2011", "2015", "true", "review", ""),
            ("3", "2016", "2020", "true", "endorsement", ""),
            ("4", "2021", "2025", "true", "endorsement", ""),
            ("5", "2026", "2030", "true", "endorsement", "2025-06-05"),
        ],
    ),
    # Paragraph 4: in 2023 the fourth SPCDs (2021-2025) were in force; 2026 starts the latest SPCDs
    # and, paragraph 5, the AEC Strategic Plan 2026-2030; 2010 is the last year of the first.
    (
        "plan-in-force",
        {"year": "2023"},
        ("plan",),
        [("Strategic Plans of Customs Development 2021-2025",)],
    ),
    (
        "plan-in-force",
        {"year": "2026"},
        ("plan", "start", "end"),
        [
            ("AEC Strategic Plan 2026-2030", "2026", "2030"),
            ("Strategic Plans of Customs Development 2026-2030", "2026", "2030"),
        ],
    ),
    ("plan-in-force", {"year": "2010"}, ("start", "end"), [("2005", "2010")]),
    ("plan-in-force", {"year": "2004"}, ("plan",), []),
    # Paragraphs 4-5: 13 areas of initiatives, five aims, four emerging issues, two goals, the AEC plan.
    (
        "plan-aims",
        {"plan": "SPCDs 2026-2030"},
        ("property", "value"),
        [
            ("aim", "Addressing emerging issues"),
            ("aim", "Combating illicit trade and strengthening enforcement"),
            ("aim", "Cooperation with partners on trade facilitation and border security"),
            ("aim", "Further simplified and modernised customs procedures"),
            ("aim", "Greater capacity of ASEAN Customs officers"),
            ("addresses issue", "Carbon neutrality"),
            ("addresses issue", "Circular economy"),
            ("addresses issue", "Customs automation"),
            ("addresses issue", "Digitalisation"),
            ("supports goal", "Deeper regional integration"),
            ("supports goal", "Enhanced intra-ASEAN trade"),
            ("number of areas of initiatives", "13"),
            ("contributes to", "AEC Strategic Plan 2026-2030"),
        ],
    ),
    # Paragraph 4: the first SPCDs advanced three priority areas.
    (
        "plan-aims",
        {"plan": "SPCDs 2005-2010"},
        ("property", "value"),
        [
            ("priority area", "Capacity building"),
            ("priority area", "Customs and trade facilitation"),
            ("priority area", "Enforcement and compliance"),
        ],
    ),
    # Paragraph 4: all customs sectoral bodies implement the SPCDs.
    (
        "plan-implementers",
        {},
        ("acronym", "plan"),
        [
            (acronym, "Strategic Plans of Customs Development")
            for acronym in ("CCBWG", "CCC", "CECWG", "CPTFWG", "SWG-AAMRA", "SWG-ACTS", "TSWGC")
        ],
    ),
    # Paragraph 6: four Dialogue Partners' administrations and the cooperation named with each.
    (
        "dialogue-partners",
        {},
        ("administration", "country", "activity_kind", "derived"),
        [
            ("Australia Border Force", "Australia", "consultation", "false"),
            ("Australia Border Force", "Australia", "technical assistance", "true"),
            ("Australia Border Force", "Australia", "training programme", "true"),
            (
                "General Administration of Customs of the People's Republic of China",
                "People's Republic of China",
                "consultation",
                "false",
            ),
            (
                "General Administration of Customs of the People's Republic of China",
                "People's Republic of China",
                "technical assistance",
                "true",
            ),
            ("Japan Customs", "Japan", "consultation", "false"),
            ("Japan Customs", "Japan", "information exchange", "true"),
            ("Japan Customs", "Japan", "technical assistance", "true"),
            ("Korea Customs Service", "Korea", "consultation", "false"),
            ("Korea Customs Service", "Korea", "joint enforcement operation", "true"),
            ("Korea Customs Service", "Korea", "joint programme", "true"),
            ("Korea Customs Service", "Korea", "technical assistance", "true"),
        ],
    ),
    # Paragraph 6: with Korea, consultations, joint enforcement against illicit drugs, the JCC (one
    # of the joint programmes), and technical assistance; the state or the administration may be
    # named.
    (
        "partner-cooperation",
        {"partner": "Korea Customs Service"},
        ("activity_kind", "aim"),
        [
            ("consultation", "Stronger customs cooperation"),
            ("joint enforcement operation", "Combating illicit drugs"),
            ("joint programme", ""),
            ("technical assistance", ""),
        ],
    ),
    (
        "partner-cooperation",
        {"partner": "Japan"},
        ("activity_kind", "aim"),
        [
            ("consultation", "Stronger customs cooperation"),
            ("information exchange", "Customs intelligence"),
            ("technical assistance", ""),
        ],
    ),
    # Paragraph 7: regular consultations with the JBC during relevant meetings, four aims.
    (
        "business-consultations",
        {},
        ("council", "frequency", "occasion"),
        [("Joint Business Councils", "regularly", "during relevant meetings")] * 4,
    ),
    # The member-state sources of the project's source list.
    (
        "member-states",
        {},
        ("country", "member_since", "acronym", "since", "until"),
        [
            ("Brunei Darussalam", "", "RCED", "", ""),
            ("Cambodia", "", "GDCE", "", ""),
            ("Indonesia", "", "DJBC", "", ""),
            ("Lao PDR", "", "", "", ""),
            ("Malaysia", "", "JKDM", "", ""),
            ("Myanmar", "", "", "", ""),
            ("Philippines", "", "BOC", "", ""),
            ("Singapore", "", "", "2003-04-01", ""),
            ("Thailand", "", "", "", ""),
            ("Timor-Leste", "2025-10-26", "", "", ""),
            ("Viet Nam", "", "", "2025-03-01", ""),
            ("Viet Nam", "", "", "", "2025-03-01"),
        ],
    ),
    # Paragraph 2 states the CCC, its establishment and its line to the DGs; paragraph 4 its role
    # in the SPCDs.
    (
        "sources-of",
        {"resource": "CCC"},
        ("about", "source_iri"),
        [
            ("CCBWG reports to the CCC", P + "2"),
            ("CCC reports to the ASEAN Directors-General of Customs Meeting", P + "2"),
            ("CECWG reports to the CCC", P + "2"),
            ("CPTFWG reports to the CCC", P + "2"),
            ("Coordinating Committee on Customs", P + "2"),
            ("Coordinating Committee on Customs", P + "4"),
            ("Establishment of the Coordinating Committee on Customs", P + "2"),
        ],
    ),
    # Paragraph 7 supports the JBC, the private-sector partnership, its consultations and their
    # four aims.
    (
        "facts-from-source",
        {"source": "ovw:p7"},
        ("kind", "resource"),
        [
            ("Concept", ID + "concept/sound-business-environment"),
            ("Concept", ID + "concept/discussing-business-recommendations"),
            ("Concept", ID + "concept/hearing-business-feedback"),
            ("Concept", ID + "concept/trade-facilitation-proposals"),
            ("business council", ID + "organization/joint-business-councils"),
            ("consultation", ID + "activity/consultations-joint-business-councils"),
            ("private-sector partnership", ID + "partnership/private-sector"),
        ],
    ),
    # Secondary sources: ACTS (19th meeting, Protocol 7, launch 30 November 2020), AAMRA (signed
    # 19 September 2023).
    (
        "initiatives",
        {},
        ("initiative", "served_by", "event_kind", "date"),
        [
            (
                "ASEAN Authorised Economic Operator Mutual Recognition Arrangement",
                "SWG-AAMRA",
                "signing",
                "2023-09-19",
            ),
            ("ASEAN Customs Transit System", "SWG-ACTS", "decision", ""),
            ("ASEAN Customs Transit System", "SWG-ACTS", "endorsement", ""),
            ("ASEAN Customs Transit System", "SWG-ACTS", "launch", "2020-11-30"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "params", "columns", "expected"),
    [pytest.param(*case, id=f"{case[0]}-{'-'.join(case[1].values())}") for case in CASES],
)
def test_saved_query_gives_the_sources_answer(
    name: str, params: dict[str, str], columns: tuple[str, ...], expected: list[tuple[str, ...]]
) -> None:
    assert answer(name, columns, **params) == expected


def test_every_saved_query_has_an_answer_test() -> None:
    tested = {case[0] for case in CASES} | {"resource-description"}
    assert sorted(q.name for q in list_queries() if q.name not in tested) == []


def test_resource_description_returns_the_triples_of_the_resource() -> None:
    result = run_query("resource-description", resource="TSWGC")
    assert result.form == "graph"
    facts = {
        (p.split("#")[-1].split("/")[-1], o) for s, p, o in result.rows() if isinstance(o, str)
    }
    assert {s for s, _, _ in result.rows()} == {ID + "body/tswgc"}
    assert ("reportsTo", ID + "body/cptfwg") in facts
    assert ("notation", "TSWGC") in facts
    assert ("prefLabel", "Technical Sub-Working Group on Classification") in facts
