"""The vocabulary the code names: every namespace and IRI constant it uses, and the sets of XSD
datatypes it treats alike, in one module.

Plain strings (an IRI is written ``OWL + "sameAs"``), so that every layer can import them, the
cold saved-query path included, without an RDF library. Prefixes for people (in reports,
pages and docs) are built from these namespaces where they are declared.
"""

from __future__ import annotations

__all__ = [
    "ACK",
    "BASE",
    "CPOV",
    "DATASET",
    "DATA_GRAPH",
    "DCAT",
    "DCT",
    "DESCRIPTION_GRAPH",
    "FOAF",
    "GRAPHS",
    "ONTOLOGY_GRAPH",
    "ORG",
    "ORG_REPORTS_TO",
    "OWL",
    "OWL_IMPORTS",
    "PROV",
    "QUERY_GRAPHS",
    "RDF",
    "RDFS",
    "RDFS_CLASS",
    "RDFS_SUBCLASS_OF",
    "RDF_LANG_STRING",
    "RDF_TYPE",
    "SCHEMA",
    "SD",
    "SH",
    "SHAPES_GRAPH",
    "SH_TARGET_CLASS",
    "SKOS",
    "TIME",
    "VOID",
    "VOID_TRIPLES",
    "XSD",
    "XSD_INTEGERS",
    "XSD_NUMBERS",
    "XSD_STRING",
]

#: The namespace of the project's resources (``id/...``), ontology and graphs.
BASE = "https://w3id.org/asean-customs-kg/"
#: The project's ontology.
ACK = BASE + "ontology#"

# --- the release: a dataset of named graphs ---

#: The dataset that the description describes.
DATASET = BASE + "dataset"
#: The named graph of the OWL ontology (``ontology/`` without the shapes).
ONTOLOGY_GRAPH = BASE + "graph/ontology"
#: The named graph of the SHACL shapes.
SHAPES_GRAPH = BASE + "graph/shapes"
#: The named graph of the instance data (``data/``).
DATA_GRAPH = BASE + "graph/data"
#: The named graph of the VoID/DCAT description of the dataset.
DESCRIPTION_GRAPH = BASE + "graph/description"
#: Every named graph of a release, in the order they are written.
GRAPHS: tuple[str, ...] = (DESCRIPTION_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH, DATA_GRAPH)
#: The graphs that saved queries run on (the query dataset's default graph): the ontology and
#: the data, as in the embedded engine.
QUERY_GRAPHS: tuple[str, ...] = (ONTOLOGY_GRAPH, DATA_GRAPH)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FOAF = "http://xmlns.com/foaf/0.1/"
PROV = "http://www.w3.org/ns/prov#"
TIME = "http://www.w3.org/2006/time#"
SCHEMA = "https://schema.org/"
CPOV = "http://data.europa.eu/m8g/"

RDF_TYPE = RDF + "type"
RDF_LANG_STRING = RDF + "langString"
RDFS_CLASS = RDFS + "Class"
RDFS_SUBCLASS_OF = RDFS + "subClassOf"
OWL_IMPORTS = OWL + "imports"
XSD_STRING = XSD + "string"
SH_TARGET_CLASS = SH + "targetClass"
ORG_REPORTS_TO = ORG + "reportsTo"
VOID_TRIPLES = VOID + "triples"

#: ``xsd:integer`` and the datatypes derived from it: their values are integers.
XSD_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
#: The numeric datatypes: the integers, ``xsd:decimal``, ``xsd:float`` and ``xsd:double``.
XSD_NUMBERS = XSD_INTEGERS | {XSD + "decimal", XSD + "float", XSD + "double"}
