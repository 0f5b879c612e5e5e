"""Writes of the duties app, one module per part of it:

* ``catalogue``: the "1+4" delegation catalogue and take-up rounds;
* ``statutory``: statutory items;
* ``matters``: the territorial-matters list and its change requests;
* ``access``: duty access (requests, township opinions, decisions, expiry);
* ``common``: what they share (``DutyError``, who acts for a township or a
  department, permission checks).

Every function is one use case: keyword-only, atomic, audited. ``actor`` is
the acting user; the function checks that user's permission itself (None is
the command line or the demo, which may do everything), so views, the API and
the CLI cannot forget it. Refusals raise ``DutyError`` (Chinese message) or
Django's ``PermissionDenied``.

Nothing is re-exported here: callers import from the module that owns the
use case, so each module's imports show which part of the app it uses.
"""
