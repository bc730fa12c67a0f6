"""The rule builder's outline: a rule tree the user edits node by node.

The rule tree (``segdesk.rules.tree``) is immutable and holds only complete rules: an and/or
has two items or more. While building, a group may hold one condition or none yet, and the
user points at nodes by place. The outline is that editable form: groups and conditions,
each of which may be negated, addressed by paths of indexes. :func:`from_rule` and
:func:`to_rule` convert exactly (``to_rule(from_rule(r)) == r``), so that the text form and
the builder can follow each other without changing what the user wrote.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from segdesk.rules import And, Not, Or, Rule

Path: TypeAlias = tuple[int, ...]
GroupKind: TypeAlias = Literal["and", "or"]


@dataclass
class Condition:
    """One condition of the rule (a comparison, a metric, a segment or a model)."""

    rule: Rule
    negated: bool = False


@dataclass
class Group:
    """All (and) or any (or) of its items; empty or one-item groups are allowed here."""

    kind: GroupKind = "and"
    items: list[Node] = field(default_factory=list)
    negated: bool = False


Node: TypeAlias = Condition | Group


@dataclass(frozen=True)
class Row:
    """One line of the outline as shown: where it is, how deep, and what."""

    path: Path
    node: Node

    @property
    def depth(self) -> int:
        return len(self.path)


def from_rule(rule: Rule | None) -> Group:
    """The outline of a rule; its top is always a group (an "and" around a lone condition)."""
    if rule is None:
        return Group()
    node = _node(rule)
    if isinstance(node, Group) and not node.negated:
        return node
    return Group("and", [node])


def _node(rule: Rule) -> Node:
    if isinstance(rule, And | Or):
        return Group("and" if isinstance(rule, And) else "or", [_node(i) for i in rule.items])
    if isinstance(rule, Not):
        inner = _node(rule.item)
        if inner.negated:  # not (not x): the outer not gets a group of its own
            return Group("and", [inner], negated=True)
        inner.negated = True
        return inner
    return Condition(rule)


def to_rule(node: Node) -> Rule | None:
    """The rule an outline stands for; None while it has no condition. Empty groups are left
    out and a group of one item is that item."""
    if isinstance(node, Condition):
        rule: Rule | None = node.rule
    else:
        parts = [r for r in (to_rule(i) for i in node.items) if r is not None]
        if not parts:
            return None
        if len(parts) == 1:
            rule = parts[0]
        else:
            rule = And(tuple(parts)) if node.kind == "and" else Or(tuple(parts))
    return Not(rule) if node.negated and rule is not None else rule


def rows(root: Group) -> list[Row]:
    """Every node, parents before children, as the outline lists them."""
    return list(_rows(root, ()))


def _rows(node: Node, path: Path) -> Iterator[Row]:
    yield Row(path, node)
    if isinstance(node, Group):
        for index, item in enumerate(node.items):
            yield from _rows(item, (*path, index))


def node_at(root: Group, path: Path) -> Node:
    node: Node = root
    for index in path:
        assert isinstance(node, Group)
        node = node.items[index]
    return node


def _parent(root: Group, path: Path) -> Group:
    parent = node_at(root, path[:-1])
    assert isinstance(parent, Group)
    return parent


def insert(root: Group, at: Path, node: Node) -> Path:
    """Put ``node`` into the group at ``at`` (last), or after the condition at ``at``;
    returns where it went."""
    target = node_at(root, at)
    if isinstance(target, Group):
        target.items.append(node)
        return (*at, len(target.items) - 1)
    _parent(root, at).items.insert(at[-1] + 1, node)
    return (*at[:-1], at[-1] + 1)


def container_kind(root: Group, at: Path) -> GroupKind:
    """The kind of group a node added at ``at`` would land in."""
    target = node_at(root, at)
    return target.kind if isinstance(target, Group) else _parent(root, at).kind


def new_group(root: Group, at: Path) -> Group:
    """An empty group of the other kind than the one it lands in: inside "all of" one adds
    "any of" (the usual need), and the other way round."""
    return Group("or" if container_kind(root, at) == "and" else "and")


def remove(root: Group, at: Path) -> Path:
    """Remove the node at ``at`` (not the top group); returns where the cursor goes: the
    item that took its place, else the one before, else the group it was in."""
    parent = _parent(root, at)
    del parent.items[at[-1]]
    if at[-1] < len(parent.items):
        return at
    if parent.items:
        return (*at[:-1], at[-1] - 1)
    return at[:-1]


def move(root: Group, at: Path, step: int) -> Path:
    """Move the node at ``at`` up or down among its siblings; returns its new place."""
    if not at:
        return at
    parent = _parent(root, at)
    index = at[-1]
    target = index + step
    if not 0 <= target < len(parent.items):
        return at
    items = parent.items
    items[index], items[target] = items[target], items[index]
    return (*at[:-1], target)


def copied(root: Group) -> Group:
    """A copy to keep for undo."""
    return copy.deepcopy(root)
