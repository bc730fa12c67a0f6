"""A model segment's definition in words: which scores or days put a contact in it, from the
scheme's settings and its latest run (docs/models.md says how the models work)."""

from __future__ import annotations

from segdesk.models.lifecycle import ACTIVE, AT_RISK, LAPSED, NEVER, NEW
from segdesk.models.rfm import GRID_RANGES, NO_PURCHASES
from segdesk.models.thresholds import Thresholds
from segdesk.publish.playbook_facts import SchemeFacts

SCHEME_LABELS = {"rfm": "RFM", "lifecycle": "Lifecycle"}


def scheme_label(name: str) -> str:
    """A scheme's name as a heading shows it: "RFM", "Lifecycle"."""
    return SCHEME_LABELS.get(name, name)


def segment_definition(scheme: SchemeFacts, model_segment: str) -> str | None:
    """Who is in the model's segment ``model_segment``; None for a model or name unknown."""
    if scheme.kind == "rfm":
        return _rfm_segment(model_segment)
    if scheme.kind == "lifecycle":
        return _lifecycle_stage(Thresholds.from_json(scheme.params), model_segment)
    return None


def scheme_method(scheme: SchemeFacts) -> str | None:
    """How the scheme sorts contacts, with the figures of its latest run."""
    run = f" The latest run is as of {scheme.run_as_of}." if scheme.run_as_of else ""
    if scheme.kind == "rfm":
        cuts = scheme.breakpoints
        said = [
            f"{label} {', '.join(_number(v) for v in cuts[key])} {unit}"
            for key, label, unit in (
                ("recency", "recency", "days"),
                ("frequency", "frequency", "orders"),
                ("monetary", "amount spent", ""),
            )
            if cuts.get(key)
        ]
        where = f" Its breakpoints: {'; '.join(s.strip() for s in said)}." if said else ""
        return (
            "RFM scores each customer 1 to 5 on recency (days since the last order), frequency "
            "(orders) and amount spent, by fifths of the customers with orders, and names each "
            "customer by their recency and frequency scores. Every contact is in exactly one "
            f"segment.{run}{where}"
        )
    if scheme.kind == "lifecycle":
        t = Thresholds.from_json(scheme.params)
        return (
            "Lifecycle places each contact by the days since their first and last orders: new "
            f"within {t.new_days} days of a first order, active within {t.active_days} days of "
            f"the last, at risk up to {t.lapsed_days} days, lapsed after that. Every contact is "
            f"in exactly one stage.{run}"
        )
    return None


def _rfm_segment(name: str) -> str | None:
    if name == NO_PURCHASES:
        return "Contacts without an order."
    for cell, r_scores, f_scores in GRID_RANGES:
        if cell == name:
            return (
                f"Customers with a recency score of {_scores(r_scores)} and a frequency score "
                f"of {_scores(f_scores)} (5 is the most recent, the most frequent)."
            )
    return None


def _lifecycle_stage(t: Thresholds, name: str) -> str | None:
    return {
        NEW: f"Customers whose first order is at most {t.new_days} days old.",
        ACTIVE: (
            f"Customers whose last order is at most {t.active_days} days old, "
            f"and whose first is older than {t.new_days} days."
        ),
        AT_RISK: (
            f"Customers whose last order is {t.active_days + 1} to {t.lapsed_days} days old."
        ),
        LAPSED: f"Customers whose last order is more than {t.lapsed_days} days old.",
        NEVER: "Contacts without an order.",
    }.get(name)


def _scores(scores: range) -> str:
    return str(scores[0]) if len(scores) == 1 else f"{scores[0]} to {scores[-1]}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
