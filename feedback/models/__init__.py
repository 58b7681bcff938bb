"""Typed SQLAlchemy 2.0 models, one module per concept."""
from .audit import AuditEvent
from .catalogue import Disclosure, DisclosureVersion, Heading
from .opinions import Cluster, Decision, Opinion, Response
from .organisation import Department, Organisation, User

__all__ = [
    "AuditEvent",
    "Cluster",
    "Decision",
    "Department",
    "Disclosure",
    "DisclosureVersion",
    "Heading",
    "Opinion",
    "Organisation",
    "Response",
    "User",
]
