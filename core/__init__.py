"""The ground every stage stands on: the data model, errors, settings and the text rules shared by ingest and
question time. Imports nothing of the project."""
