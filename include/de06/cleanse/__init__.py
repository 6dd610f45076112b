"""Judicial-record cleansing against the population DB (issue 4): pipeline, review queue, file link."""
