"""Segments: saved rules, static lists and model segments, their versions, pins, refresh and
explanations (docs/segments.md).

Every function takes an open connection and works inside the caller's transaction, so a
failed or cancelled step leaves the database as it was. The modules:

- ``records``: finding segments by name, the list, versions;
- ``editing``: create, edit, rename, retire and reactivate, delete, purge, duplicate;
- ``static``: lists frozen from a rule, a segment or named contacts;
- ``pins``: always include or exclude a contact;
- ``refresh``: models, then rule segments in dependency order;
- ``explain``: why a contact is or is not in a segment;
- ``playbook``, ``cadence``, ``reviews``: the playbook fields, how often a playbook is
  reviewed, the reviews due and done (docs/playbooks.md);
- ``detail``, ``counting``: what ``segment show``, ``count`` and ``members`` print;
- ``versions``: versions with their member counts, and two compared;
- ``overview``, ``dependencies``, ``member_pages``: what the segments screens read (the list
  with trends, what a delete would touch, members page by page);
- ``after_import``: the refresh that follows an import or an undo, in a transaction of its
  own (it takes the engine), and the report that says how it went.

This package imports nothing itself, so that the import report can be loaded without the
rule language.
"""
