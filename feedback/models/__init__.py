"""Typed SQLAlchemy 2.0 models, one module per concept."""
from .audit import AuditEvent
from .catalogue import Attachment, Disclosure, DisclosureVersion, Heading
from .opinions import Cluster, Decision, Opinion, Response
from .organisation import Department, Organisation, User
from .channels import ChannelKey, KioskDevice, Rating
from .opinion_files import OpinionFile
from .response_workflow import AnswerTemplate, CalendarDay, DeadlineExtension, InternalNote, OutboxMessage, RouterRun, Transfer  # noqa: F401
from .supervision import Checklist, ChecklistPoint, CheckResult, SupervisionCheck
from .tallies import OpinionDayTally, OpinionFiguresTally, OpinionTally  # noqa: F401

__all__ = [
    "Attachment",
    "CheckResult",
    "Checklist",
    "ChecklistPoint",
    "SupervisionCheck",
    "AuditEvent",
    "Cluster",
    "Decision",
    "Department",
    "Disclosure",
    "DisclosureVersion",
    "Heading",
    "Opinion",
    "OpinionFile",
    "Organisation",
    "Response",
    "User",
]
