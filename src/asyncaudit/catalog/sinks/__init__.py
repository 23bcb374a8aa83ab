"""Blocking sinks by domain; `asyncaudit.catalog.blocking` assembles them into `SINKS`."""
