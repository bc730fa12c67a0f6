"""Segments leaving the app: contact lists (``lists.plan_list`` counts what an export would
write and leave out, ``lists.write_list`` writes generic CSV, Mailchimp, HubSpot or Excel) and
playbooks (``playbook.write_playbook``, Markdown or one HTML page). Every file is written
through a temporary name renamed into place, readable by its owner only, and recorded in the
export log. See docs/exports.md and docs/playbooks.md.
"""
