"""Background tasks of the accounts app (run by the task worker of `make run`)."""

from __future__ import annotations

from django_tasks import task

from yibao.accounts.sms import sms_backend


@task()
def sms_deliver(phone: str, text: str, purpose: str = "") -> None:
    """Hand one message to the configured SMS backend."""
    sms_backend().send(phone=phone, text=text, purpose=purpose)
