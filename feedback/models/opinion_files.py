"""Photos and documents a resident sends with an opinion.

Files live on disk under the instance directory, named by their SHA-256; the row says
whose they are. A file is shown in public only once a moderator has released it (a
photo cannot be masked like text: a face, a licence plate or a letter in it can only be
judged by a person).
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .opinions import Opinion


class OpinionFile(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    opinion_id: Mapped[int] = mapped_column(ForeignKey("opinion.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    # The resident chose to keep the photo's location data (EXIF GPS); stripped otherwise.
    location_kept: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    released_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    opinion: Mapped[Opinion] = relationship()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
