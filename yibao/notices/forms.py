"""The filter of the message lists (消息类型, 状态): shape only."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from yibao.notices.models import Message
from yibao.notices.selectors import ReadStatus

STATUS_CHOICES = [
    (ReadStatus.ALL.value, "全部"),
    (ReadStatus.UNREAD.value, "未读"),
    (ReadStatus.READ.value, "已读"),
]


class MessageFilterForm(forms.Form):
    category = forms.ChoiceField(
        label="消息类型", required=False, choices=[("", "全部"), *Message.Category.choices]
    )
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "message-filter-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_query(cls, query: QueryDict) -> tuple[MessageFilterForm, dict[str, str]]:
        """The filters chosen in the query string (a value not among the choices counts as
        全部) and a form showing them."""
        bound = cls(query)
        bound.is_valid()
        data = getattr(bound, "cleaned_data", {})
        filters = {"category": data.get("category", ""), "status": data.get("status", "")}
        return cls(initial=filters), filters
