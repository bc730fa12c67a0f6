"""The rule language (DESIGN §5): one rule tree with three faces — text, English and SQL.

``parse`` reads the text form against a :class:`FieldCatalog`, ``to_text`` prints it back
canonically, ``to_english`` renders it for playbooks, ``compile_rule`` turns it into one
parameterised query of contact ids, and ``matches`` is the pure-Python reference the tests
hold the SQL to.
"""

from segdesk.rules.catalog import CatalogField, FieldCatalog
from segdesk.rules.compiler import SegmentResolver, compile_rule
from segdesk.rules.english import to_english
from segdesk.rules.errors import RuleError
from segdesk.rules.evaluator import matches, metric_value, model_key
from segdesk.rules.ops import check
from segdesk.rules.parser import parse
from segdesk.rules.printer import to_text
from segdesk.rules.segment_refs import DatabaseSegments, find_cycle
from segdesk.rules.tree import (
    And,
    Compare,
    InModel,
    InSegment,
    Metric,
    MetricCompare,
    Not,
    Or,
    Rule,
    from_json,
    referenced_segments,
    to_json,
)
from segdesk.rules.vocabulary import RuleTerm, rule_terms

__all__ = [
    "And",
    "CatalogField",
    "Compare",
    "DatabaseSegments",
    "FieldCatalog",
    "InModel",
    "InSegment",
    "Metric",
    "MetricCompare",
    "Not",
    "Or",
    "Rule",
    "RuleError",
    "RuleTerm",
    "SegmentResolver",
    "check",
    "compile_rule",
    "find_cycle",
    "from_json",
    "matches",
    "metric_value",
    "model_key",
    "parse",
    "referenced_segments",
    "rule_terms",
    "to_english",
    "to_json",
    "to_text",
]
