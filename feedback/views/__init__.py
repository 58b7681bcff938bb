"""Blueprints by audience: public, auth, department, editor, api."""
