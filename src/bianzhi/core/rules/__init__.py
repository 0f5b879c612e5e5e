"""The policy rule engine.

Every numeric policy rule is data (`RULES`, see docs/rules.md); a region
overrides parameters, severity, scope or switches a rule off with
`RuleSettings`. `evaluate(facts, settings, today=)` checks a county's
current state; `check_entry` and `check_secondment` answer, before a roster
write, which findings the write would leave.

Modules: `model` (county facts and finding dataclasses), `catalogue` (rule
definitions and settings), `engine` (evaluation), `checks` (write-time checks).
"""

from bianzhi.core.rules.catalogue import (
    CLASS_MAPPING_PARAMETERS,
    RULES,
    RULES_BY_ID,
    ParameterSpec,
    RuleDefinition,
    RuleSettings,
    RuleSettingsError,
    apply_settings,
    effective_rules,
    layer_settings,
)
from bianzhi.core.rules.checks import (
    check_entry,
    check_secondment,
    rule_in_force,
    service_period_end,
)
from bianzhi.core.rules.engine import class_002_of, evaluate
from bianzhi.core.rules.model import (
    ADMIN_QUOTA,
    CENTRAL,
    CLASS_1,
    CLASS_2,
    CLASS_3,
    CLASSES_001,
    CLASSES_002,
    COUNTY_SEAT,
    EXCELLENT,
    FEATURED,
    INSTITUTION_QUOTA,
    KEY,
    ORDINARY,
    ApprovedTotal,
    CountyFacts,
    CountyFactsError,
    Finding,
    InstitutionKind,
    InstitutionState,
    ObjectKind,
    ObjectRef,
    PersonState,
    PersonStatus,
    PersonTally,
    Severity,
    TownshipState,
    finding_to_dict,
)

__all__ = [
    "ADMIN_QUOTA",
    "ApprovedTotal",
    "CENTRAL",
    "CLASSES_001",
    "CLASSES_002",
    "CLASS_1",
    "CLASS_2",
    "CLASS_3",
    "CLASS_MAPPING_PARAMETERS",
    "COUNTY_SEAT",
    "EXCELLENT",
    "FEATURED",
    "INSTITUTION_QUOTA",
    "KEY",
    "ORDINARY",
    "RULES",
    "RULES_BY_ID",
    "Finding",
    "InstitutionKind",
    "InstitutionState",
    "ObjectKind",
    "ObjectRef",
    "ParameterSpec",
    "PersonState",
    "PersonTally",
    "PersonStatus",
    "RuleDefinition",
    "RuleSettings",
    "RuleSettingsError",
    "Severity",
    "CountyFacts",
    "CountyFactsError",
    "TownshipState",
    "apply_settings",
    "check_entry",
    "check_secondment",
    "class_002_of",
    "effective_rules",
    "evaluate",
    "finding_to_dict",
    "layer_settings",
    "rule_in_force",
    "service_period_end",
]
