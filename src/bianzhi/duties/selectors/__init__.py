"""Reads of the duties app, scoped to the reader, one module per part of it:

* ``catalogue``: the delegation catalogue, take-up and a township's class;
* ``statutory``: statutory items;
* ``matters``: the territorial-matters list and its change requests;
* ``access``: duty-access requests, their history and overdue steps;
* ``duty_list``: a township's powers-and-duties list (the public pages too);
* ``common``: the counties a reader may open.

The one unscoped read is ``duty_list`` for the public page: a township's
powers-and-duties list is published to everyone (001 §(一)2: 及时向社会公开),
and it is built only from approved records.

Callers import from the module that owns the read. The five names below are
the exception, kept only for ``duties/exports.py``, which reads them as
``selectors.<name>`` and is being moved into ``bianzhi.adapters`` by another
change (only its import lines may be edited meanwhile); once it imports from
the owning modules, delete them.
"""

from bianzhi.duties.selectors.catalogue import catalogue_items, catalogue_of
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.duties.selectors.matters import matters
from bianzhi.duties.selectors.statutory import statutory_items

__all__ = ["catalogue_items", "catalogue_of", "duty_list", "matters", "statutory_items"]
