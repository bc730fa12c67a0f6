"""Publishing: segments leaving the app as contact lists (and, elsewhere, playbooks).

``lists.plan_list`` counts what a list export would write and leave out; ``lists.write_list``
writes it (generic CSV, Mailchimp, HubSpot, Excel) through a temporary file renamed into
place, and records it in the export log. See docs/exports.md.
"""
