from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yibao.accounts.models import SmsMessage
from yibao.core.guards import dev_affordance


@dev_affordance
def sms_outbox(request: HttpRequest) -> HttpResponse:
    """Development only: the newest messages the SMS outbox backend has 'sent'."""
    sms_messages = SmsMessage.objects.all()[:50]
    return render(request, "accounts/sms_outbox.html", {"sms_messages": sms_messages})
