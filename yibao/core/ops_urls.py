"""Operations: health probes for the load balancer and metrics for the monitoring system."""

from django.urls import path

from yibao.core import health, monitoring

app_name = "core-ops"

urlpatterns = [
    path("health/live/", health.liveness, name="live"),
    path("health/ready/", health.readiness, name="ready"),
    path("metrics/", monitoring.metrics, name="metrics"),
]
