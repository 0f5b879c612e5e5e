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

Callers import from the module that owns the read.
"""
