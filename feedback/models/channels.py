"""Intake channels other than the public web form, and what residents say back.

Kiosks and channel API keys are identified by a secret that is shown once when it is
created; only its SHA-256 is stored. A rating is the resident's verdict on the answer.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .opinions import Opinion

RATING_SCORES = ("satisfied", "basically_satisfied", "not_satisfied")


class KioskDevice(db.Model):
    """A registered touch-screen kiosk in a service hall (党务信息查阅点)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    location: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class ChannelKey(db.Model):
    """An API key that identifies another intake channel (an SMS gateway, a messaging account)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(20))
    key_prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class Rating(db.Model):
    """How satisfied the resident is with the published answer (one per opinion)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), unique=True)
    response_id: Mapped[Optional[int]] = mapped_column(ForeignKey("response.id"), index=True)
    score: Mapped[str] = mapped_column(String(30), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    opinion: Mapped[Opinion] = relationship()
