"""Note -> claims: the limits, integrations, capabilities and settings each statement states,
each with its source.

Each statement is annotated once (kg.extract.annotate: its quantities, service mentions, cue
words and clauses); then small passes, listed in order in registries, each decide one thing
about a draft claim (unit, kind, subject, attribute, qualifier, conditions, polarity, relation,
direction) or drop it, and record their names in the claim's `because`:

- kg.extract.limits: LIMIT_PASSES per quantity, NOTE_LIMIT_PASSES over a note's limits;
- kg.extract.integrations: INTEGRATION_PASSES per clause, PAIR_PASSES per pair of services,
  INHERITED_PASSES for lists under a parent bullet, NOTE_INTEGRATION_PASSES over a note's;
- kg.extract.capabilities: CAPABILITY_PASSES per clause.

ALL_PASSES lists every pass, in the order of those registries.
"""

from kg.extract.capabilities import (CAPABILITY_PASSES, CapabilityClaim, SettingClaim, extract_capabilities,
                                     stems, words_match)
from kg.extract.claims import Extraction, IntegrationClaim, LimitClaim
from kg.extract.extractor import Extractor, extract_claims
from kg.extract.integrations import (INHERITED_PASSES, INTEGRATION_PASSES, NOTE_INTEGRATION_PASSES,
                                     PAIR_PASSES)
from kg.extract.limits import LIMIT_PASSES, NOTE_LIMIT_PASSES

ALL_PASSES = (*LIMIT_PASSES, *NOTE_LIMIT_PASSES, *INTEGRATION_PASSES, *PAIR_PASSES, *INHERITED_PASSES,
              *NOTE_INTEGRATION_PASSES, *CAPABILITY_PASSES)

__all__ = ["ALL_PASSES", "CAPABILITY_PASSES", "CapabilityClaim", "Extraction", "Extractor", "IntegrationClaim",
           "LIMIT_PASSES", "LimitClaim", "SettingClaim", "extract_capabilities", "extract_claims", "stems",
           "words_match"]
