"""Moved to kg.extract.capabilities (the capability and setting passes); kept for old imports."""

from kg.extract.capabilities import (CAPABILITY_PASSES, CapabilityClaim, SettingClaim, extract_capabilities,
                                     stems, words_match)

__all__ = ["CAPABILITY_PASSES", "CapabilityClaim", "SettingClaim", "extract_capabilities", "stems", "words_match"]
