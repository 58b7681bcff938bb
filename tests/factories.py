"""Row factories for tests: small, explicit, every argument overridable."""
from __future__ import annotations

import itertools
from datetime import timedelta

from feedback.models import Department, Disclosure, Heading, Opinion, Organisation, User
from feedback.models.base import utcnow

_counter = itertools.count(1)


class Factories:
    def __init__(self, db):
        self.db = db

    def _save(self, row):
        self.db.session.add(row)
        self.db.session.commit()
        return row

    def organisation(self, **kw) -> Organisation:
        n = next(_counter)
        kw.setdefault("key", f"org-{n}")
        kw.setdefault("name_zh", f"青溪区委{n}")
        kw.setdefault("name_en", f"Qingxi District Committee {n}")
        kw.setdefault("tier", "district")
        return self._save(Organisation(**kw))

    def department(self, **kw) -> Department:
        n = next(_counter)
        if "organisation_id" not in kw:
            kw["organisation_id"] = self.organisation().id
        kw.setdefault("key", f"dept-{n}")
        kw.setdefault("name_zh", f"部门{n}")
        kw.setdefault("name_en", f"Department {n}")
        kw.setdefault("routing_keywords", "")
        return self._save(Department(**kw))

    def heading(self, **kw) -> Heading:
        n = next(_counter)
        if "organisation_id" not in kw:
            kw["organisation_id"] = self.organisation().id
        kw.setdefault("code", f"H{n}")
        kw.setdefault("name_zh", f"目录{n}")
        kw.setdefault("name_en", f"Heading {n}")
        return self._save(Heading(**kw))

    def user(self, *, role: str = "editor", password: str = "secret-pass", **kw) -> User:
        n = next(_counter)
        kw.setdefault("username", f"{role}{n}")
        kw.setdefault("display_name", f"{role} {n}")
        user = User(role=role, **kw)
        user.set_password(password)
        return self._save(user)

    def item(self, *, published: bool = True, scope: str = "public", department: Department | None = None,
             comment_days: int = 30, **kw) -> Disclosure:
        """A disclosure item, published through the service so it has a real version."""
        from feedback.services import disclosures

        department = department or self.department()
        heading = kw.pop("heading", None) or self.heading(organisation_id=department.organisation_id)
        editor = kw.pop("editor", None) or self.user(role="editor")
        item = disclosures.create_item(
            user=editor, heading_id=heading.id, department_id=department.id,
            title=kw.pop("title", "老旧小区加装电梯工作方案（征求意见稿）"),
            body=kw.pop("body", "为改善老旧小区居民出行条件，拟在梅园新村试点加装电梯。"),
            scope=scope, **kw,
        )
        if published:  # submitted by one editor, the paper approval recorded by another
            disclosures.submit_item(user=editor, item_id=item.id)
            disclosures.publish_item(user=self.user(role="editor"), item_id=item.id,
                                     approver_name="王书记", approval_opinion="同意公开",
                                     comment_days=comment_days)
        return item

    def opinion(self, *, disclosure: Disclosure | None = None, **kw) -> Opinion:
        from feedback.services.opinions import new_tracking_code
        from feedback.synthesis.text import normalise

        kw.setdefault("text", "希望尽快加装电梯，老人上下楼太难了。")
        kw.setdefault("stance", "support")
        kw.setdefault("status", "received")
        kw.setdefault("created_at", utcnow() - timedelta(minutes=5))
        opinion = Opinion(tracking_code=new_tracking_code(), analysis_text=normalise(kw["text"]),
                          disclosure_id=disclosure.id if disclosure else None, **kw)
        return self._save(opinion)

    def published_answer(self, *, department, status: str = "published", **kw):
        """An answer as a row (no opinion needed): published now unless `status` says not."""
        from feedback.models import Response

        department_id = department if isinstance(department, int) else department.id
        kw.setdefault("text", "您好！已安排专人处理，本月底前完成。")
        kw.setdefault("published_at", utcnow() if status == "published" else None)
        return self._save(Response(department_id=department_id, status=status, **kw))
