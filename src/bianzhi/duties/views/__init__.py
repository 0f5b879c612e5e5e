"""Pages of the duties app, one module per part of it:

* ``overview``: the start page and a county's overview;
* ``catalogue``: the delegation catalogue and the county's take-up decision;
* ``statutory``: statutory items;
* ``matters``: the territorial-matters list and its change requests;
* ``access``: duty-access requests, opinions and decisions;
* ``duty_list``: a township's list with its take-up proposal, and the public pages;
* ``common``: what they share (scope, error messages).

Thin: parse, call a selector or service, render. Every view resolves its
object through a scoped selector *before* looking at the method, so an
outsider gets 404 whatever the method. POST actions on a detail page carry
``action=...``; services check permissions and raise ``PermissionDenied``
(403) or ``DutyError`` (shown as a message).
"""
