"""IRIs of the vocabularies kg writes; mirrors ontology/kg.ttl. Imports nothing from kg."""

KG = "https://example.org/kg#"
BASE = "https://example.org/kg/"
VOCABULARY_GRAPH = BASE + "graph/vocabulary"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
QUDT = "http://qudt.org/schema/qudt/"
UNIT = "http://qudt.org/vocab/unit/"
DCTERMS = "http://purl.org/dc/terms/"
